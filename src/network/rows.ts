/**
 * Reachability rows as bitsets, for whole-cluster questions (namespace matrix, netmap) without pairwise
 * evaluation: for a source class s, `any` holds every destination class some connection may be allowed to
 * and `all` every one all connections are allowed to (exact). Pairs in `any` but not `all` are decided by
 * the exact Evaluator.
 *   egress side: the union of the peers of the rules of s's egress policies (cached per distinct rule set);
 *   ingress side, transposed: for each rule peer, the destinations its policy protects; a source collects the
 *   destinations of every peer that selects it, plus every destination not isolated for ingress.
 */
import { Bitset } from "./bitset.js";
import { ConnSet } from "./conns.js";
import type { Evaluator } from "./evaluate.js";
import type { CompiledPeer, CompiledRule } from "./policies.js";
import { TierRows } from "./tier-rows.js";

interface Side {
  any: Bitset;
  all: Bitset;
}

/** The destinations one ingress peer opens (any) or fully opens (all), ascending; as bits when dense. */
interface Group {
  any: number[];
  all: number[];
  anyBits?: Bitset;
  allBits?: Bitset;
}

export class Rows {
  private readonly egressCache = new Map<string, Side>();
  /** The exact rows, when tiers other than NetworkPolicy decide (./tier-rows.ts). */
  private tierRows?: TierRows;

  /** egressOf per class, once worked out (classes share few distinct egress rule sets). */
  private readonly egressOfClass: (Side | undefined)[] = [];
  private readonly connsKeys: (string | undefined)[] = [];
  private readonly ingressKeys: (string | undefined)[] = [];
  /** Small ids for policies and groups, for connsKey. */
  private readonly objectIds = new Map<object, number>();
  private readonly ones: Bitset;
  /** The egress side of a class no egress policy isolates: everything. */
  private readonly unisolated: Side;
  private readonly ingressBaseAny: Bitset;
  private readonly ingressBaseAll: Bitset;
  /** For each source class, the ingress groups whose peer selects it. */
  private readonly groupsOf: Group[][];
  /**
   * Per class: the port-restricted rules of its egress (coverEgress) or ingress (coverIngress) policies could
   * add up to every connection (named ports counted as any port of their protocol). Only pairs touching such
   * a class can be fully allowed without a port-less rule, so only they need the exact evaluator to say "full".
   */
  readonly coverEgress: Uint8Array;
  readonly coverIngress: Uint8Array;
  /** Some class has coverEgress or coverIngress. */
  readonly widePorts: boolean;

  constructor(private readonly evaluator: Evaluator) {
    const size = evaluator.size;
    this.ones = Bitset.ones(size);
    this.unisolated = { any: this.ones, all: this.ones };
    this.coverEgress = new Uint8Array(size);
    this.coverIngress = new Uint8Array(size);
    const covers = (rules: CompiledRule[]) => {
      let union = ConnSet.none;
      for (const rule of rules)
        for (const p of rule.ports)
          union = union.union(
            typeof p.port === "number"
              ? ConnSet.of(p.protocol, p.port, p.endPort ?? p.port)
              : ConnSet.of(p.protocol),
          );
      return union.isAll();
    };
    let wide = false;
    for (let c = 0; c < size; c++) {
      const egress = evaluator.egressPolicies[c]!;
      const ingress = evaluator.ingressPolicies[c]!;
      if (egress.length > 0 && covers(egress.flatMap((p) => p.egress))) this.coverEgress[c] = 1;
      if (ingress.length > 0 && covers(ingress.flatMap((p) => p.ingress))) this.coverIngress[c] = 1;
      wide ||= this.coverEgress[c] === 1 || this.coverIngress[c] === 1;
    }
    this.widePorts = wide;

    // Destinations not isolated for ingress accept everything; rules with no peers accept every source.
    this.ingressBaseAny = new Bitset(size);
    this.ingressBaseAll = new Bitset(size);
    for (let d = 0; d < size; d++) {
      if (evaluator.ingressPolicies[d]!.length === 0) {
        this.ingressBaseAny.set(d);
        this.ingressBaseAll.set(d);
      }
    }
    const groups = new Map<string, { peer: CompiledPeer; group: Group }>();
    for (let d = 0; d < size; d++) {
      for (const policy of evaluator.ingressPolicies[d]!) {
        for (const rule of policy.ingress) {
          const portsAll = rule.ports.length === 0;
          if (!rule.peers) {
            this.ingressBaseAny.set(d);
            if (portsAll) this.ingressBaseAll.set(d);
            continue;
          }
          for (const peer of rule.peers) {
            let entry = groups.get(peer.key);
            if (!entry) {
              entry = { peer, group: { any: [], all: [] } };
              groups.set(peer.key, entry);
            }
            entry.group.any.push(d);
            if (portsAll) entry.group.all.push(d);
          }
        }
      }
    }
    this.groupsOf = Array.from({ length: size }, () => []);
    const dense = size >>> 5;
    for (const { peer, group } of groups.values()) {
      group.any = [...new Set(group.any)];
      group.all = [...new Set(group.all)];
      if (group.any.length > dense) group.anyBits = fromList(size, group.any);
      if (group.all.length > dense) group.allBits = fromList(size, group.all);
      for (const s of evaluator.peerBits(peer).indices()) this.groupsOf[s]!.push(group);
    }
  }

  /**
   * Equal for classes with the same policy-allowed connections to every destination: the same egress
   * policies, and selected by the same ingress rule peers (the node-local exemption aside); with
   * cluster-scoped tiers, also the same to them (Evaluator.clusterSourceKey). A namespace's
   * classes often differ only as destinations, so whole-cluster walks judge each key once.
   */
  connsKey(s: number): string {
    let key = this.connsKeys[s];
    if (key === undefined) {
      key = `${this.evaluator.egressPolicies[s]!.map(this.id).join(",")}|${this.ingressKey(s)}`;
      // What the cluster-scoped tiers see of the source, when there are any.
      if (!this.evaluator.networkPolicyOnly) key += `#${this.evaluator.clusterSourceKey(s)}`;
      this.connsKeys[s] = key;
    }
    return key;
  }

  /**
   * Equal for classes the same ingress rule peers select: NetworkPolicy's ingress side (ingressInto) is the
   * same for them, and so is every ingress decision of NetworkPolicy's from them.
   */
  ingressKey(s: number): string {
    let key = this.ingressKeys[s];
    if (key === undefined) {
      key = this.groupsOf[s]!.map(this.id).join(",");
      this.ingressKeys[s] = key;
    }
    return key;
  }

  /** A small id for a policy or a group, for connsKey and ingressKey. */
  private readonly id = (o: object): number => {
    const known = this.objectIds.get(o);
    if (known !== undefined) return known;
    this.objectIds.set(o, this.objectIds.size);
    return this.objectIds.size - 1;
  };

  /** Destinations s's egress may allow (any) / allows everything to (all). */
  egressOf(s: number): Side {
    let side = this.egressOfClass[s];
    if (!side) {
      side = this.egressSide(s);
      this.egressOfClass[s] = side;
    }
    return side;
  }

  private egressSide(s: number): Side {
    const policies = this.evaluator.egressPolicies[s]!;
    if (policies.length === 0) return this.unisolated;
    const parts: string[] = [];
    for (const p of policies)
      for (const rule of p.egress)
        parts.push(
          `${rule.ports.length === 0 ? "A" : "R"}${rule.peers ? rule.peers.map((x) => x.key).join("\u0002") : "*"}`,
        );
    const key = parts.sort().join("\u0001");
    let side = this.egressCache.get(key);
    if (!side) {
      const size = this.evaluator.size;
      const any = new Bitset(size);
      const all = new Bitset(size);
      for (const p of policies) {
        for (const rule of p.egress) {
          const portsAll = rule.ports.length === 0;
          if (!rule.peers) {
            any.or(this.ones);
            if (portsAll) all.or(this.ones);
            continue;
          }
          for (const peer of rule.peers) {
            const bits = this.evaluator.peerBits(peer);
            any.or(bits);
            if (portsAll) all.or(bits);
          }
        }
      }
      side = { any, all };
      this.egressCache.set(key, side);
    }
    return side;
  }

  /**
   * NetworkPolicy's ingress side alone for source class s, written into `any` and `all` over the words of
   * [first, end) (as rowInto): the destinations whose ingress policies may allow it something (or isolate
   * nothing) and those that allow it everything (port-less rules; exact when set).
   */
  ingressInto(s: number, any: Bitset, all: Bitset, first = 0, end = this.evaluator.size): void {
    const A = any.words;
    const L = all.words;
    const w0 = first >>> 5;
    const w1 = (end + 31) >>> 5;
    A.set(this.ingressBaseAny.words.subarray(w0, w1), w0);
    L.set(this.ingressBaseAll.words.subarray(w0, w1), w0);
    const lo = w0 << 5;
    const hi = w1 << 5;
    for (const g of this.groupsOf[s]!) {
      if (g.anyBits) orMasked(A, g.anyBits.words, undefined, w0, w1);
      else setListed(any, g.any, lo, hi, undefined);
      if (g.allBits) orMasked(L, g.allBits.words, undefined, w0, w1);
      else setListed(all, g.all, lo, hi, undefined);
    }
  }

  /**
   * Both sides for source class s, written into `any` and `all` (no allocation: the matrix's hot loop). Given
   * a class range [first, end), only the bits in it are written (the rest are left as they were): questions
   * about one namespace's classes then cost that namespace's words, not the whole row.
   */
  rowInto(s: number, any: Bitset, all: Bitset, first = 0, end = this.evaluator.size): void {
    if (!this.evaluator.networkPolicyOnly) {
      this.exactRowInto(s, any, all, first, end);
      return;
    }
    const A = any.words;
    const L = all.words;
    const w0 = first >>> 5;
    const w1 = (end + 31) >>> 5;
    const baseAny = this.ingressBaseAny.words;
    const baseAll = this.ingressBaseAll.words;
    const isolated = this.evaluator.egressPolicies[s]!.length > 0;
    // (ingress base ∪ groups) ∧ egress, as (base ∧ egress) ∪ (groups ∧ egress): one pass over the words.
    const e = isolated ? this.egressOf(s) : undefined;
    if (e) {
      const eAny = e.any.words;
      const eAll = e.all.words;
      for (let w = w0; w < w1; w++) {
        A[w] = baseAny[w]! & eAny[w]!;
        L[w] = baseAll[w]! & eAll[w]!;
      }
    } else {
      for (let w = w0; w < w1; w++) {
        A[w] = baseAny[w]!;
        L[w] = baseAll[w]!;
      }
    }
    // Bits of the boundary words outside [first, end) may be set too: harmless, as they are never read.
    const lo = w0 << 5;
    const hi = w1 << 5;
    for (const g of this.groupsOf[s]!) {
      if (g.anyBits) orMasked(A, g.anyBits.words, e?.any.words, w0, w1);
      else setListed(any, g.any, lo, hi, e?.any);
      if (g.allBits) orMasked(L, g.allBits.words, e?.all.words, w0, w1);
      else setListed(all, g.all, lo, hi, e?.all);
    }
  }

  /**
   * The exact row through every tier (./tier-rows.ts): what the bitsets above cannot give once a tier other
   * than NetworkPolicy decides (they read NetworkPolicy's rules alone).
   */
  private exactRowInto(s: number, any: Bitset, all: Bitset, first: number, end: number): void {
    this.tierRows ??= new TierRows(
      this.evaluator,
      (c) => this.egressOf(c),
      (c, any, all, first, end) => this.ingressInto(c, any, all, first, end),
      (c) => this.ingressKey(c),
    );
    this.tierRows.rowInto(s, any, all, first, end);
  }
}

/** Sets the bits of `sorted` (ascending) that lie in [lo, hi) and in `mask` (absent: everything). */
function setListed(target: Bitset, sorted: number[], lo: number, hi: number, mask: Bitset | undefined): void {
  let i = 0;
  if (lo > 0) {
    // Binary search for the first entry ≥ lo: a range query touches only its part of a long list.
    let top = sorted.length;
    while (i < top) {
      const mid = (i + top) >>> 1;
      if (sorted[mid]! < lo) i = mid + 1;
      else top = mid;
    }
  }
  for (; i < sorted.length && sorted[i]! < hi; i++) {
    const d = sorted[i]!;
    if (!mask || mask.has(d)) target.set(d);
  }
}

/** target |= bits ∧ mask (mask absent: everything), over words [w0, w1). */
function orMasked(
  target: Uint32Array,
  bits: Uint32Array,
  mask: Uint32Array | undefined,
  w0: number,
  w1: number,
): void {
  if (mask) for (let w = w0; w < w1; w++) target[w]! |= bits[w]! & mask[w]!;
  else for (let w = w0; w < w1; w++) target[w]! |= bits[w]!;
}

function fromList(size: number, list: number[]): Bitset {
  const b = new Bitset(size);
  for (const i of list) b.set(i);
  return b;
}
