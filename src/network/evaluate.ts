/**
 * The evaluator: what policy allows between endpoint classes, through every tier in order (./tier.ts,
 * ./tiers/index.ts). The NetworkPolicy tier is always there; its selection and rule matching (which policies
 * isolate a class, what a rule's peers select, what its ports admit) are read through here by the
 * explanations, findings and the bitset rows, which speak NetworkPolicy.
 */

import type { Bitset } from "./bitset.js";
import type { ClassTable, EndpointClass } from "./classes.js";
import type { CompiledClusterPolicy, CompiledClusterRule } from "./cluster-policies.js";
import type { ConnSet } from "./conns.js";
import { PeerIndex } from "./peers.js";
import type { CompiledPeer, CompiledPolicy, CompiledRule, Direction } from "./policies.js";
import { type PolicyTier, throughTiers } from "./tier.js";
import { type ClusterPolicyTier, firstTakingEverything } from "./tiers/cluster-policy.js";
import { TIERS, type TierContext } from "./tiers/index.js";
import { NetworkPolicyTier } from "./tiers/network-policy.js";

export class Evaluator {
  readonly tiers: readonly PolicyTier[];
  /** The NetworkPolicy tier. */
  readonly networkPolicy: NetworkPolicyTier;
  /** No tier but NetworkPolicy's: the bitset rows (./rows.ts), which read NetworkPolicy alone, are exact. */
  readonly networkPolicyOnly: boolean;
  /** The admin and baseline tiers, when some cluster-scoped policy is in them. */
  readonly admin?: ClusterPolicyTier;
  readonly baseline?: ClusterPolicyTier;
  readonly ingressPolicies: CompiledPolicy[][];
  readonly egressPolicies: CompiledPolicy[][];
  readonly size: number;

  constructor(
    readonly table: ClassTable,
    readonly policies: CompiledPolicy[],
    readonly ipBlockMatchesPods: boolean,
    cluster: Pick<TierContext, "clusterPolicies" | "cluster" | "nodes"> = {
      clusterPolicies: [],
      cluster: { domainNames: "external", samePriority: "name" },
      nodes: [],
    },
  ) {
    const context: TierContext = {
      table,
      networkPolicies: policies,
      ipBlockMatchesPods,
      peers: new PeerIndex(table),
      ...cluster,
    };
    this.tiers = TIERS.flatMap((entry) => entry.build(context) ?? []);
    this.networkPolicy = this.tiers.find((t): t is NetworkPolicyTier => t instanceof NetworkPolicyTier)!;
    this.networkPolicyOnly = this.tiers.length === 1;
    this.admin = this.tiers.find((t): t is ClusterPolicyTier => t.name === "admin");
    this.baseline = this.tiers.find((t): t is ClusterPolicyTier => t.name === "baseline");
    this.ingressPolicies = this.networkPolicy.ingressPolicies;
    this.egressPolicies = this.networkPolicy.egressPolicies;
    this.size = this.networkPolicy.size;
  }

  /** NetworkPolicies isolating a class for a direction (empty: not isolated; external and host classes never are). */
  applying(cls: number, direction: Direction): CompiledPolicy[] {
    return this.networkPolicy.applying(cls, direction);
  }

  /**
   * The cluster-scoped rule that denies a class every connection NetworkPolicy does not decide, for a
   * direction: the first rule of its admin walk that takes everything, when it is a Deny, else (none, or a
   * Pass) the first of its baseline walk. Undefined when no such rule exists.
   */
  clusterDefaultDeny(
    cls: number,
    direction: Direction,
  ): { policy: CompiledClusterPolicy; rule: CompiledClusterRule } | undefined {
    for (const tier of [this.admin, this.baseline]) {
      const first = firstTakingEverything(tier, cls, direction);
      if (!first) continue;
      if (first.rule.failClosed || first.rule.action === "Deny") return first;
      if (first.rule.action === "Accept") return undefined;
    }
    return undefined;
  }

  /**
   * What the cluster-scoped tiers see of a class as a source: the policies that apply to its egress, and
   * which of their ingress rule peers select it. Two sources with the same key (and the same NetworkPolicy
   * key, ./rows.ts) are allowed the same connections to every destination.
   */
  clusterSourceKey(cls: number): string {
    let key = "";
    for (const tier of [this.admin, this.baseline])
      if (tier) key += `${tier.subjectKey("Egress", cls)}:${tier.peerKey("Ingress", cls)}|`;
    return key;
  }

  /** The classes a NetworkPolicy peer selects. */
  peerBits(peer: CompiledPeer): Bitset {
    return this.networkPolicy.peerBits(peer);
  }

  /** Whether a NetworkPolicy rule's peers select a class (every class when it has none). */
  ruleMatches(rule: CompiledRule, cls: number): boolean {
    return this.networkPolicy.ruleMatches(rule, cls);
  }

  /** The connections a NetworkPolicy rule's ports admit toward a destination class. */
  ruleConns(rule: CompiledRule, dst: EndpointClass): ConnSet {
    return this.networkPolicy.ruleConns(rule, dst);
  }

  /** What `src`'s egress allows toward `dst`, through every tier. */
  egress(src: number, dst: number): ConnSet {
    return this.networkPolicyOnly
      ? this.networkPolicy.egress(src, dst)
      : throughTiers(this.tiers, "Egress", src, dst);
  }

  /** What `dst`'s ingress allows from `src`, through every tier. */
  ingress(dst: number, src: number): ConnSet {
    return this.networkPolicyOnly
      ? this.networkPolicy.ingress(dst, src)
      : throughTiers(this.tiers, "Ingress", dst, src);
  }

  /** Both sides: what policy allows from class `src` to class `dst`. */
  conns(src: number, dst: number): ConnSet {
    const e = this.egress(src, dst);
    if (e.isEmpty()) return e;
    return e.intersect(this.ingress(dst, src));
  }
}
