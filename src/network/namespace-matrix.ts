/**
 * Namespace × namespace: full (every pod pair, every connection), none (no connection at all), partial, or
 * n/a (no pair: a namespace without pods, or a single pod with itself). Row by row with bitsets; only
 * namespace pairs whose answer the bitsets leave open are evaluated exactly.
 */
import { Bitset } from "./bitset.js";
import type { ClassTable, EndpointClass } from "./classes.js";
import { ConnSet } from "./conns.js";
import type { Evaluator } from "./evaluate.js";
import type { ResolvedNetworkOptions } from "./options.js";
import type { Rows } from "./rows.js";
import type { Unit } from "./units.js";

export type MatrixStatus = "full" | "partial" | "none" | "n/a";

export interface NamespaceMatrix {
  namespaces: string[];
  /** status(src, dst) by namespace index. */
  status(src: number, dst: number): MatrixStatus;
  /**
   * The namespaces src has some connection to (status full or partial), ascending, found a byte (four
   * namespaces) at a time: scans of every pair cost the pairs that connect, not n². The array is reused by
   * the next call.
   */
  connected(src: number): Int32Array;
}

/** The statuses by code: 1 (partial) and 2 (full) are the codes of namespace pairs with some connection. */
export const MATRIX_STATUSES: readonly MatrixStatus[] = ["none", "partial", "full", "n/a"];

/** What the matrix is worked out from (a NetworkModel). */
export interface MatrixSource {
  readonly table: ClassTable;
  readonly rows: Rows;
  readonly evaluator: Evaluator;
  readonly options: ResolvedNetworkOptions;
  /** Pod classes with a member on each node. */
  readonly podClassesOnNode: Map<string, number[]>;
  /** For each pod class, the node all its pods run on (undefined: several nodes, or unknown). */
  soleNodeOf(cls: number): string | undefined;
  nodeLocal(src: Unit | undefined, dst: Unit | undefined): boolean;
}

export function buildNamespaceMatrix(model: MatrixSource): NamespaceMatrix {
  const { namespaces, classes, externalStart } = model.table;
  const n = namespaces.length;
  const cells = new StatusCells(n);
  const size = classes.length;
  const unitCount = namespaces.map((ns) => countUnits(classes, ns.first, ns.end));
  const { widePorts, coverEgress, coverIngress } = model.rows;
  // Namespaces with a class whose restricted rules might add up to everything (see Rows.coverEgress).
  const coverFrom = new Uint8Array(n);
  const coverTo = new Uint8Array(n);
  if (widePorts)
    for (const c of classes) {
      if (c.ns < 0) continue;
      if (coverEgress[c.index]) coverFrom[c.ns] = 1;
      if (coverIngress[c.index]) coverTo[c.ns] = 1;
    }
  // Each class's namespace and each namespace's class range as flat arrays: the scan below visits every
  // namespace pair that may connect (10^8 in a large cluster), and reading them off the objects missed the cache.
  const nsOfClass = new Int32Array(size);
  for (const c of classes) nsOfClass[c.index] = c.ns;
  const nsFirst = Int32Array.from(namespaces, (ns) => ns.first);
  const nsEnd = Int32Array.from(namespaces, (ns) => ns.end);
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
  // By connsKey (the first class of each key; the keys are distinct), at most 64 of them.
  const accumulated = new Map<string, { s: number; single: boolean; any: boolean; all: boolean }>();
  for (const a of namespaces) {
    if (unitCount[a.index] === 0) continue;
    fullAnd.words.fill(0xffffffff);
    anyOr.words.fill(0);
    fullOr.words.fill(0);
    let hosts = false;
    let pooled = 0;
    accumulated.clear();
    for (let s = a.first; s < a.end; s++) {
      const sc = classes[s]!;
      const host = sc.kind === "host" && sc.node !== undefined && model.options.nodeLocalAllowed;
      const key = host ? undefined : model.rows.connsKey(s);
      const same = key === undefined ? undefined : accumulated.get(key);
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
      model.rows.rowInto(s, any, all);
      if (host) {
        if (!hosts) sureOr.words.fill(0);
        hosts = true;
        overlayNodeLocal(model, sc.node!, any, all, sureOr);
      }
      // A class of one pod paired with itself is only that pod to itself: no pair to judge (neutral for
      // fullAnd, absent from anyOr and fullOr).
      const single = sc.units.length === 1;
      accumulate(fullAnd, anyOr, fullOr, any, all, single ? s : -1);
      if (key !== undefined && accumulated.size < 64)
        accumulated.set(key, { s, single, any: any.has(s), all: all.has(s) });
    }
    // Only namespaces some class of `a` may reach need a look: the rest stay none.
    const exactFrom = coverFrom[a.index] === 1;
    for (let d = anyOr.nextSet(0, externalStart); d >= 0; ) {
      const b = nsOfClass[d]!;
      const bFirst = nsFirst[b]!;
      const bEnd = nsEnd[b]!;
      if (exactFrom || coverTo[b]) cells.set(a.index, b, exactStatus(model, a.first, a.end, bFirst, bEnd));
      else if (fullAnd.allIn(bFirst, bEnd)) cells.set(a.index, b, 2);
      // Not every pair is full (exact when no port entry can add up to everything), and some pair connects.
      else if (fullOr.anyIn(bFirst, bEnd) || (hosts && sureOr.anyIn(bFirst, bEnd))) cells.set(a.index, b, 1);
      else cells.set(a.index, b, someAllowed(model, a.first, a.end, bFirst, bEnd, anyRows) ? 1 : 0);
      d = anyOr.nextSet(bEnd, externalStart);
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
    connected: (src) => cells.connected(src),
  };
}

/**
 * The node-local exemption for a hostNetwork class on `node`: pod classes whose every pod runs there are
 * fully reachable, those with some pod there surely reachable.
 */
function overlayNodeLocal(model: MatrixSource, node: string, any: Bitset, all: Bitset, sure: Bitset): void {
  const classes = model.podClassesOnNode.get(node) ?? [];

  for (const d of classes) {
    any.set(d);
    sure.set(d);
    if (model.soleNodeOf(d) === node) all.set(d);
  }
}

/** Some pair of classes in [aFirst, aEnd) × [bFirst, bEnd) has an allowed connection (exactly). */
function someAllowed(
  model: MatrixSource,
  aFirst: number,
  aEnd: number,
  bFirst: number,
  bEnd: number,
  anyRows: Bitset[],
): boolean {
  for (let s = aFirst; s < aEnd; s++) {
    const any = anyRows[s - aFirst]!;
    const single = model.table.classes[s]!.units.length === 1;
    for (let d = any.nextSet(bFirst, bEnd); d >= 0; d = any.nextSet(d + 1, bEnd))
      if (!(single && d === s) && !model.evaluator.conns(s, d).isEmpty()) return true;
  }
  return false;
}

/** Unit by unit, for when port entries might add up to every connection. */
function exactStatus(
  model: MatrixSource,
  aFirst: number,
  aEnd: number,
  bFirst: number,
  bEnd: number,
): number {
  let full = true;
  let any = false;
  const { classes } = model.table;
  for (let s = aFirst; s < aEnd; s++) {
    for (let d = bFirst; d < bEnd; d++) {
      const conns = model.evaluator.conns(s, d);
      for (const su of classes[s]!.units) {
        for (const du of classes[d]!.units) {
          if (su === du) continue;
          const c = model.nodeLocal(su, du) ? ConnSet.all : conns;
          if (!c.isAll()) full = false;
          if (!c.isEmpty()) any = true;
          if (any && !full) return 1;
        }
      }
    }
  }
  return full ? 2 : any ? 1 : 0;
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
  private readonly listed: Int32Array;
  constructor(n: number) {
    this.rowBytes = Math.ceil(n / 4);
    this.bytes = new Uint8Array(this.rowBytes * n);
    this.listed = new Int32Array(n);
  }

  set(src: number, dst: number, code: number): void {
    const i = src * this.rowBytes + (dst >>> 2);
    const shift = (dst & 3) << 1;
    this.bytes[i] = (this.bytes[i]! & ~(3 << shift)) | (code << shift);
  }

  get(src: number, dst: number): number {
    return (this.bytes[src * this.rowBytes + (dst >>> 2)]! >>> ((dst & 3) << 1)) & 3;
  }

  /**
   * The destinations of src's row whose code is 1 or 2 (its two bits differ), into one buffer that the next
   * call overwrites (the padding past n is 0: never listed).
   */
  connected(src: number): Int32Array {
    const start = src * this.rowBytes;
    let count = 0;
    for (let k = 0; k < this.rowBytes; k++) {
      const byte = this.bytes[start + k]!;
      // Bit 2j of `differ` is set when code j of the byte is 01 or 10.
      let differ = (byte ^ (byte >>> 1)) & 0x55;
      while (differ !== 0) {
        const bit = 31 - Math.clz32(differ & -differ);
        this.listed[count++] = (k << 2) + (bit >>> 1);
        differ &= differ - 1;
      }
    }
    return this.listed.subarray(0, count);
  }
}
