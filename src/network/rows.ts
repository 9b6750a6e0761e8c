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
import type { Evaluator } from "./evaluate.js";
import type { CompiledPeer } from "./policies.js";

interface Side {
  any: Bitset;
  all: Bitset;
}

interface Group {
  any: number[];
  all: number[];
  anyBits?: Bitset;
  allBits?: Bitset;
}

export class Rows {
  private readonly egressCache = new Map<string, Side>();
  private readonly ones: Bitset;
  private readonly ingressBaseAny: Bitset;
  private readonly ingressBaseAll: Bitset;
  /** For each source class, the ingress groups whose peer selects it. */
  private readonly groupsOf: Group[][];
  /** True when some port entry is protocol-wide or a range: unions of restricted rules might cover everything. */
  readonly widePorts: boolean;

  constructor(private readonly evaluator: Evaluator) {
    const size = evaluator.size;
    this.ones = Bitset.ones(size);
    this.widePorts = evaluator.policies.some((p) =>
      [...p.ingress, ...p.egress].some((r) => r.ports.some((port) => port.port === undefined || port.endPort !== undefined)),
    );

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

  /** Destinations whose ingress may admit (any) / admits everything (all) from source class s. */
  ingressFrom(s: number): Side {
    const any = this.ingressBaseAny.clone();
    const all = this.ingressBaseAll.clone();
    for (const g of this.groupsOf[s]!) {
      if (g.anyBits) any.or(g.anyBits);
      else for (const d of g.any) any.set(d);
      if (g.allBits) all.or(g.allBits);
      else for (const d of g.all) all.set(d);
    }
    return { any, all };
  }

  /** Destinations s's egress may allow (any) / allows everything to (all). */
  egressOf(s: number): Side {
    const policies = this.evaluator.egressPolicies[s]!;
    if (policies.length === 0) return { any: this.ones, all: this.ones };
    const parts: string[] = [];
    for (const p of policies)
      for (const rule of p.egress)
        parts.push(`${rule.ports.length === 0 ? "A" : "R"}${rule.peers ? rule.peers.map((x) => x.key).join("\u0002") : "*"}`);
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

  /** Both sides for source class s. */
  row(s: number): Side {
    const e = this.egressOf(s);
    const i = this.ingressFrom(s);
    return { any: i.any.and(e.any), all: i.all.and(e.all) };
  }
}

function fromList(size: number, list: number[]): Bitset {
  const b = new Bitset(size);
  for (const i of list) b.set(i);
  return b;
}
