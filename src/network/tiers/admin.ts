/**
 * The admin tier: AdminNetworkPolicy (v1alpha1) and ClusterNetworkPolicy with `tier: Admin` (v1alpha2),
 * evaluated before NetworkPolicy; their Accept and Deny cannot be overridden (./cluster-policy.ts).
 */

import { ClusterPolicyTier, tierOrder } from "./cluster-policy.js";
import type { TierContext } from "./context.js";

export function buildAdminTier(c: TierContext): ClusterPolicyTier | undefined {
  const policies = c.clusterPolicies.filter((p) => p.tier === "admin");
  if (policies.length === 0) return undefined;
  return new ClusterPolicyTier(
    "admin",
    c.table,
    tierOrder(policies, c.cluster.samePriority),
    c.peers,
    c.nodes,
    c.cluster,
  );
}
