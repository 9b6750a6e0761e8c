/**
 * Exact reachability rows once a tier other than NetworkPolicy decides (./rows.ts reads NetworkPolicy's rules
 * alone). For source class s and destination d, conns = egress(s, d) ∩ ingress(d, s), each through every
 * tier (./tier.ts):
 * - ingress: a tier's decision reads the destination only through its subject key and the source only
 *   through its peer key (PolicyTier.subjectKey / peerKey). So for all the sources of one ingress signature
 *   (their peer keys in every tier), each tier decides once per subject key, each combination of decisions
 *   is walked once, and a destination's verdict is a lookup by its tuple of subject keys;
 * - egress: when no cluster-scoped policy applies to s's egress, NetworkPolicy's egress rows bound it (any:
 *   may allow, all: allows everything); otherwise it is judged once per distinct tuple of the destinations'
 *   egress peer keys.
 * all = egress all ∧ ingress all; any = egress all ∧ ingress any, and the destinations both sides may allow
 * but neither fully are judged exactly. Equal to evaluating every pair (test/network/tier-property.test.ts).
 */
import { Bitset } from "./bitset.js";
import { ConnSet } from "./conns.js";
import type { Evaluator } from "./evaluate.js";
import type { Direction } from "./policies.js";
import { composeTiers, type TierDecision } from "./tier.js";

export interface RowSides {
  any: Bitset;
  all: Bitset;
}

/** What destinations' ingress admits from the sources of one ingress signature. */
interface IngressRow extends RowSides {
  /** The admitted connections, by destination key. */
  conns: ConnSet[];
}

/** Classes interned by their tuple of per-tier keys for one direction. */
interface Keyed {
  /** Per class, the id of its tuple. */
  of: Int32Array;
  count: number;
  /** Per tier, per tuple id, the id of that tier's key in it. */
  parts: Int32Array[];
  /** Per tier, per key id, a class with that key. */
  reps: number[][];
}

/** Ingress rows kept at once (they are reused by the sources of a signature, which come close together). */
const INGRESS_ROWS = 256;

export class TierRows {
  private readonly size: number;
  private destinations?: Keyed;
  private egressPeers?: Keyed;
  private readonly ingressRows = new Map<string, IngressRow>();
  private readonly decisionIds = new WeakMap<TierDecision, number>();
  private readonly decisionByValue = new Map<string, number>();
  private readonly decisions: (TierDecision | undefined)[] = [undefined, undefined, undefined];
  /** Per tier after the first, (walk so far, decision) → walk id; per final walk id, its connections. */
  private readonly walks: { ids: Int32Array[]; count: number }[];
  private readonly walked: ConnSet[] = [];
  private npIsolatedCache?: Uint8Array;
  /** Per walk id: 1 when it allows something, 2 everything. */
  private readonly walkFlags: number[] = [];
  /** Per tier, per peer key of the source, the decision id per subject key (-1: not asked yet). */
  private readonly decided: Map<string, Int32Array>[];

  constructor(
    private readonly evaluator: Evaluator,
    /** NetworkPolicy's egress rows (Rows.egressOf). */
    private readonly networkPolicyEgress: (s: number) => RowSides,
    /** NetworkPolicy's ingress side (Rows.ingressOf). */
    private readonly networkPolicyIngress: (s: number) => RowSides,
  ) {
    this.size = evaluator.size;
    this.walks = evaluator.tiers.map(() => ({ ids: [], count: 0 }));
    this.decided = evaluator.tiers.map(() => new Map());
  }

  /** Source s's exact row over every destination. */
  row(s: number): RowSides {
    const ev = this.evaluator;
    const ingress = this.ingressRow(s);
    const dest = this.destinations!;
    // What s's egress allows toward d, once per tuple of d's egress peer keys (all s's egress can tell).
    this.egressPeers ??= this.intern("Egress", "peer");
    const peers = this.egressPeers.of;
    const memo = new Map<number, ConnSet>();
    const egressConns = (d: number) => {
      let c = memo.get(peers[d]!);
      if (!c) {
        c = ev.egress(s, d);
        memo.set(peers[d]!, c);
      }
      return c;
    };
    let eAny: Bitset;
    let eAll: Bitset;
    if (!ev.admin?.applying(s, "Egress").length && !ev.baseline?.applying(s, "Egress").length) {
      // Only NetworkPolicy may decide s's egress: its rows bound it.
      const side = this.networkPolicyEgress(s);
      eAny = side.any;
      eAll = side.all;
    } else {
      eAny = new Bitset(this.size);
      eAll = new Bitset(this.size);
      for (let d = 0; d < this.size; d++) {
        const c = egressConns(d);
        if (!c.isEmpty()) eAny.set(d);
        if (c.isAll()) eAll.set(d);
      }
    }
    return exactCandidates(eAny, eAll, ingress, (d) => egressConns(d).intersect(ingress.conns[dest.of[d]!]!));
  }

  private ingressRow(s: number): IngressRow {
    const tiers = this.evaluator.tiers;
    this.destinations ??= this.intern("Ingress", "subject");
    const dest = this.destinations;
    const keys = tiers.map((tier) => tier.peerKey("Ingress", s));
    const signature = keys.join("#");
    let row = this.ingressRows.get(signature);
    if (row) return row;
    // A tier's decisions depend on the source only through its own peer key: kept per tier and key.
    const decided = keys.map((key, t) => {
      const cache = this.decided[t]!;
      let ids = cache.get(key);
      if (!ids) {
        ids = new Int32Array(dest.reps[t]!.length).fill(-1);
        if (cache.size >= INGRESS_ROWS) cache.delete(cache.keys().next().value as string);
        cache.set(key, ids);
      }
      return ids;
    });
    this.settleNetworkPolicy(decided, s);
    const { flags, conns } = this.walkAll(decided, s);
    row = { ...bitsOf(flags, dest.of, this.size), conns };
    if (this.ingressRows.size >= INGRESS_ROWS)
      this.ingressRows.delete(this.ingressRows.keys().next().value as string);
    this.ingressRows.set(signature, row);
    return row;
  }

  /** NetworkPolicy's bitset rows settle most of its decisions: nothing, or everything, allowed. */
  private settleNetworkPolicy(decided: Int32Array[], s: number): void {
    const dest = this.destinations!;
    const np = this.evaluator.tiers.indexOf(this.evaluator.networkPolicy);
    const side = this.networkPolicyIngress(s);
    const ids = decided[np]!;
    const isolated = this.npIsolated(np, dest);
    const reps = dest.reps[np]!;
    for (let j = 0; j < ids.length; j++) {
      if (ids[j]! >= 0) continue;
      // Not isolated: no decision (the rows count it as allowing everything, which only the walk may say).
      if (!isolated[j]) ids[j] = 0;
      else if (!side.any.has(reps[j]!)) ids[j] = 1;
      else if (side.all.has(reps[j]!)) ids[j] = 2;
    }
  }

  /** Every destination key's walk through the tiers (the hot loop: what it has not seen is out of line). */
  private walkAll(decided: Int32Array[], s: number): { flags: Uint8Array; conns: ConnSet[] } {
    const dest = this.destinations!;
    const count = decided.length;
    const ids = new Int32Array(count);
    const flags = new Uint8Array(dest.count);
    const conns: ConnSet[] = new Array(dest.count);
    const parts = dest.parts;
    for (let k = 0; k < dest.count; k++) {
      let walk = 0;
      for (let t = 0; t < count; t++) {
        const j = parts[t]![k]!;
        let id = decided[t]![j]!;
        if (id < 0) id = this.decisionFor(decided[t]!, t, j, s);
        ids[t] = id;
        walk = t === 0 ? id : this.step(t, walk, id);
      }
      flags[k] = this.walkFlags[walk] ?? this.walkFlagsOf(walk, ids);
      conns[k] = this.walked[walk]!;
    }
    return { flags, conns };
  }

  /** Tier t's decision for its subject key j from source s, interned and remembered in `decided`. */
  private decisionFor(decided: Int32Array, t: number, j: number, s: number): number {
    const dest = this.destinations!;
    const id = this.decisionId(this.evaluator.tiers[t]!.decide("Ingress", dest.reps[t]![j]!, s));
    decided[j] = id;
    return id;
  }

  /** The connections of a walk not composed yet, and its flags (1: allows something, 2: everything). */
  private walkFlagsOf(walk: number, ids: Int32Array): number {
    const c = composeTiers(this.evaluator.tiers.length, (t) => this.decisions[ids[t]!]);
    this.walked[walk] = c;
    const f = (c.isEmpty() ? 0 : 1) | (c.isAll() ? 2 : 0);
    this.walkFlags[walk] = f;
    return f;
  }

  /** Per subject key of the NetworkPolicy tier, whether its policies isolate the subject for ingress. */
  private npIsolated(np: number, dest: Keyed): Uint8Array {
    if (!this.npIsolatedCache) {
      const reps = dest.reps[np]!;
      this.npIsolatedCache = new Uint8Array(reps.length);
      for (let j = 0; j < reps.length; j++)
        if (this.evaluator.networkPolicy.applying(reps[j]!, "Ingress").length > 0)
          this.npIsolatedCache[j] = 1;
      // The ids settleNetworkPolicy gives.
      this.constantId(1);
      this.constantId(2);
    }
    return this.npIsolatedCache;
  }

  /** The walk id after tier t's decision `id`, given the walk id of the tiers before it. */
  private step(t: number, walk: number, id: number): number {
    const table = this.walks[t]!;
    let row = table.ids[walk];
    if (!row || id >= row.length) {
      const grown = new Int32Array(Math.max(16, 2 * (id + 1))).fill(-1);
      if (row) grown.set(row);
      row = grown;
      table.ids[walk] = row;
    }
    let next = row[id]!;
    if (next < 0) {
      next = table.count++;
      row[id] = next;
    }
    return next;
  }

  /** Equal decisions get equal ids (0: the tier does not select the subject). */
  private decisionId(decision: TierDecision | undefined): number {
    if (!decision) return 0;
    // NetworkPolicy's usual word, a fresh object each time: nothing, or everything, and the rest denied.
    if (decision.deny === "others" && !decision.pass) {
      if (decision.allow.isEmpty()) return this.constantId(1);
      if (decision.allow.isAll()) return this.constantId(2);
    }
    let id = this.decisionIds.get(decision);
    if (id !== undefined) return id;
    const key = `${decision.allow}|${decision.deny === "others" ? "*" : decision.deny}|${decision.pass ?? ""}`;
    id = this.decisionByValue.get(key);
    if (id === undefined) {
      id = this.decisions.length;
      this.decisions.push(decision);
      this.decisionByValue.set(key, id);
    }
    this.decisionIds.set(decision, id);
    return id;
  }

  /** Ids 1 and 2, reserved for the decisions allowing nothing or everything and denying the rest. */
  private constantId(id: 1 | 2): number {
    this.decisions[id] ??= { allow: id === 1 ? ConnSet.none : ConnSet.all, deny: "others" };
    return id;
  }

  /** Every class by its tuple of per-tier subject (or peer) keys for a direction. */
  private intern(direction: Direction, side: "subject" | "peer"): Keyed {
    const tiers = this.evaluator.tiers;
    const keyIds = tiers.map(() => new Map<string, number>());
    const reps: number[][] = tiers.map(() => []);
    const tupleIds = new Map<string, number>();
    const parts: number[][] = tiers.map(() => []);
    const of = new Int32Array(this.size);
    const ids = new Array<number>(tiers.length);
    for (let c = 0; c < this.size; c++) {
      for (let t = 0; t < tiers.length; t++) {
        const tier = tiers[t]!;
        const key = side === "subject" ? tier.subjectKey(direction, c) : tier.peerKey(direction, c);
        let id = keyIds[t]!.get(key);
        if (id === undefined) {
          id = reps[t]!.length;
          keyIds[t]!.set(key, id);
          reps[t]!.push(c);
        }
        ids[t] = id;
      }
      const tuple = ids.join(",");
      let k = tupleIds.get(tuple);
      if (k === undefined) {
        k = tupleIds.size;
        tupleIds.set(tuple, k);
        for (let t = 0; t < tiers.length; t++) parts[t]!.push(ids[t]!);
      }
      of[c] = k;
    }
    return { of, count: tupleIds.size, parts: parts.map((p) => Int32Array.from(p)), reps };
  }
}

/** Bitsets of the destinations whose key's flags say some (1) / every (2) connection is admitted. */
function bitsOf(flags: Uint8Array, of: Int32Array, size: number): RowSides {
  const any = new Bitset(size);
  const all = new Bitset(size);
  const A = any.words;
  const L = all.words;
  for (let w = 0, d = 0; w < A.length; w++) {
    let a = 0;
    let l = 0;
    const end = Math.min(d + 32, size);
    for (let bit = 1; d < end; d++, bit <<= 1) {
      const f = flags[of[d]!]!;
      if (f & 1) a |= bit;
      if (f & 2) l |= bit;
    }
    A[w] = a;
    L[w] = l;
  }
  return { any, all };
}

/**
 * all = eAll ∧ iAll and any = eAll ∧ iAny, exactly; then the destinations both sides may allow but the
 * egress side not fully (eAny ∧ iAny ∧ ¬eAll) are judged by `conns`.
 */
function exactCandidates(
  eAny: Bitset,
  eAll: Bitset,
  ingress: RowSides,
  conns: (d: number) => ConnSet,
): RowSides {
  const any = Bitset.and(eAll, ingress.any);
  const all = Bitset.and(eAll, ingress.all);
  const A = eAny.words;
  const L = eAll.words;
  const I = ingress.any.words;
  for (let w = 0; w < A.length; w++) {
    let open = A[w]! & I[w]! & ~L[w]!;
    while (open !== 0) {
      const d = (w << 5) + (31 - Math.clz32(open & -open));
      open &= open - 1;
      const c = conns(d);
      if (!c.isEmpty()) any.set(d);
      if (c.isAll()) all.set(d);
    }
  }
  return { any, all };
}
