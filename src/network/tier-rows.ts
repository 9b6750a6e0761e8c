/**
 * Exact reachability rows once a tier other than NetworkPolicy decides (./rows.ts reads NetworkPolicy's rules
 * alone). For source class s and destination d, conns = egress(s, d) ∩ ingress(d, s), each through every
 * tier (./tier.ts):
 * - ingress: a tier's decision reads the destination only through its subject key and the source only
 *   through its peer key (PolicyTier.subjectKey / peerKey). Classes are in namespace order, so the
 *   destinations fall into runs whose subject keys agree in every tier but NetworkPolicy's (cluster-scoped
 *   subjects are mostly whole namespaces). For the sources of one ingress signature (their peer keys in
 *   every tier), each tier decides once per subject key; within a run NetworkPolicy's word is, by its bitset
 *   rows, nothing, everything or not selected — three walks through the tiers, applied to the run's words
 *   at once — or, for the few destinations some port-restricted rule admits, its exact decision;
 * - egress: when no cluster-scoped policy applies to s's egress, NetworkPolicy's egress rows bound it (any:
 *   may allow, all: allows everything); otherwise it is judged once per distinct tuple of the destinations'
 *   egress peer keys.
 * all = egress all ∧ ingress all; any = egress all ∧ ingress any, and the destinations both sides may allow
 * but the egress side not fully are judged exactly. Equal to evaluating every pair
 * (test/network/tier-property.test.ts).
 */
import { Bitset } from "./bitset.js";
import { ConnSet } from "./conns.js";
import type { Evaluator } from "./evaluate.js";
import type { Direction } from "./policies.js";
import { composeTiers, type TierDecision, tierKey } from "./tier.js";

export interface RowSides {
  any: Bitset;
  all: Bitset;
}

/** What destinations' ingress admits from the sources of one ingress signature. */
interface IngressRow extends RowSides {
  /** The connections destination d admits. */
  conns(d: number): ConnSet;
}

/** Maximal ranges of classes whose subject keys agree in every tier but NetworkPolicy's. */
interface Runs {
  from: Int32Array;
  to: Int32Array;
  /** Per tier, per run, its subject key id (NetworkPolicy's: unused). */
  parts: Int32Array[];
  /** Per class, its run. */
  of: Int32Array;
  /** Per class, its NetworkPolicy subject key id. */
  npKey: Int32Array;
  /** Per NetworkPolicy subject key id, a class with it. */
  npReps: number[];
  /** Classes NetworkPolicy isolates for ingress. */
  npIsolated: Bitset;
  /** Per tier, per subject key id, a class with it. */
  reps: number[][];
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
const INGRESS_ROWS = 1024;
/** Egress sides kept at once (one per source; a namespace's range questions ask the same source again). */
const EGRESS_SIDES = 64;

export class TierRows {
  private readonly size: number;
  private runs?: Runs;
  private egressPeers?: Keyed;
  private readonly ingressRows = new Map<string, IngressRow>();
  private readonly egressSides = new Map<
    number,
    { eAny: Bitset; eAll: Bitset; egressConns: (d: number) => ConnSet }
  >();
  private readonly decisionIds = new WeakMap<TierDecision, number>();
  private readonly decisionByValue = new Map<string, number>();
  private readonly decisions: (TierDecision | undefined)[] = [undefined, undefined, undefined];
  /** Per tier after the first, (walk so far, decision) → walk id; per final walk id, its connections. */
  private readonly walks: { ids: Int32Array[]; count: number }[];
  private readonly walked: ConnSet[] = [];
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

  /**
   * Source s's exact row written into `any` and `all`, over the words of destinations [first, end) (as
   * Rows.rowInto: bits of the boundary words outside the range are never read). Nothing is allocated per
   * call: the ingress rows are kept per signature, the egress sides are NetworkPolicy's rows.
   */
  rowInto(s: number, any: Bitset, all: Bitset, first: number, end: number): void {
    const ingress = this.ingressRow(s);
    const { eAny, eAll, egressConns } = this.egressSide(s);
    const A = any.words;
    const L = all.words;
    const EA = eAny.words;
    const EL = eAll.words;
    const IA = ingress.any.words;
    const IL = ingress.all.words;
    const w1 = (end + 31) >>> 5;
    for (let w = first >>> 5; w < w1; w++) {
      A[w] = EL[w]! & IA[w]!;
      L[w] = EL[w]! & IL[w]!;
      // Both sides may allow something, the egress side not everything: judged exactly.
      let open = EA[w]! & IA[w]! & ~EL[w]!;
      while (open !== 0) {
        const bit = open & -open;
        open &= open - 1;
        const d = (w << 5) + (31 - Math.clz32(bit));
        const c = egressConns(d).intersect(ingress.conns(d));
        if (!c.isEmpty()) A[w]! |= bit;
        if (c.isAll()) L[w]! |= bit;
      }
    }
  }

  /** What s's egress may allow (eAny) and allows fully (eAll), and exactly toward one destination. */
  private egressSide(s: number): { eAny: Bitset; eAll: Bitset; egressConns: (d: number) => ConnSet } {
    const ev = this.evaluator;
    const known = this.egressSides.get(s);
    if (known) return known;
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
    let side: { eAny: Bitset; eAll: Bitset; egressConns: (d: number) => ConnSet };
    if (!ev.admin?.applying(s, "Egress").length && !ev.baseline?.applying(s, "Egress").length) {
      // Only NetworkPolicy may decide s's egress: its rows bound it.
      const np = this.networkPolicyEgress(s);
      side = { eAny: np.any, eAll: np.all, egressConns };
    } else {
      const eAny = new Bitset(this.size);
      const eAll = new Bitset(this.size);
      for (let d = 0; d < this.size; d++) {
        const c = egressConns(d);
        if (!c.isEmpty()) eAny.set(d);
        if (c.isAll()) eAll.set(d);
      }
      side = { eAny, eAll, egressConns };
    }
    if (this.egressSides.size >= EGRESS_SIDES)
      this.egressSides.delete(this.egressSides.keys().next().value as number);
    this.egressSides.set(s, side);
    return side;
  }

  private ingressRow(s: number): IngressRow {
    const tiers = this.evaluator.tiers;
    this.runs ??= this.buildRuns();
    const runs = this.runs;
    const keys = tiers.map((tier) => tierKey(tier, "peer", "Ingress", s));
    const signature = keys.join("#");
    let row = this.ingressRows.get(signature);
    if (row) return row;
    // A tier's decisions depend on the source only through its own peer key: kept per tier and key.
    const decided = keys.map((key, t) => {
      const cache = this.decided[t]!;
      let ids = cache.get(key);
      if (!ids) {
        ids = new Int32Array(runs.reps[t]!.length).fill(-1);
        if (cache.size >= INGRESS_ROWS) cache.delete(cache.keys().next().value as string);
        cache.set(key, ids);
      }
      return ids;
    });
    const np = tiers.indexOf(this.evaluator.networkPolicy);
    const side = this.networkPolicyIngress(s);
    const iso = runs.npIsolated.words;
    const sAny = side.any.words;
    const sAll = side.all.words;
    const any = new Bitset(this.size);
    const all = new Bitset(this.size);
    const A = any.words;
    const L = all.words;
    const ids = new Int32Array(tiers.length);
    /** NetworkPolicy's decision id for class d (0 not selected, 1 nothing, 2 everything, else exact). */
    const npId = (d: number): number => {
      if (!runs.npIsolated.has(d)) return 0;
      if (!side.any.has(d)) return 1;
      if (side.all.has(d)) return 2;
      const j = runs.npKey[d]!;
      const id = decided[np]![j]!;
      return id >= 0 ? id : this.decisionFor(decided[np]!, np, j, runs.npReps[j]!, s);
    };
    const runIds = (r: number) => {
      for (let t = 0; t < tiers.length; t++) {
        if (t === np) continue;
        const j = runs.parts[t]![r]!;
        const id = decided[t]![j]!;
        ids[t] = id >= 0 ? id : this.decisionFor(decided[t]!, t, j, runs.reps[t]![j]!, s);
      }
    };
    for (let r = 0; r < runs.from.length; r++) {
      runIds(r);
      const from = runs.from[r]!;
      const to = runs.to[r]!;
      for (let x = 0; x < 3; x++) {
        ids[np] = x;
        const f = this.flagsOf(ids);
        if (f === 0) continue;
        // The run's destinations in NetworkPolicy state x, a word at a time.
        for (let w = from >>> 5; w <= (to - 1) >>> 5; w++) {
          const m = wordMask(w, from, to);
          const inState = x === 0 ? ~iso[w]! : x === 1 ? iso[w]! & ~sAny[w]! : iso[w]! & sAll[w]!;
          if (f & 1) A[w]! |= inState & m;
          if (f & 2) L[w]! |= inState & m;
        }
      }
      // Some port-restricted rule admits something: NetworkPolicy's exact decision.
      for (let w = from >>> 5; w <= (to - 1) >>> 5; w++) {
        let partial = iso[w]! & sAny[w]! & ~sAll[w]! & wordMask(w, from, to);
        while (partial !== 0) {
          const d = (w << 5) + (31 - Math.clz32(partial & -partial));
          partial &= partial - 1;
          ids[np] = npId(d);
          const f = this.flagsOf(ids);
          if (f & 1) A[w]! |= 1 << (d & 31);
          if (f & 2) L[w]! |= 1 << (d & 31);
        }
      }
    }
    const conns = (d: number): ConnSet => {
      runIds(runs.of[d]!);
      ids[np] = npId(d);
      this.flagsOf(ids);
      return this.walked[this.walkOf(ids)]!;
    };
    row = { any, all, conns };
    if (this.ingressRows.size >= INGRESS_ROWS)
      this.ingressRows.delete(this.ingressRows.keys().next().value as string);
    this.ingressRows.set(signature, row);
    return row;
  }

  /** The walk id of one decision per tier. */
  private walkOf(ids: Int32Array): number {
    let walk = ids[0]!;
    for (let t = 1; t < ids.length; t++) walk = this.step(t, walk, ids[t]!);
    return walk;
  }

  /** The flags of a walk (1: it allows something, 2: everything), composed on first sight. */
  private flagsOf(ids: Int32Array): number {
    const walk = this.walkOf(ids);
    return this.walkFlags[walk] ?? this.walkFlagsOf(walk, ids);
  }

  /** The runs of classes, NetworkPolicy's subject keys, and the decisions settleable from its rows. */
  private buildRuns(): Runs {
    const tiers = this.evaluator.tiers;
    const np = tiers.indexOf(this.evaluator.networkPolicy);
    const keyed = this.intern("Ingress", "subject");
    const from: number[] = [];
    const to: number[] = [];
    const parts: number[][] = tiers.map(() => []);
    const of = new Int32Array(this.size);
    const npKey = new Int32Array(this.size);
    const npIsolated = new Bitset(this.size);
    for (let d = 0; d < this.size; d++) {
      const k = keyed.of[d]!;
      npKey[d] = keyed.parts[np]![k]!;
      if (this.evaluator.networkPolicy.applying(d, "Ingress").length > 0) npIsolated.set(d);
      const r = from.length - 1;
      const same = r >= 0 && tiers.every((_, t) => t === np || parts[t]![r] === keyed.parts[t]![k]!);
      if (same) to[r] = d + 1;
      else {
        from.push(d);
        to.push(d + 1);
        for (let t = 0; t < tiers.length; t++) parts[t]!.push(keyed.parts[t]![k]!);
      }
      of[d] = from.length - 1;
    }
    // The decisions npId gives without asking the tier.
    this.constantId(1);
    this.constantId(2);
    return {
      from: Int32Array.from(from),
      to: Int32Array.from(to),
      parts: parts.map((p) => Int32Array.from(p)),
      of,
      npKey,
      npReps: keyed.reps[np]!,
      npIsolated,
      reps: keyed.reps,
    };
  }

  /** Tier t's decision for its subject key j (a class with it: `rep`) from source s, remembered in `decided`. */
  private decisionFor(decided: Int32Array, t: number, j: number, rep: number, s: number): number {
    const id = this.decisionId(this.evaluator.tiers[t]!.decide("Ingress", rep, s));
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
        const key = tierKey(tier, side, direction, c);
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

/** The bits of word w that lie in [from, to). */
function wordMask(w: number, from: number, to: number): number {
  const lo = Math.max(from - (w << 5), 0);
  const hi = Math.min(to - (w << 5), 32);
  const upper = hi === 32 ? 0xffffffff : (1 << hi) - 1;
  return (upper & ~((1 << lo) - 1)) | 0;
}
