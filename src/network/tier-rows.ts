/**
 * Exact reachability rows once a tier other than NetworkPolicy decides (./rows.ts reads NetworkPolicy's rules
 * alone). For source class s and destination d, conns = egress(s, d) ∩ ingress(d, s), each through every
 * tier (./tier.ts):
 * - ingress: a tier's decision reads the destination only through its subject key and the source only
 *   through its peer key (PolicyTier.subjectKey / peerKey). Classes are in namespace order, so the
 *   destinations fall into runs whose subject keys agree in every tier but NetworkPolicy's (cluster-scoped
 *   subjects are mostly whole namespaces). Within a run NetworkPolicy's word is, by its bitset rows, nothing,
 *   everything or not selected — or, for the few destinations some port-restricted rule admits, its exact
 *   decision. So for the sources of one cluster signature (their peer keys in every tier but NetworkPolicy's)
 *   each tier decides once per run, and three walks through the tiers per run give, per NetworkPolicy word,
 *   the destinations the walk allows something and everything: masks over the classes. A source's ingress
 *   side is then its NetworkPolicy bitset rows selecting among its signature's masks, a word at a time;
 * - egress: when no cluster-scoped policy applies to s's egress, NetworkPolicy's egress rows bound it (any:
 *   may allow, all: allows everything); otherwise it is judged once per distinct tuple of the destinations'
 *   egress peer keys.
 * all = egress all ∧ ingress all; any = egress all ∧ ingress any, and the destinations both sides may allow
 * but the egress side not fully are judged exactly: s's egress connections toward d are one of a few per
 * source (one per tuple of d's egress peer keys) and the ingress ones one per walk, so the verdict of each
 * (egress connections, walk) pair is composed once. Equal to evaluating every pair
 * (test/network/tier-property.test.ts).
 */
import { Bitset } from "./bitset.js";
import { ConnSet } from "./conns.js";
import type { Evaluator } from "./evaluate.js";
import type { Direction } from "./policies.js";
import { SequenceIds } from "./sequence-ids.js";
import { composeTiers, type TierDecision, tierKey } from "./tier.js";

export interface RowSides {
  any: Bitset;
  all: Bitset;
}

/** What the tiers but NetworkPolicy decide of the ingress of every destination, for one cluster signature. */
interface ClusterIngress {
  /** Per run, per tier, its decision id (NetworkPolicy's slot: unused). */
  ids: Int32Array;
  /** Per run, per NetworkPolicy word (0 not selected, 1 nothing, 2 everything), its walk id. */
  walks: Int32Array;
  /**
   * Per NetworkPolicy word (0 not selected, 1 nothing, 2 everything), the destinations whose walk allows
   * something (any) and everything (all).
   */
  any: [Bitset, Bitset, Bitset];
  all: [Bitset, Bitset, Bitset];
}

/** Maximal ranges of classes whose subject keys agree in every tier but NetworkPolicy's. */
interface Runs {
  from: Int32Array;
  to: Int32Array;
  /** Per tier, per run, its subject key id (NetworkPolicy's: unused). */
  parts: Int32Array[];
  /** Per class, its run. */
  of: Int32Array;
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

/** Per-key decisions kept at once (the sources of a key come close together: class order). */
const DECIDED_KEYS = 1024;
/** NetworkPolicy decisions on partially admitted pairs kept (networkPolicyIngressDecision). */
const DECIDED_PAIRS = 65_536;
/** Cluster signatures kept at once (six bitsets each; a tenant's sources come together in class order). */
const CLUSTER_ROWS = 32;
/** Egress sides kept at once (one per source; a namespace's range questions ask the same source again). */
const EGRESS_SIDES = 64;
/**
 * Ingress sides of whole rows kept at once (two bitsets each), by cluster signature and NetworkPolicy ingress
 * key: at large, 13 486 rows have 3 416 distinct ones, and sources with the same come close together.
 */
const INGRESS_SIDES = 256;

export class TierRows {
  private readonly size: number;
  private runs?: Runs;
  private egressPeers?: Keyed;
  private readonly clusterRows = new Map<string, ClusterIngress>();
  private readonly egressSides = new Map<number, RowSides>();
  /** Whole rows' ingress sides by signature and NetworkPolicy ingress key, least recently used first. */
  private readonly ingressSides = new Map<number, RowSides>();
  /** Per class, small ids of its cluster signature, NetworkPolicy ingress key and NetworkPolicy subject. */
  private readonly signatureIds: ClassKeyIds;
  private readonly ingressKeyIds: ClassKeyIds;
  private readonly subjectIds: ClassKeyIds;
  /** Egress sides by whether they allow everything to every destination (allowsEverything). */
  private readonly everything = new WeakMap<RowSides, boolean>();
  /** The bits of the last word that are classes. */
  private readonly tailMask: number;
  /** NetworkPolicy's ingress side of the current source (scratch, over the asked words). */
  private readonly npAny: Bitset;
  private readonly npAll: Bitset;
  /** Per tuple of egress peer keys, the id of the current source's egress connections (valid when stamped). */
  private egressConnOf = new Int32Array(0);
  private egressStamp = new Int32Array(0);
  private stamp = 0;
  private stampedSource = -1;
  /** Egress connections by value, as ids (0 none, 1 all), and the flags of each (egress id, walk) pair. */
  private readonly connIds = new Map<string, number>();
  private readonly conns: ConnSet[] = [ConnSet.none, ConnSet.all];
  private readonly pairFlags: Int8Array[] = [];
  private readonly decisionIds = new WeakMap<TierDecision, number>();
  private readonly decisionByValue = new Map<string, number>();
  private readonly decisions: (TierDecision | undefined)[] = [undefined, undefined, undefined];
  /** Per tier after the first, (walk so far, decision) → walk id; per final walk id, its connections. */
  private readonly walks: { ids: Int32Array[]; count: number }[];
  private readonly walked: ConnSet[] = [];
  /** Per walk id: 1 when it allows something, 2 everything. */
  private readonly walkFlags: number[] = [];
  /** NetworkPolicy's decision ids on partially admitted pairs, by what it reads of them. */
  private readonly networkPolicyDecided = new Map<number, number>();
  /** Per tier, per peer key of the source, the decision id per subject key id. */
  private readonly decided: Map<string | number, Map<number, number>>[];
  /** Per class, the end of its stretch of classes with the same egress peer keys (judgeOpen). */
  private tupleEnds?: Int32Array;
  /** The source judgeOpen's egress classes are for (beginOpen), and how it tells them apart. */
  private openSource = -1;
  private byRules = false;
  /** Per egress rule of that source, its peers' bitset words (undefined: every destination). */
  private rulePeers: (Uint32Array[] | undefined)[] = [];
  /** Per egress rule of that source, whether it names a port. */
  private ruleNamed: boolean[] = [];
  /** Its egress connection ids by egress class. */
  private readonly classConns = new Map<number, number>();
  /** The last (egress class, walk) judged in the current row, and its flags (flagsOf). */
  private lastClass = Number.NaN;
  private lastWalk = -1;
  private lastFlags = 0;
  /** Scratch: the words of a row with a destination to judge on its own (rowInto's second pass). */
  private rare = new Int32Array(0);
  /** Scratch: one decision id per tier, for a walk. */
  private readonly ids: Int32Array;

  constructor(
    private readonly evaluator: Evaluator,
    /** NetworkPolicy's egress rows (Rows.egressOf). */
    private readonly networkPolicyEgress: (s: number) => RowSides,
    /** NetworkPolicy's ingress side written over the words of [first, end) (Rows.ingressInto). */
    private readonly networkPolicyIngress: (
      s: number,
      any: Bitset,
      all: Bitset,
      first: number,
      end: number,
    ) => void,
    /**
     * Equal for sources NetworkPolicy's ingress rules cannot tell apart (the same rule peers select them:
     * Rows.ingressKey): with the same cluster signature, their ingress sides are the same.
     */
    networkPolicyIngressKey: (s: number) => string,
    /**
     * Cluster signatures and ingress sides kept at once (the tests make it 1, so that every other source
     * reuses arrays).
     */
    private readonly clusterCapacity = CLUSTER_ROWS,
    private readonly ingressCapacity = clusterCapacity === CLUSTER_ROWS ? INGRESS_SIDES : clusterCapacity,
  ) {
    this.size = evaluator.size;
    this.walks = evaluator.tiers.map(() => ({ ids: [], count: 0 }));
    this.decided = evaluator.tiers.map(() => new Map());
    this.ids = new Int32Array(evaluator.tiers.length);
    this.npAny = new Bitset(this.size);
    this.npAll = new Bitset(this.size);
    this.signatureIds = new ClassKeyIds(this.size, (c) => this.signatureOf(c));
    this.ingressKeyIds = new ClassKeyIds(this.size, networkPolicyIngressKey);
    this.subjectIds = new ClassKeyIds(this.size, (c) => this.networkPolicySubject(c));
    this.tailMask = (this.size & 31) === 0 ? 0xffffffff : ((1 << (this.size & 31)) - 1) >>> 0;
  }

  /**
   * Source s's exact row written into `any` and `all`, over the words of destinations [first, end) (as
   * Rows.rowInto: bits of the boundary words outside the range are never read). Nothing is allocated per
   * call but a signature's masks on first sight (until CLUSTER_ROWS are kept; then the oldest's are reused)
   * and the egress side of a source some cluster-scoped policy selects for egress.
   */
  rowInto(s: number, any: Bitset, all: Bitset, first: number, end: number): void {
    this.runs ??= this.buildRuns();
    if (first === 0 && end === this.size) {
      this.wholeRowInto(s, any, all);
      return;
    }
    const runs = this.runs;
    const cluster = this.clusterIngress(s, this.signatureIds.keys[this.signatureIds.of(s)]!);
    this.networkPolicyIngress(s, this.npAny, this.npAll, first, end);
    const egress = this.egressSide(s);
    const A = any.words;
    const L = all.words;
    const SA = this.npAny.words;
    const [a0, a1, a2] = cluster.any.map((b) => b.words) as [Uint32Array, Uint32Array, Uint32Array];
    const [l0, l1, l2] = cluster.all.map((b) => b.words) as [Uint32Array, Uint32Array, Uint32Array];
    const w0 = first >>> 5;
    const w1 = (end + 31) >>> 5;
    const rare = this.rareWords(w1 - w0);
    // The words, a pass with no calls in it (kept small for the optimiser); the few with a destination to
    // judge on its own are listed for the second pass.
    const count = maskWords(
      A,
      L,
      egress.any.words,
      egress.all.words,
      SA,
      this.npAll.words,
      runs.npIsolated.words,
      a0,
      a1,
      a2,
      l0,
      l1,
      l2,
      w0,
      w1,
      rare,
    );
    const EA = egress.any.words;
    const EL = egress.all.words;
    const SL = this.npAll.words;
    const ISO = runs.npIsolated.words;
    this.openSource = -1;
    for (let i = 0; i < count; i++) {
      const w = rare[i]!;
      const iso = ISO[w]!;
      const none = iso & ~SA[w]!;
      const every = iso & SL[w]!;
      let ia = (~iso & a0[w]!) | (none & a1[w]!) | (every & a2[w]!);
      let il = (~iso & l0[w]!) | (none & l1[w]!) | (every & l2[w]!);
      // Some port-restricted NetworkPolicy rule admits something: its exact decision, walked.
      let partial = iso & SA[w]! & ~SL[w]!;
      while (partial !== 0) {
        const bit = partial & -partial;
        partial &= partial - 1;
        const d = (w << 5) + (31 - Math.clz32(bit));
        const f = this.walkFlags[this.partialWalk(cluster, s, d)]!;
        if (f & 1) ia |= bit;
        if (f & 2) il |= bit;
      }
      A[w] = EL[w]! & ia;
      L[w] = EL[w]! & il;
      // Both sides may allow something, the egress side not everything: judged exactly.
      this.judgeOpen(cluster, s, w, EA[w]! & ia & ~EL[w]!, iso, none, every, A, L);
    }
  }

  /**
   * rowInto over every destination: the ingress side, shared by the sources of the same cluster signature
   * and NetworkPolicy ingress key, ∧ the egress side, and the destinations both sides may allow but the
   * egress side not fully judged exactly.
   */
  private wholeRowInto(s: number, any: Bitset, all: Bitset): void {
    const ingress = this.ingressSide(s);
    const egress = this.egressSide(s);
    const A = any.words;
    const L = all.words;
    const w1 = (this.size + 31) >>> 5;
    const rare = this.rareWords(w1);
    // Egress allows everything everywhere (no policy isolates s's egress): the row is the ingress side.
    if (this.allowsEverything(egress)) {
      A.set(ingress.any.words);
      L.set(ingress.all.words);
      return;
    }
    const EA = egress.any.words;
    const EL = egress.all.words;
    const IA = ingress.any.words;
    const count = sideWords(A, L, EA, EL, IA, ingress.all.words, w1, rare);
    if (count === 0) return;
    // NetworkPolicy's word on each open destination says which walk it is on.
    const cluster = this.clusterIngress(s, this.signatureIds.keys[this.signatureIds.of(s)]!);
    this.networkPolicyIngress(s, this.npAny, this.npAll, 0, this.size);
    const SA = this.npAny.words;
    const SL = this.npAll.words;
    const ISO = this.runs!.npIsolated.words;
    this.openSource = -1;
    for (let i = 0; i < count; i++) {
      const w = rare[i]!;
      const iso = ISO[w]!;
      this.judgeOpen(cluster, s, w, EA[w]! & IA[w]! & ~EL[w]!, iso, iso & ~SA[w]!, iso & SL[w]!, A, L);
    }
  }

  /**
   * Destinations `open` of word w (both sides may allow something, the egress side not everything): the
   * flags of s's egress connections toward each ∩ its walk (NetworkPolicy's word on it: not selected,
   * `none`, `every`, or else exact), set into A and L. Neighbouring destinations mostly share their egress
   * class and walk: the flags are looked up once for a stretch, and for a whole word when its destinations
   * of one NetworkPolicy word lie in one run and one egress class.
   */
  private judgeOpen(
    cluster: ClusterIngress,
    s: number,
    w: number,
    open: number,
    iso: number,
    none: number,
    every: number,
    A: Uint32Array,
    L: Uint32Array,
  ): void {
    if (open === 0) return;
    if (s !== this.openSource) this.beginOpen(s);
    const runs = this.runs!;
    const base = w << 5;
    for (let x = 0; x < 4; x++) {
      let bits = open & (x === 0 ? ~iso : x === 1 ? none : x === 2 ? every : iso & ~none & ~every);
      if (bits === 0) continue;
      if (x < 3) {
        const lo = base + (31 - Math.clz32(bits & -bits));
        const hi = base + (31 - Math.clz32(bits));
        const run = runs.of[lo]!;
        if (runs.to[run]! > hi && this.sameEgress(w, bits, lo, hi)) {
          const f = this.flagsOf(s, lo, cluster.walks[run * 3 + x]!);
          if (f & 1) A[w]! |= bits;
          if (f & 2) L[w]! |= bits;
          continue;
        }
      }
      while (bits !== 0) {
        const bit = bits & -bits;
        bits &= bits - 1;
        const d = base + (31 - Math.clz32(bit));
        const walk = x < 3 ? cluster.walks[runs.of[d]! * 3 + x]! : this.partialWalk(cluster, s, d);
        const f = this.flagsOf(s, d, walk);
        if (f & 1) A[w]! |= bit;
        if (f & 2) L[w]! |= bit;
      }
    }
  }

  /**
   * How judgeOpen tells s's egress connections apart. When only NetworkPolicy decides s's egress, by which
   * of s's own egress rules match the destination (and the destination itself where a matching rule names a
   * port): no class needs keys of its own. Otherwise by the destination's egress peer keys in every tier.
   */
  private beginOpen(s: number): void {
    const ev = this.evaluator;
    const rules = ev.egressPolicies[s]!.flatMap((p) => p.egress);
    this.byRules =
      rules.length <= 30 &&
      !ev.admin?.applying(s, "Egress").length &&
      !ev.baseline?.applying(s, "Egress").length;
    if (this.byRules) {
      this.rulePeers = rules.map((r) => r.peers?.map((p) => ev.peerBits(p).words));
      this.ruleNamed = rules.map((r) => r.ports.some((x) => typeof x.port === "string"));
      this.classConns.clear();
    } else {
      this.egressPeers ??= this.intern("Egress", "peer");
      this.tupleEnds ??= stretchEnds(this.egressPeers.of);
    }
    this.openSource = s;
    this.lastClass = Number.NaN;
  }

  /**
   * The egress class of d for the current source (beginOpen): the bits of s's rules that match it, or -2 - d
   * where a matching rule names a port; or the tuple of d's egress peer keys.
   */
  private egressClass(d: number): number {
    if (!this.byRules) return this.egressPeers!.of[d]!;
    const word = d >>> 5;
    const bit = 1 << (d & 31);
    let mask = 0;
    for (let i = 0; i < this.rulePeers.length; i++) {
      const peers = this.rulePeers[i];
      let match = peers === undefined;
      for (let j = 0; !match && j < peers!.length; j++) match = (peers![j]![word]! & bit) !== 0;
      if (!match) continue;
      if (this.ruleNamed[i]) return -2 - d;
      mask |= 1 << i;
    }
    return mask;
  }

  /** Whether destinations `bits` of word w (lowest lo, highest hi) have one egress class. */
  private sameEgress(w: number, bits: number, lo: number, hi: number): boolean {
    if (!this.byRules) return this.tupleEnds![lo]! > hi;
    for (let i = 0; i < this.rulePeers.length; i++) {
      const peers = this.rulePeers[i];
      let m = bits;
      if (peers) {
        m = 0;
        for (const words of peers) m |= words[w]! & bits;
      }
      if (m !== 0 && (m !== bits || this.ruleNamed[i])) return false;
    }
    return true;
  }

  /** The flags of s's egress connections toward d ∩ walk `walk`, the last (egress class, walk) kept. */
  private flagsOf(s: number, d: number, walk: number): number {
    const cls = this.egressClass(d);
    if (cls !== this.lastClass || walk !== this.lastWalk) {
      this.lastFlags = this.pairFlagsOf(this.connOfClass(s, d, cls), walk);
      this.lastClass = cls;
      this.lastWalk = walk;
    }
    return this.lastFlags;
  }

  /** The id of s's egress connections toward d, of egress class `cls` (egressClass). */
  private connOfClass(s: number, d: number, cls: number): number {
    if (!this.byRules) return this.egressConnId(s, d);
    let id = this.classConns.get(cls);
    if (id === undefined) {
      id = this.connId(this.evaluator.egress(s, d));
      if (cls >= 0) this.classConns.set(cls, id);
    }
    return id;
  }

  /** Whether an egress side allows everything to every destination (checked once per side). */
  private allowsEverything(side: RowSides): boolean {
    let full = this.everything.get(side);
    if (full === undefined) {
      full = side.all.words.every(
        (w, i) => w === (i === side.all.words.length - 1 ? this.tailMask : 0xffffffff),
      );
      this.everything.set(side, full);
    }
    return full;
  }

  /** The scratch list of rare words, at least `n` long. */
  private rareWords(n: number): Int32Array {
    if (this.rare.length < n) this.rare = new Int32Array(n);
    return this.rare;
  }

  /** The cluster signature of source s: its peer keys in every tier but NetworkPolicy's. */
  private signatureOf(s: number): string {
    const tiers = this.evaluator.tiers;
    const np = tiers.indexOf(this.evaluator.networkPolicy);
    return tiers.map((tier, t) => (t === np ? "" : tierKey(tier, "peer", "Ingress", s))).join("#");
  }

  /**
   * The ingress side of s over every destination (NetworkPolicy's rows choosing among the signature's masks,
   * exact where a port-restricted NetworkPolicy rule admits something), shared by the sources with the same
   * signature and NetworkPolicy ingress key; the least recently used one's arrays are reused.
   */
  private ingressSide(s: number): RowSides {
    const signature = this.signatureIds.of(s);
    const key = signature * (this.size + 1) + this.ingressKeyIds.of(s);
    const known = this.ingressSides.get(key);
    if (known) {
      this.ingressSides.delete(key);
      this.ingressSides.set(key, known);
      return known;
    }
    let side: RowSides;
    if (this.ingressSides.size >= this.ingressCapacity) {
      const oldest = this.ingressSides.keys().next().value as number;
      side = this.ingressSides.get(oldest)!;
      this.ingressSides.delete(oldest);
    } else side = { any: new Bitset(this.size), all: new Bitset(this.size) };
    const cluster = this.clusterIngress(s, this.signatureIds.keys[signature]!);
    this.networkPolicyIngress(s, this.npAny, this.npAll, 0, this.size);
    const IA = side.any.words;
    const IL = side.all.words;
    const SA = this.npAny.words;
    const SL = this.npAll.words;
    const ISO = this.runs!.npIsolated.words;
    const [a0, a1, a2] = cluster.any.map((b) => b.words) as [Uint32Array, Uint32Array, Uint32Array];
    const [l0, l1, l2] = cluster.all.map((b) => b.words) as [Uint32Array, Uint32Array, Uint32Array];
    const w1 = (this.size + 31) >>> 5;
    const rare = this.rareWords(w1);
    const count = ingressWords(IA, IL, SA, SL, ISO, a0, a1, a2, l0, l1, l2, w1, rare);
    for (let i = 0; i < count; i++) {
      const w = rare[i]!;
      // Some port-restricted NetworkPolicy rule admits something: its exact decision, walked.
      let partial = ISO[w]! & SA[w]! & ~SL[w]!;
      while (partial !== 0) {
        const bit = partial & -partial;
        partial &= partial - 1;
        const d = (w << 5) + (31 - Math.clz32(bit));
        const f = this.walkFlags[this.partialWalk(cluster, s, d)]!;
        if (f & 1) IA[w]! |= bit;
        if (f & 2) IL[w]! |= bit;
      }
    }
    this.ingressSides.set(key, side);
    return side;
  }

  /**
   * The walk of d's ingress from s where a port-restricted NetworkPolicy rule admits something: NetworkPolicy
   * asked about the pair itself (a few thousand pairs in a matrix; keying NetworkPolicy's subjects and peers
   * for every class would cost more).
   */
  private partialWalk(cluster: ClusterIngress, s: number, d: number): number {
    const runs = this.runs!;
    const tiers = this.evaluator.tiers;
    const np = tiers.indexOf(this.evaluator.networkPolicy);
    const ids = this.ids;
    const base = runs.of[d]! * tiers.length;
    for (let t = 0; t < tiers.length; t++) ids[t] = cluster.ids[base + t]!;
    ids[np] = this.networkPolicyIngressDecision(d, s);
    const walk = this.walkOf(ids);
    if (this.walkFlags[walk] === undefined) this.walkFlagsOf(walk, ids);
    return walk;
  }

  /**
   * The id of NetworkPolicy's decision on d's ingress from s, asked once for the pairs it cannot tell apart:
   * the same policies apply to d (and d itself when one of their rules names a port: the port is d's), and
   * s has the same NetworkPolicy ingress key (the same rule peers select it).
   */
  private networkPolicyIngressDecision(d: number, s: number): number {
    const key = this.subjectIds.of(d) * (this.size + 1) + this.ingressKeyIds.of(s);
    let id = this.networkPolicyDecided.get(key);
    if (id === undefined) {
      id = this.decisionId(this.evaluator.networkPolicy.decide("Ingress", d, s));
      if (this.networkPolicyDecided.size >= DECIDED_PAIRS) this.networkPolicyDecided.clear();
      this.networkPolicyDecided.set(key, id);
    }
    return id;
  }

  /** What NetworkPolicy's ingress decisions read of d: its policies, and d itself when a rule names a port. */
  private networkPolicySubject(d: number): string {
    let key = "";
    let named = false;
    for (const p of this.evaluator.networkPolicy.applying(d, "Ingress")) {
      key += `${p.id},`;
      named ||= p.ingress.some((r) => r.ports.some((x) => typeof x.port === "string"));
    }
    return named ? `${key}#${d}` : key;
  }

  /** Tier t's decisions from sources with s's peer key, by subject key id. */
  private decidedFor(t: number, s: number): Map<number, number> {
    const key = tierKey(this.evaluator.tiers[t]!, "peer", "Ingress", s);
    const cache = this.decided[t]!;
    let ids = cache.get(key);
    if (!ids) {
      ids = new Map();
      if (cache.size >= DECIDED_KEYS) cache.delete(cache.keys().next().value as string | number);
      cache.set(key, ids);
    }
    return ids;
  }

  /**
   * What the tiers but NetworkPolicy decide of every destination's ingress from the sources of s's cluster
   * signature: each tier once per run, then per NetworkPolicy word the walk's verdict as masks.
   */
  private clusterIngress(s: number, signature: string): ClusterIngress {
    const tiers = this.evaluator.tiers;
    const runs = this.runs!;
    const np = tiers.indexOf(this.evaluator.networkPolicy);
    const known = this.clusterRows.get(signature);
    if (known) return known;
    const decided = tiers.map((_, t) => (t === np ? undefined : this.decidedFor(t, s)));
    const count = runs.from.length;
    // The oldest signature's arrays are reused: typed arrays allocated per signature (hundreds, 40 KB each
    // at 50 000 classes) would bring on full collections of the whole heap by external memory pressure.
    let row: ClusterIngress;
    if (this.clusterRows.size >= this.clusterCapacity) {
      const oldest = this.clusterRows.keys().next().value as string;
      row = this.clusterRows.get(oldest)!;
      this.clusterRows.delete(oldest);
      for (const b of [...row.any, ...row.all]) b.words.fill(0);
    } else {
      const bits = () => new Bitset(this.size);
      row = {
        ids: new Int32Array(count * tiers.length),
        walks: new Int32Array(count * 3),
        any: [bits(), bits(), bits()],
        all: [bits(), bits(), bits()],
      };
    }
    const { ids, walks, any, all } = row;
    const walk = this.ids;
    const n = tiers.length;
    for (let r = 0; r < count; r++) {
      // Neighbouring runs mostly get the same decisions from these sources: then the same walks.
      let same = r > 0;
      for (let t = 0; t < n; t++) {
        if (t === np) continue;
        const j = runs.parts[t]![r]!;
        const id = decided[t]!.get(j) ?? this.decisionFor(decided[t]!, t, j, runs.reps[t]![j]!, s);
        ids[r * n + t] = id;
        same &&= ids[(r - 1) * n + t] === id;
      }
      const from = runs.from[r]!;
      const to = runs.to[r]!;
      for (let x = 0; x < 3; x++) {
        let id: number;
        if (same) id = walks[(r - 1) * 3 + x]!;
        else {
          for (let t = 0; t < n; t++) walk[t] = t === np ? x : ids[r * n + t]!;
          id = this.walkOf(walk);
          if (this.walkFlags[id] === undefined) this.walkFlagsOf(id, walk);
        }
        walks[r * 3 + x] = id;
        const f = this.walkFlags[id]!;
        if (f & 1) setRange(any[x]!.words, from, to);
        if (f & 2) setRange(all[x]!.words, from, to);
      }
    }
    this.clusterRows.set(signature, row);
    return row;
  }

  /** What s's egress may allow (eAny) and allows fully (eAll). */
  private egressSide(s: number): RowSides {
    const ev = this.evaluator;
    // Only NetworkPolicy may decide s's egress: its rows bound it.
    if (!ev.admin?.applying(s, "Egress").length && !ev.baseline?.applying(s, "Egress").length)
      return this.networkPolicyEgress(s);
    const known = this.egressSides.get(s);
    if (known) return known;
    const side = { any: new Bitset(this.size), all: new Bitset(this.size) };
    for (let d = 0; d < this.size; d++) {
      const c = this.egressConnId(s, d);
      if (c !== 0) side.any.set(d);
      if (c === 1) side.all.set(d);
    }
    if (this.egressSides.size >= EGRESS_SIDES)
      this.egressSides.delete(this.egressSides.keys().next().value as number);
    this.egressSides.set(s, side);
    return side;
  }

  /** The id of what s's egress allows toward d, judged once per tuple of d's egress peer keys (all s can tell). */
  private egressConnId(s: number, d: number): number {
    this.egressPeers ??= this.intern("Egress", "peer");
    const peers = this.egressPeers;
    if (this.egressStamp.length !== peers.count) {
      this.egressStamp = new Int32Array(peers.count);
      this.egressConnOf = new Int32Array(peers.count);
    }
    if (s !== this.stampedSource) {
      this.stampedSource = s;
      this.stamp++;
    }
    const k = peers.of[d]!;
    if (this.egressStamp[k] === this.stamp) return this.egressConnOf[k]!;
    const id = this.connId(this.evaluator.egress(s, d));
    this.egressStamp[k] = this.stamp;
    this.egressConnOf[k] = id;
    return id;
  }

  /** Egress connections by id (0 none, 1 all), equal sets alike. */
  private connId(c: ConnSet): number {
    let id = c.isEmpty() ? 0 : c.isAll() ? 1 : this.connIds.get(c.key());
    if (id === undefined) {
      id = this.conns.length;
      this.conns.push(c);
      this.connIds.set(c.key(), id);
    }
    return id;
  }

  /** The flags of egress connections `conn` ∩ walk `walk`'s (1: something, 2: everything), composed once. */
  private pairFlagsOf(conn: number, walk: number): number {
    const row = withSlot(this.pairFlags, conn, walk, Int8Array, 64);
    let f = row[walk]!;
    if (f < 0) {
      const c = this.conns[conn]!.intersect(this.walked[walk]!);
      f = (c.isEmpty() ? 0 : 1) | (c.isAll() ? 2 : 0);
      row[walk] = f;
    }
    return f;
  }

  /** The walk id of one decision per tier. */
  private walkOf(ids: Int32Array): number {
    let walk = ids[0]!;
    for (let t = 1; t < ids.length; t++) walk = this.step(t, walk, ids[t]!);
    return walk;
  }

  /** The runs of classes, and the decisions settleable from NetworkPolicy's rows. */
  private buildRuns(): Runs {
    const tiers = this.evaluator.tiers;
    const np = tiers.indexOf(this.evaluator.networkPolicy);
    // NetworkPolicy's subject keys are not needed: its word comes from its rows (or the pair, partialWalk).
    const keyed = this.intern("Ingress", "subject", np);
    const from: number[] = [];
    const to: number[] = [];
    const parts: number[][] = tiers.map(() => []);
    const of = new Int32Array(this.size);
    const npIsolated = new Bitset(this.size);
    for (let d = 0; d < this.size; d++) {
      const k = keyed.of[d]!;
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
      npIsolated,
      reps: keyed.reps,
    };
  }

  /** Tier t's decision for its subject key j (a class with it: `rep`) from source s, remembered in `decided`. */
  private decisionFor(decided: Map<number, number>, t: number, j: number, rep: number, s: number): number {
    const id = this.decisionId(this.evaluator.tiers[t]!.decide("Ingress", rep, s));
    decided.set(j, id);
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
    const row = withSlot(table.ids, walk, id, Int32Array, 16);
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
    const deny = decision.deny === "others" ? "*" : decision.deny.key();
    const key = `${decision.allow.key()}/${deny}/${decision.pass?.key() ?? ""}`;
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

  /** Every class by its tuple of per-tier subject (or peer) keys for a direction (tier `skip`'s left out). */
  private intern(direction: Direction, side: "subject" | "peer", skip = -1): Keyed {
    const tiers = this.evaluator.tiers;
    const keyIds = tiers.map(() => new Map<string | number, number>());
    const reps: number[][] = tiers.map(() => []);
    // Per-tier key ids are below the class count: the tuple is a sequence of them.
    const tuples = new SequenceIds(this.size + 1);
    const tupleIds = new Map<number, number>();
    const parts: number[][] = tiers.map(() => []);
    const of = new Int32Array(this.size);
    const ids = new Array<number>(tiers.length);
    for (let c = 0; c < this.size; c++) {
      let tuple = SequenceIds.empty;
      for (let t = 0; t < tiers.length; t++) {
        const tier = tiers[t]!;
        const key = t === skip ? 0 : tierKey(tier, side, direction, c);
        let id = keyIds[t]!.get(key);
        if (id === undefined) {
          id = reps[t]!.length;
          keyIds[t]!.set(key, id);
          reps[t]!.push(c);
        }
        ids[t] = id;
        tuple = tuples.extend(tuple, id);
      }
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

/**
 * A row's words [w0, w1) where every destination is settled by masks: egress ∧ the signature's masks chosen
 * by NetworkPolicy's word (not selected, nothing, everything). Lists in `rare` the words with a destination
 * some port-restricted NetworkPolicy rule admits, or that both sides may allow but the egress side not
 * fully (left for the caller to judge), and returns how many.
 */
function maskWords(
  A: Uint32Array,
  L: Uint32Array,
  EA: Uint32Array,
  EL: Uint32Array,
  SA: Uint32Array,
  SL: Uint32Array,
  ISO: Uint32Array,
  a0: Uint32Array,
  a1: Uint32Array,
  a2: Uint32Array,
  l0: Uint32Array,
  l1: Uint32Array,
  l2: Uint32Array,
  w0: number,
  w1: number,
  rare: Int32Array,
): number {
  let count = 0;
  for (let w = w0; w < w1; w++) {
    const ea = EA[w]!;
    // Egress allows nothing here (its `all` is within its `any`).
    if (ea === 0) {
      A[w] = 0;
      L[w] = 0;
      continue;
    }
    const iso = ISO[w]!;
    const sa = SA[w]!;
    const sl = SL[w]!;
    const none = iso & ~sa;
    const every = iso & sl;
    const ia = (~iso & a0[w]!) | (none & a1[w]!) | (every & a2[w]!);
    const el = EL[w]!;
    if ((iso & sa & ~sl) !== 0 || (ea & ia & ~el) !== 0) {
      rare[count++] = w;
      continue;
    }
    A[w] = el & ia;
    L[w] = el & ((~iso & l0[w]!) | (none & l1[w]!) | (every & l2[w]!));
  }
  return count;
}

/**
 * An ingress side's words [0, w1): NetworkPolicy's word (not selected, nothing, everything) choosing among the
 * signature's masks. Lists in `rare` the words with a destination some port-restricted NetworkPolicy rule
 * admits (left for the caller to judge; its bits are 0 here), and returns how many.
 */
function ingressWords(
  IA: Uint32Array,
  IL: Uint32Array,
  SA: Uint32Array,
  SL: Uint32Array,
  ISO: Uint32Array,
  a0: Uint32Array,
  a1: Uint32Array,
  a2: Uint32Array,
  l0: Uint32Array,
  l1: Uint32Array,
  l2: Uint32Array,
  w1: number,
  rare: Int32Array,
): number {
  let count = 0;
  for (let w = 0; w < w1; w++) {
    const iso = ISO[w]!;
    const sa = SA[w]!;
    const sl = SL[w]!;
    const none = iso & ~sa;
    const every = iso & sl;
    IA[w] = (~iso & a0[w]!) | (none & a1[w]!) | (every & a2[w]!);
    IL[w] = (~iso & l0[w]!) | (none & l1[w]!) | (every & l2[w]!);
    if ((iso & sa & ~sl) !== 0) rare[count++] = w;
  }
  return count;
}

/**
 * A whole row's words [0, w1) from its two sides: egress ∧ ingress. Lists in `rare` the words with a
 * destination both sides may allow but the egress side not fully (left for the caller to judge; its bits
 * are 0 here), and returns how many.
 */
function sideWords(
  A: Uint32Array,
  L: Uint32Array,
  EA: Uint32Array,
  EL: Uint32Array,
  IA: Uint32Array,
  IL: Uint32Array,
  w1: number,
  rare: Int32Array,
): number {
  let count = 0;
  for (let w = 0; w < w1; w++) {
    const el = EL[w]!;
    A[w] = el & IA[w]!;
    L[w] = el & IL[w]!;
    if ((EA[w]! & IA[w]! & ~el) !== 0) rare[count++] = w;
  }
  return count;
}

/** Per index, the end of its stretch of equal values in `of`. */
function stretchEnds(of: Int32Array): Int32Array {
  const ends = new Int32Array(of.length);
  let end = of.length;
  for (let i = of.length - 1; i >= 0; i--) {
    if (i + 1 < of.length && of[i + 1] !== of[i]) end = i + 1;
    ends[i] = end;
  }
  return ends;
}

/** Small ids for a string key of each class, the key worked out once per class. */
class ClassKeyIds {
  private readonly ofClass: Int32Array;
  private readonly ids = new Map<string, number>();
  /** The keys by id. */
  readonly keys: string[] = [];

  constructor(
    size: number,
    private readonly keyOf: (cls: number) => string,
  ) {
    this.ofClass = new Int32Array(size).fill(-1);
  }

  /** The id of class c's key (below the class count). */
  of(c: number): number {
    let id = this.ofClass[c]!;
    if (id < 0) {
      const key = this.keyOf(c);
      id = this.ids.get(key) ?? -1;
      if (id < 0) {
        id = this.keys.length;
        this.keys.push(key);
        this.ids.set(key, id);
      }
      this.ofClass[c] = id;
    }
    return id;
  }
}

/** Sets bits [from, to) of `words`. */
function setRange(words: Uint32Array, from: number, to: number): void {
  for (let w = from >>> 5; w <= (to - 1) >>> 5; w++) {
    const lo = Math.max(from - (w << 5), 0);
    const hi = Math.min(to - (w << 5), 32);
    const upper = hi === 32 ? 0xffffffff : (1 << hi) - 1;
    words[w]! |= upper & ~((1 << lo) - 1);
  }
}

/**
 * `rows[r]`, grown (doubling, at least `min` long, new slots -1: not yet known) until it has slot `index`:
 * the memo rows of pairFlagsOf and step (a type, not a closure: nothing is allocated when the row is long
 * enough).
 */
function withSlot<T extends Int8Array | Int32Array>(
  rows: (T | undefined)[],
  r: number,
  index: number,
  type: new (length: number) => T,
  min: number,
): T {
  const row = rows[r];
  if (row && index < row.length) return row;
  const grown = new type(Math.max(min, 2 * (index + 1))).fill(-1) as T;
  if (row) grown.set(row);
  rows[r] = grown;
  return grown;
}
