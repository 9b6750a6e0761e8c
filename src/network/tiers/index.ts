/**
 * The policy tiers, in evaluation order (../tier.ts): admin, NetworkPolicy, baseline. Each entry builds its
 * tier from what the model read, or nothing when there is no policy of its kind. A new tier (AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy, ClusterNetworkPolicy) is one file in this directory and one line here.
 */
import type { ClassTable } from "../classes.js";
import type { CompiledPolicy } from "../policies.js";
import type { PolicyTier, TierName } from "../tier.js";
import { NetworkPolicyTier } from "./network-policy.js";

/** What a tier is built from. */
export interface TierContext {
  table: ClassTable;
  /** The valid NetworkPolicies, compiled. */
  networkPolicies: CompiledPolicy[];
  ipBlockMatchesPods: boolean;
}

export interface TierEntry {
  name: TierName;
  build(context: TierContext): PolicyTier | undefined;
}

export const TIERS: readonly TierEntry[] = [
  {
    name: "networkpolicy",
    build: (c) => new NetworkPolicyTier(c.table, c.networkPolicies, c.ipBlockMatchesPods),
  },
];
