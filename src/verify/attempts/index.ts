/**
 * Every attempt, in the order they run and are reported: node plane, then network exposure, API, admission,
 * network; then, where the cluster serves policy.networking.k8s.io, those that try to get around a
 * cluster-scoped network policy (each planned only where it concerns how the tenant is isolated).
 */
import type { Attempt } from "../attempt.js";
import { clusterAdminBinding } from "./cluster-admin-binding.js";
import { clusterPolicyCreate } from "./cluster-policy-create.js";
import { clusterPolicyEdit } from "./cluster-policy-edit.js";
import { clusterPolicyNamespaceRelabel } from "./cluster-policy-namespace-relabel.js";
import { clusterPolicyOverride } from "./cluster-policy-override.js";
import { clusterPolicyPodRelabel } from "./cluster-policy-pod-relabel.js";
import { crossTenantBinding } from "./cross-tenant-binding.js";
import { deleteDefaultDeny } from "./delete-default-deny.js";
import { hostNetworkPod } from "./host-network-pod.js";
import { nodePortService } from "./node-port-service.js";
import { podSecurityRelabel } from "./pod-security-relabel.js";
import { privilegedHostPod } from "./privileged-host-pod.js";
import { webhookSelectorEscape } from "./webhook-selector-escape.js";

export const ATTEMPTS: readonly Attempt[] = [
  privilegedHostPod,
  hostNetworkPod,
  nodePortService,
  clusterAdminBinding,
  crossTenantBinding,
  podSecurityRelabel,
  webhookSelectorEscape,
  deleteDefaultDeny,
];

export const CLUSTER_POLICY_ATTEMPTS: readonly Attempt[] = [
  clusterPolicyOverride,
  clusterPolicyNamespaceRelabel,
  clusterPolicyPodRelabel,
  clusterPolicyCreate,
  clusterPolicyEdit,
];
