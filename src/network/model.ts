/**
 * The network model of a Snapshot: who can reach whom under its NetworkPolicies, exactly, with reasons.
 * `analyzeNetwork(snapshot, options)` builds it once; every question after that is answered from it.
 */
import type { Diagnostic } from "../model/diagnostic.js";
import type { NetworkPolicy } from "../model/objects.js";
import type { Snapshot } from "../model/snapshot.js";
import { Bitset } from "./bitset.js";
import { buildClasses, type ClassTable, type EndpointClass } from "./classes.js";
import { ConnSet } from "./conns.js";
import { Evaluator } from "./evaluate.js";
import { formatRange, type IPRange } from "./ip.js";
import { type NetworkOptions, type ResolvedNetworkOptions, resolveOptions } from "./options.js";
import { type CompiledPolicy, compilePolicies } from "./policies.js";
import { Rows } from "./rows.js";
import { buildUnits, type Peer, type Unit } from "./units.js";

export type Level = "pod" | "workload";

/** One allowed connection between two named ends (`ns/name[Kind]` or `a.b.c.d-e.f.g.h[External]`). */
export interface Connection {
  src: string;
  dst: string;
  conns: ConnSet;
}

export type MatrixStatus = "full" | "partial" | "none" | "n/a";

export interface NamespaceMatrix {
  namespaces: string[];
  /** status(src, dst) by namespace index. */
  status(src: number, dst: number): MatrixStatus;
}

const STATUS: MatrixStatus[] = ["none", "partial", "full", "n/a"];

export class NetworkModel {
  readonly options: ResolvedNetworkOptions;
  readonly policies: CompiledPolicy[];
  readonly diagnostics: Diagnostic[];
  /** Policies left out because the API server would reject them. */
  readonly invalid: { policy: NetworkPolicy; errors: string[] }[];
  readonly units: Unit[];
  readonly peers: Peer[];
  readonly table: ClassTable;
  readonly evaluator: Evaluator;
  private rowsCache?: Rows;
  /** Pod classes with a member on each node (for the node-local exemption). */
  private readonly podClassesOnNode = new Map<string, Set<number>>();

  constructor(
    readonly snapshot: Snapshot,
    options: NetworkOptions = {},
  ) {
    this.options = resolveOptions(options);
    const compiled = compilePolicies(snapshot.networkPolicies);
    this.policies = compiled.policies;
    this.diagnostics = compiled.diagnostics;
    this.invalid = compiled.invalid;
    const { units, peers } = buildUnits(snapshot, this.options);
    this.units = units;
    this.peers = peers;
    this.table = buildClasses(
      snapshot,
      units,
      compiled.policies,
      compiled.cidrs,
      this.options.ipBlockMatchesPods,
      this.options.hostNetwork === "node",
    );
    this.evaluator = new Evaluator(this.table, compiled.policies, this.options.ipBlockMatchesPods);
    for (const c of this.table.classes) {
      if (c.kind !== "pod") continue;
      for (const u of c.units) {
        if (!u.node) continue;
        let set = this.podClassesOnNode.get(u.node);
        if (!set) this.podClassesOnNode.set(u.node, (set = new Set()));
        set.add(c.index);
      }
    }
  }

  get rows(): Rows {
    this.rowsCache ??= new Rows(this.evaluator);
    return this.rowsCache;
  }

  classOf(unit: Unit): EndpointClass {
    return this.table.classes[this.table.classOfUnit[unit.index]!]!;
  }

  /** The node-local exemption: a hostNetwork source (its node) reaching a pod on that same node. */
  nodeLocal(src: Unit | undefined, dst: Unit | undefined): boolean {
    if (!this.options.nodeLocalAllowed || !src || !dst || !src.node || src.node !== dst.node) return false;
    return this.classOf(src).kind === "host" && this.classOf(dst).kind === "pod";
  }

  /** What is allowed from one unit to another (a pod to itself: everything). */
  unitConns(src: Unit, dst: Unit): ConnSet {
    if (src === dst || this.nodeLocal(src, dst)) return ConnSet.all;
    return this.evaluator.conns(this.table.classOfUnit[src.index]!, this.table.classOfUnit[dst.index]!);
  }

  externalName(atom: number): string {
    return `${formatRange(this.table.atoms.ranges[atom]!)}[External]`;
  }

  /**
   * Every allowed connection, one per ordered pair of ends: pods (level "pod") or workloads (a workload and
   * its pods are one peer), and external ranges (adjacent ranges with the same connections merged).
   * Self pairs are omitted. `namespace` keeps the pairs with an end in it.
   */
  connections(level: Level, namespace?: string): Connection[] {
    const out: Connection[] = [];
    const byPair = new Map<string, { src: string; dst: string; conns: ConnSet; srcAtom?: number; dstAtom?: number }>();
    const add = (src: string, dst: string, conns: ConnSet, srcAtom?: number, dstAtom?: number) => {
      const key = `${src}\0${dst}`;
      const found = byPair.get(key);
      if (found) found.conns = found.conns.union(conns);
      else byPair.set(key, { src, dst, conns, srcAtom, dstAtom });
    };
    const nameOf = (u: Unit) => (level === "pod" ? u.name : u.peer.name);
    this.forEachClassPair((s, d, conns) => {
      const sc = this.table.classes[s]!;
      const dc = this.table.classes[d]!;
      if (namespace !== undefined && sc.namespace !== namespace && dc.namespace !== namespace) return;
      if (sc.kind === "external") {
        for (const du of dc.units) add(this.externalName(sc.atom), nameOf(du), conns, sc.atom);
        return;
      }
      if (dc.kind === "external") {
        for (const su of sc.units) add(nameOf(su), this.externalName(dc.atom), conns, undefined, dc.atom);
        return;
      }
      for (const su of sc.units) {
        for (const du of dc.units) {
          if (su === du) continue;
          const src = nameOf(su);
          const dst = nameOf(du);
          if (src === dst) continue;
          const c = this.nodeLocal(su, du) ? ConnSet.all : conns;
          if (!c.isEmpty()) add(src, dst, c);
        }
      }
    });
    for (const entry of mergeExternal([...byPair.values()], this.table.atoms.ranges)) out.push(entry);
    return out.sort((a, b) => (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
  }

  /**
   * Calls `visit` for every ordered pair of classes that may have an allowed connection (external to external
   * excluded), with the exact class-level connections (possibly empty when only the node-local exemption
   * admits: callers apply it per unit).
   */
  forEachClassPair(visit: (src: number, dst: number, conns: ConnSet) => void): void {
    const { classes, externalStart } = this.table;
    for (let s = 0; s < classes.length; s++) {
      const sc = classes[s]!;
      const row = this.rows.row(s);
      const candidates = row.any;
      const local = sc.kind === "host" && sc.node ? this.podClassesOnNode.get(sc.node) : undefined;
      if (local && this.options.nodeLocalAllowed) {
        for (const d of local) {
          if (!candidates.has(d)) {
            const conns = this.evaluator.conns(s, d);
            visit(s, d, conns);
          }
        }
      }
      const limit = sc.kind === "external" ? externalStart : classes.length;
      for (const d of candidates.indices(0, limit)) {
        const conns = row.all.has(d) ? ConnSet.all : this.evaluator.conns(s, d);
        if (!conns.isEmpty() || (local?.has(d) ?? false)) visit(s, d, conns);
      }
    }
  }

  /** Namespace × namespace: full (every pod pair, every connection), none, or partial. */
  namespaceMatrix(): NamespaceMatrix {
    const { namespaces, classes } = this.table;
    const n = namespaces.length;
    const cells = new Uint8Array(n * n);
    const size = classes.length;
    const unitCount = namespaces.map((ns) => countUnits(classes, ns.first, ns.end));
    for (const a of namespaces) {
      const rows: { s: number; any: Bitset; all: Bitset }[] = [];
      const fullAnd = Bitset.ones(size);
      const anyOr = new Bitset(size);
      const fullOr = new Bitset(size);
      let exactNeeded = this.rows.widePorts;
      for (let s = a.first; s < a.end; s++) {
        const sc = classes[s]!;
        const row = this.rows.row(s);
        if (sc.kind === "host" && this.options.nodeLocalAllowed && sc.node && this.podClassesOnNode.has(sc.node))
          exactNeeded = true;
        // A class with one member paired with itself is only that pod to itself: no pair to judge.
        if (sc.units.length === 1) {
          row.all.set(s);
          fullAnd.and(row.all);
          row.all.words[s >>> 5]! &= ~(1 << (s & 31));
          row.any.words[s >>> 5]! &= ~(1 << (s & 31));
        } else fullAnd.and(row.all);
        anyOr.or(row.any);
        fullOr.or(row.all);
        rows.push({ s, any: row.any, all: row.all });
      }
      for (const b of namespaces) {
        const cell = a.index * n + b.index;
        const unitsA = unitCount[a.index]!;
        if (unitsA === 0 || unitCount[b.index] === 0 || (a === b && unitsA === 1)) {
          cells[cell] = 3;
          continue;
        }
        if (!exactNeeded) {
          if (fullAnd.allIn(b.first, b.end)) cells[cell] = 2;
          else if (!anyOr.anyIn(b.first, b.end)) cells[cell] = 0;
          else if (fullOr.anyIn(b.first, b.end)) cells[cell] = 1;
          else cells[cell] = this.someAllowed(rows, b.first, b.end) ? 1 : 0;
          continue;
        }
        cells[cell] = this.exactStatus(a.first, a.end, b.first, b.end);
      }
    }
    return {
      namespaces: namespaces.map((ns) => ns.name),
      status: (src, dst) => STATUS[cells[src * n + dst]!]!,
    };
  }

  private someAllowed(rows: { s: number; any: Bitset }[], from: number, to: number): boolean {
    for (const { s, any } of rows) for (const d of any.indices(from, to)) if (!this.evaluator.conns(s, d).isEmpty()) return true;
    return false;
  }

  /** Unit by unit (hostNetwork sources on a node, or port sets that might add up to everything). */
  private exactStatus(aFirst: number, aEnd: number, bFirst: number, bEnd: number): number {
    let full = true;
    let any = false;
    const { classes } = this.table;
    for (let s = aFirst; s < aEnd; s++) {
      for (let d = bFirst; d < bEnd; d++) {
        const conns = this.evaluator.conns(s, d);
        for (const su of classes[s]!.units) {
          for (const du of classes[d]!.units) {
            if (su === du) continue;
            const c = this.nodeLocal(su, du) ? ConnSet.all : conns;
            if (!c.isAll()) full = false;
            if (!c.isEmpty()) any = true;
            if (any && !full) return 1;
          }
        }
      }
    }
    return full ? 2 : any ? 1 : 0;
  }
}

function countUnits(classes: EndpointClass[], from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += classes[i]!.units.length;
  return n;
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

export function analyzeNetwork(snapshot: Snapshot, options: NetworkOptions = {}): NetworkModel {
  return new NetworkModel(snapshot, options);
}
