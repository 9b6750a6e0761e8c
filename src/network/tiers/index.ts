/**
 * The policy tiers, in evaluation order (../tier.ts): admin, NetworkPolicy, baseline. Each entry builds its
 * tier from what the model read, or nothing when there is no policy of its kind. A new tier is one file in
 * this directory and one line here.
 */

import type { Node } from "../../model/objects.js";
import type { ClassTable } from "../classes.js";
import type { CompiledClusterPolicy } from "../cluster-policies.js";
import type { PeerIndex } from "../peers.js";
import type { CompiledPolicy } from "../policies.js";
import type { PolicyTier, TierName } from "../tier.js";
import { buildAdminTier } from "./admin.js";
import { buildBaselineTier } from "./baseline.js";
import type { ClusterTierOptions } from "./cluster-policy.js";
import { NetworkPolicyTier } from "./network-policy.js";

/** What a tier is built from. */
export interface TierContext {
  table: ClassTable;
  /** The valid NetworkPolicies, compiled. */
  networkPolicies: CompiledPolicy[];
  ipBlockMatchesPods: boolean;
  /** Peer matches, shared by every tier. */
  peers: PeerIndex;
  /** The valid AdminNetworkPolicies, BaselineAdminNetworkPolicies and ClusterNetworkPolicies, compiled. */
  clusterPolicies: CompiledClusterPolicy[];
  cluster: ClusterTierOptions;
  /** For nodes peers. */
  nodes: readonly Node[];
}

export interface TierEntry {
  name: TierName;
  build(context: TierContext): PolicyTier | undefined;
}

export const TIERS: readonly TierEntry[] = [
  { name: "admin", build: buildAdminTier },
  {
    name: "networkpolicy",
    build: (c) => new NetworkPolicyTier(c.table, c.networkPolicies, c.ipBlockMatchesPods, c.peers),
  },
  { name: "baseline", build: buildBaselineTier },
];
