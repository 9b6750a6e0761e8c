/**
 * The baseline tier: the BaselineAdminNetworkPolicy (v1alpha1, the one named `default`) and
 * ClusterNetworkPolicy with `tier: Baseline` (v1alpha2), evaluated for what NetworkPolicy leaves undecided:
 * pods no NetworkPolicy selects for the direction (./cluster-policy.ts). The BaselineAdminNetworkPolicy has
 * no priority and is walked after every Baseline ClusterNetworkPolicy.
 */

import { ClusterPolicyTier, tierOrder } from "./cluster-policy.js";
import type { TierContext } from "./context.js";

export function buildBaselineTier(c: TierContext): ClusterPolicyTier | undefined {
  const policies = c.clusterPolicies.filter((p) => p.tier === "baseline");
  if (policies.length === 0) return undefined;
  return new ClusterPolicyTier(
    "baseline",
    c.table,
    tierOrder(policies, c.cluster.samePriority),
    c.peers,
    c.nodes,
    c.cluster,
  );
}
