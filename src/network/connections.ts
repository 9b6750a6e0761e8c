/**
 * Every allowed connection, one per ordered pair of ends, for `netmap` and reports: pods or workloads, and
 * external ranges, adjacent ones with the same connections merged.
 */
import { formatRange, type IPRange } from "../model/ip.js";
import type { ClassTable } from "./classes.js";
import { ConnSet } from "./conns.js";
import type { ResolvedNetworkOptions } from "./options.js";
import type { Peer, Unit } from "./units.js";

export type Level = "pod" | "workload";

/** One allowed connection between two named ends (`ns/name[Kind]` or `a.b.c.d-e.f.g.h[External]`). */
export interface Connection {
  src: string;
  dst: string;
  conns: ConnSet;
}

/** What connections are listed from (a NetworkModel). */
export interface ConnectionSource {
  readonly table: ClassTable;
  readonly units: Unit[];
  readonly peers: Peer[];
  readonly options: ResolvedNetworkOptions;
  forEachClassPair(visit: (src: number, dst: number, conns: ConnSet) => void): void;
  nodeLocal(src: Unit | undefined, dst: Unit | undefined): boolean;
  externalName(atom: number): string;
}

/**
 * Every allowed connection, one per ordered pair of ends: pods (level "pod") or workloads (a workload and
 * its pods are one peer), and external ranges (adjacent ranges with the same connections merged).
 * Self pairs are omitted. `namespace` keeps the pairs with an end in it.
 */
export function listConnections(model: ConnectionSource, level: Level, namespace?: string): Connection[] {
  const { classes } = model.table;
  // Ends are units (pod level) or peers (workload level), by index; a class lists its distinct ends.
  const endsOfClass = classes.map((c) => [
    ...new Set(c.units.map((u) => (level === "pod" ? u.index : u.peer.index))),
  ]);
  const endName = (i: number) => (level === "pod" ? model.units[i]!.name : model.peers[i]!.name);
  const count = level === "pod" ? model.units.length : model.peers.length;
  const pairs = new Map<number, ConnSet>();
  const add = (src: number, dst: number, conns: ConnSet) => {
    const key = src * count + dst;
    const found = pairs.get(key);
    if (!found) pairs.set(key, conns);
    else if (!found.isAll()) pairs.set(key, found.union(conns));
  };
  const external: { src: string; dst: string; conns: ConnSet; srcAtom?: number; dstAtom?: number }[] = [];
  const externalPairs = new Map<string, (typeof external)[number]>();
  const addExternal = (src: string, dst: string, conns: ConnSet, srcAtom?: number, dstAtom?: number) => {
    const key = `${src}\0${dst}`;
    const found = externalPairs.get(key);
    if (found) found.conns = found.conns.union(conns);
    else externalPairs.set(key, { src, dst, conns, srcAtom, dstAtom });
  };
  model.forEachClassPair((s, d, conns) => {
    const sc = classes[s]!;
    const dc = classes[d]!;
    if (namespace !== undefined && sc.namespace !== namespace && dc.namespace !== namespace) return;
    if (sc.kind === "external") {
      for (const e of endsOfClass[d]!) addExternal(model.externalName(sc.atom), endName(e), conns, sc.atom);
      return;
    }
    if (dc.kind === "external") {
      for (const e of endsOfClass[s]!)
        addExternal(endName(e), model.externalName(dc.atom), conns, undefined, dc.atom);
      return;
    }
    if (sc.kind === "host" && model.options.nodeLocalAllowed) {
      // The node-local exemption differs pod by pod.
      for (const su of sc.units)
        for (const du of dc.units) {
          if (su === du) continue;
          const c = model.nodeLocal(su, du) ? ConnSet.all : conns;
          const src = level === "pod" ? su.index : su.peer.index;
          const dst = level === "pod" ? du.index : du.peer.index;
          if (src !== dst && !c.isEmpty()) add(src, dst, c);
        }
      return;
    }
    if (conns.isEmpty()) return;
    for (const src of endsOfClass[s]!)
      for (const dst of endsOfClass[d]!) if (src !== dst) add(src, dst, conns);
  });
  const out: Connection[] = [];
  for (const [key, conns] of pairs)
    out.push({ src: endName(Math.floor(key / count)), dst: endName(key % count), conns });
  out.push(...mergeExternal([...externalPairs.values()], model.table.atoms.ranges));
  return out.sort((a, b) =>
    a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0,
  );
}

/** Adjacent external ranges with the same other end and the same connections become one range. */
function mergeExternal(
  entries: { src: string; dst: string; conns: ConnSet; srcAtom?: number; dstAtom?: number }[],
  ranges: IPRange[],
): Connection[] {
  const out: Connection[] = [];
  const groups = new Map<string, { atom: number; conns: ConnSet; outbound: boolean; other: string }[]>();
  for (const e of entries) {
    if (e.srcAtom === undefined && e.dstAtom === undefined) {
      out.push({ src: e.src, dst: e.dst, conns: e.conns });
      continue;
    }
    const outbound = e.dstAtom !== undefined;
    const other = outbound ? e.src : e.dst;
    const key = `${outbound ? ">" : "<"}${other}`;
    const list = groups.get(key) ?? [];
    list.push({ atom: (outbound ? e.dstAtom : e.srcAtom)!, conns: e.conns, outbound, other });
    groups.set(key, list);
  }
  for (const list of groups.values()) {
    list.sort((x, y) => x.atom - y.atom);
    let i = 0;
    while (i < list.length) {
      let j = i;
      while (
        j + 1 < list.length &&
        list[j + 1]!.atom === list[j]!.atom + 1 &&
        ranges[list[j + 1]!.atom]!.family === ranges[list[i]!.atom]!.family &&
        list[j + 1]!.conns.equals(list[i]!.conns)
      )
        j++;
      const first = ranges[list[i]!.atom]!;
      const last = ranges[list[j]!.atom]!;
      const name = `${formatRange({ family: first.family, first: first.first, last: last.last })}[External]`;
      const { outbound, other, conns } = list[i]!;
      out.push(outbound ? { src: other, dst: name, conns } : { src: name, dst: other, conns });
      i = j + 1;
    }
  }
  return out;
}
