/**
 * The network model of a Snapshot: who can reach whom under its NetworkPolicies, exactly, with reasons.
 * `analyzeNetwork(snapshot, options)` builds it once; every question after that is answered from it.
 */
import type { Diagnostic } from "../model/diagnostic.js";
import { formatRange, type IPRange } from "../model/ip.js";
import type { NetworkPolicy } from "../model/objects.js";
import type { Snapshot } from "../model/snapshot.js";
import { Bitset } from "./bitset.js";
import { buildClasses, type ClassTable, type EndpointClass } from "./classes.js";
import { ConnSet } from "./conns.js";
import { Evaluator } from "./evaluate.js";
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
  /**
   * src's row as status codes (indexes into MATRIX_STATUSES; the first `namespaces.length` count), for scans
   * of every pair without a call each; the array is reused by the next call.
   */
  codes(src: number): Uint8Array;
}

/** The statuses by code: 1 (partial) and 2 (full) are the codes of namespace pairs with some connection. */
export const MATRIX_STATUSES: readonly MatrixStatus[] = ["none", "partial", "full", "n/a"];

/** Whether a status code of NamespaceMatrix.codes means some connection. */
export const connects = (code: number): boolean => code === 1 || code === 2;

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
  private namespaceMatrixCache?: NamespaceMatrix;
  /** Rows for one-off questions, allocated once. */
  private scratch?: { any: Bitset; all: Bitset };
  private podClassesOnNodeCache?: Map<string, number[]>;
  /** For each pod class, the node all its pods run on (undefined: several nodes, or unknown). */
  private soleNode: (string | undefined)[] = [];

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
  }

  /** Pod classes with a member on each node (for the node-local exemption), built on first need. */
  private get podClassesOnNode(): Map<string, number[]> {
    if (!this.podClassesOnNodeCache) {
      const byNode = new Map<string, number[]>();
      this.soleNode = this.table.classes.map(() => undefined);
      for (const c of this.table.classes) {
        if (c.kind !== "pod") continue;
        let sole: string | undefined = c.units[0]?.node;
        for (const u of c.units) {
          if (u.node !== sole) sole = undefined;
          if (!u.node) continue;
          const list = byNode.get(u.node);
          if (!list) byNode.set(u.node, [c.index]);
          else if (list[list.length - 1] !== c.index) list.push(c.index);
        }
        this.soleNode[c.index] = sole;
      }
      this.podClassesOnNodeCache = byNode;
    }
    return this.podClassesOnNodeCache;
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
    const { classes } = this.table;
    // Ends are units (pod level) or peers (workload level), by index; a class lists its distinct ends.
    const endsOfClass = classes.map((c) => [
      ...new Set(c.units.map((u) => (level === "pod" ? u.index : u.peer.index))),
    ]);
    const endName = (i: number) => (level === "pod" ? this.units[i]!.name : this.peers[i]!.name);
    const count = level === "pod" ? this.units.length : this.peers.length;
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
    this.forEachClassPair((s, d, conns) => {
      const sc = classes[s]!;
      const dc = classes[d]!;
      if (namespace !== undefined && sc.namespace !== namespace && dc.namespace !== namespace) return;
      if (sc.kind === "external") {
        for (const e of endsOfClass[d]!) addExternal(this.externalName(sc.atom), endName(e), conns, sc.atom);
        return;
      }
      if (dc.kind === "external") {
        for (const e of endsOfClass[s]!)
          addExternal(endName(e), this.externalName(dc.atom), conns, undefined, dc.atom);
        return;
      }
      if (sc.kind === "host" && this.options.nodeLocalAllowed) {
        // The node-local exemption differs pod by pod.
        for (const su of sc.units)
          for (const du of dc.units) {
            if (su === du) continue;
            const c = this.nodeLocal(su, du) ? ConnSet.all : conns;
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
    out.push(...mergeExternal([...externalPairs.values()], this.table.atoms.ranges));
    return out.sort((a, b) =>
      a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0,
    );
  }

  /**
   * Calls `visit` for every ordered pair of classes that may have an allowed connection (external to external
   * excluded), with the exact class-level connections (possibly empty when only the node-local exemption
   * admits: callers apply it per unit).
   */
  forEachClassPair(visit: (src: number, dst: number, conns: ConnSet) => void): void {
    const { classes, externalStart } = this.table;
    const any = new Bitset(classes.length);
    const all = new Bitset(classes.length);
    for (let s = 0; s < classes.length; s++) {
      const sc = classes[s]!;
      this.rows.rowInto(s, any, all);
      const onNode =
        sc.kind === "host" && sc.node && this.options.nodeLocalAllowed
          ? this.podClassesOnNode.get(sc.node)
          : undefined;
      const local = onNode ? new Set(onNode) : undefined;
      if (local) for (const d of local) if (!any.has(d)) visit(s, d, this.evaluator.conns(s, d));
      const limit = sc.kind === "external" ? externalStart : classes.length;
      for (let d = any.nextSet(0, limit); d >= 0; d = any.nextSet(d + 1, limit)) {
        const conns = all.has(d) ? ConnSet.all : this.evaluator.conns(s, d);
        if (!conns.isEmpty() || (local?.has(d) ?? false)) visit(s, d, conns);
      }
    }
  }

  /**
   * An example connection from a pod or workload of namespace `a` to one of namespace `b` (table indexes):
   * the first a policy allows, in class order, else the first the node-local exemption allows.
   */
  firstConnection(a: number, b: number): { src: Unit; dst: Unit; conns: ConnSet } | undefined {
    const { classes, namespaces } = this.table;
    const from = namespaces[a]!;
    const to = namespaces[b]!;
    this.scratch ??= { any: new Bitset(classes.length), all: new Bitset(classes.length) };
    const { any, all } = this.scratch;
    for (let s = from.first; s < from.end; s++) {
      this.rows.rowInto(s, any, all, to.first, to.end);
      const src = classes[s]!.units[0]!;
      for (let d = any.nextSet(to.first, to.end); d >= 0; d = any.nextSet(d + 1, to.end)) {
        const dst = classes[d]!.units.find((u) => u !== src);
        const conns = all.has(d) ? ConnSet.all : this.evaluator.conns(s, d);
        if (dst && !conns.isEmpty()) return { src, dst, conns };
      }
    }
    if (!this.options.nodeLocalAllowed) return undefined;
    for (let s = from.first; s < from.end; s++) {
      if (classes[s]!.kind !== "host") continue;
      for (const src of classes[s]!.units) {
        for (const d of this.podClassesOnNode.get(src.node ?? "") ?? []) {
          if (d < to.first || d >= to.end) continue;
          const dst = classes[d]!.units.find((u) => u.node === src.node);
          if (dst) return { src, dst, conns: ConnSet.all };
        }
      }
    }
    return undefined;
  }

  /**
   * Namespace × namespace: full (every pod pair, every connection), none (no connection at all), partial, or
   * n/a (no pair: a namespace without pods, or a single pod with itself). Row by row with bitsets; only
   * namespace pairs whose answer the bitsets leave open are evaluated exactly. Worked out once per model.
   */
  namespaceMatrix(): NamespaceMatrix {
    this.namespaceMatrixCache ??= this.buildNamespaceMatrix();
    return this.namespaceMatrixCache;
  }

  private buildNamespaceMatrix(): NamespaceMatrix {
    const { namespaces, classes, externalStart } = this.table;
    const n = namespaces.length;
    const cells = new StatusCells(n);
    const size = classes.length;
    const unitCount = namespaces.map((ns) => countUnits(classes, ns.first, ns.end));
    const { widePorts, coverEgress, coverIngress } = this.rows;
    // Namespaces with a class whose restricted rules might add up to everything (see Rows.coverEgress).
    const coverFrom = new Uint8Array(n);
    const coverTo = new Uint8Array(n);
    if (widePorts)
      for (const c of classes) {
        if (c.ns < 0) continue;
        if (coverEgress[c.index]) coverFrom[c.ns] = 1;
        if (coverIngress[c.index]) coverTo[c.ns] = 1;
      }
    const fullAnd = new Bitset(size);
    const anyOr = new Bitset(size);
    const fullOr = new Bitset(size);
    const sureOr = new Bitset(size);
    const all = new Bitset(size);
    // The `any` row of each class of the current source namespace (anyRows[s - a.first], possibly shared by
    // classes with the same row), kept for the exact checks; rowPool holds the bitsets.
    const anyRows: Bitset[] = [];
    const rowPool: Bitset[] = [];
    // Classes of the namespace whose row was accumulated: a later class with the same row adds nothing (∧ and
    // ∨ are idempotent), except at the first one's own bit when that was neutral (a class of one pod).
    const accumulated: { s: number; single: boolean; any: boolean; all: boolean }[] = [];
    for (const a of namespaces) {
      if (unitCount[a.index] === 0) continue;
      fullAnd.words.fill(0xffffffff);
      anyOr.words.fill(0);
      fullOr.words.fill(0);
      let hosts = false;
      let pooled = 0;
      accumulated.length = 0;
      for (let s = a.first; s < a.end; s++) {
        const sc = classes[s]!;
        const host = sc.kind === "host" && sc.node !== undefined && this.options.nodeLocalAllowed;
        const same = host
          ? undefined
          : accumulated.find((t) => this.rows.connsKey(s) === this.rows.connsKey(t.s));
        if (same) {
          anyRows[s - a.first] = anyRows[same.s - a.first]!;
          if (same.single) {
            if (!same.all) fullAnd.clear(same.s);
            if (same.any) anyOr.set(same.s);
            if (same.all) fullOr.set(same.s);
          }
          continue;
        }
        if (rowPool.length <= pooled) rowPool.push(new Bitset(size));
        const any = rowPool[pooled++]!;
        anyRows[s - a.first] = any;
        this.rows.rowInto(s, any, all);
        if (host) {
          if (!hosts) sureOr.words.fill(0);
          hosts = true;
          this.overlayNodeLocal(sc.node!, any, all, sureOr);
        }
        // A class of one pod paired with itself is only that pod to itself: no pair to judge (neutral for
        // fullAnd, absent from anyOr and fullOr).
        const single = sc.units.length === 1;
        accumulate(fullAnd, anyOr, fullOr, any, all, single ? s : -1);
        if (!host && accumulated.length < 64)
          accumulated.push({ s, single, any: any.has(s), all: all.has(s) });
      }
      // Only namespaces some class of `a` may reach need a look: the rest stay none.
      for (let d = anyOr.nextSet(0, externalStart); d >= 0; ) {
        const b = namespaces[classes[d]!.ns]!;
        if (coverFrom[a.index] || coverTo[b.index])
          cells.set(a.index, b.index, this.exactStatus(a.first, a.end, b.first, b.end));
        else if (fullAnd.allIn(b.first, b.end)) cells.set(a.index, b.index, 2);
        // Not every pair is full (exact when no port entry can add up to everything), and some pair connects.
        else if (fullOr.anyIn(b.first, b.end) || (hosts && sureOr.anyIn(b.first, b.end)))
          cells.set(a.index, b.index, 1);
        else cells.set(a.index, b.index, this.someAllowed(a.first, a.end, b.first, b.end, anyRows) ? 1 : 0);
        d = anyOr.nextSet(b.end, externalStart);
      }
      if (unitCount[a.index] === 1) cells.set(a.index, a.index, 3);
    }
    for (const b of namespaces) {
      if (unitCount[b.index] !== 0) continue;
      for (let i = 0; i < n; i++) cells.set(i, b.index, 3);
    }
    for (const a of namespaces)
      if (unitCount[a.index] === 0) for (let b = 0; b < n; b++) cells.set(a.index, b, 3);
    return {
      namespaces: namespaces.map((ns) => ns.name),
      status: (src, dst) => MATRIX_STATUSES[cells.get(src, dst)]!,
      codes: (src) => cells.row(src),
    };
  }

  /**
   * The node-local exemption for a hostNetwork class on `node`: pod classes whose every pod runs there are
   * fully reachable, those with some pod there surely reachable.
   */
  private overlayNodeLocal(node: string, any: Bitset, all: Bitset, sure: Bitset): void {
    const classes = this.podClassesOnNode.get(node) ?? [];
    const soleNode = this.soleNode;
    for (const d of classes) {
      any.set(d);
      sure.set(d);
      if (soleNode[d] === node) all.set(d);
    }
  }

  /** Some pair of classes in [aFirst, aEnd) × [bFirst, bEnd) has an allowed connection (exactly). */
  private someAllowed(
    aFirst: number,
    aEnd: number,
    bFirst: number,
    bEnd: number,
    anyRows: Bitset[],
  ): boolean {
    for (let s = aFirst; s < aEnd; s++) {
      const any = anyRows[s - aFirst]!;
      const single = this.table.classes[s]!.units.length === 1;
      for (let d = any.nextSet(bFirst, bEnd); d >= 0; d = any.nextSet(d + 1, bEnd))
        if (!(single && d === s) && !this.evaluator.conns(s, d).isEmpty()) return true;
    }
    return false;
  }

  /** Unit by unit, for when port entries might add up to every connection. */
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

/** fullAnd ∧= all, anyOr ∨= any, fullOr ∨= all in one pass; bit `self` (if ≥ 0) counts as full and absent. */
function accumulate(
  fullAnd: Bitset,
  anyOr: Bitset,
  fullOr: Bitset,
  any: Bitset,
  all: Bitset,
  self: number,
): void {
  const F = fullAnd.words;
  const O = anyOr.words;
  const R = fullOr.words;
  const A = any.words;
  const L = all.words;
  const selfWord = self >= 0 ? self >>> 5 : -1;
  for (let w = 0; w < F.length; w++) {
    if (w === selfWord) continue;
    F[w]! &= L[w]!;
    O[w]! |= A[w]!;
    R[w]! |= L[w]!;
  }
  if (selfWord >= 0) {
    const bit = 1 << (self & 31);
    F[selfWord]! &= L[selfWord]! | bit;
    O[selfWord]! |= A[selfWord]! & ~bit;
    R[selfWord]! |= L[selfWord]! & ~bit;
  }
}

function countUnits(classes: EndpointClass[], from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n += classes[i]!.units.length;
  return n;
}

/** n × n two-bit status codes, four to a byte, each row starting on a byte: 10 000 namespaces take 25 MB. */
class StatusCells {
  private readonly bytes: Uint8Array;
  private readonly rowBytes: number;
  private readonly decoded: Uint8Array;
  constructor(n: number) {
    this.rowBytes = Math.ceil(n / 4);
    this.bytes = new Uint8Array(this.rowBytes * n);
    this.decoded = new Uint8Array(this.rowBytes * 4);
  }

  set(src: number, dst: number, code: number): void {
    const i = src * this.rowBytes + (dst >>> 2);
    const shift = (dst & 3) << 1;
    this.bytes[i] = (this.bytes[i]! & ~(3 << shift)) | (code << shift);
  }

  get(src: number, dst: number): number {
    return (this.bytes[src * this.rowBytes + (dst >>> 2)]! >>> ((dst & 3) << 1)) & 3;
  }

  /** src's row, decoded into one buffer that the next call overwrites (past n: padding, 0). */
  row(src: number): Uint8Array {
    const start = src * this.rowBytes;
    for (let k = 0; k < this.rowBytes; k++) {
      const byte = this.bytes[start + k]!;
      const at = k << 2;
      this.decoded[at] = byte & 3;
      this.decoded[at + 1] = (byte >>> 2) & 3;
      this.decoded[at + 2] = (byte >>> 4) & 3;
      this.decoded[at + 3] = byte >>> 6;
    }
    return this.decoded;
  }
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
