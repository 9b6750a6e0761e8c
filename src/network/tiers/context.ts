/** What a tier is built from (./index.ts builds each tier of the registry from it). */
import type { Node } from "../../model/objects.js";
import type { ClassTable } from "../classes.js";
import type { CompiledClusterPolicy } from "../cluster-policies.js";
import type { PeerIndex } from "../peers.js";
import type { CompiledPolicy } from "../policies.js";
import type { ClusterTierOptions } from "./cluster-policy.js";

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
