/** Every attempt, in the order they run and are reported: node plane, then network exposure, API, admission, network. */
import type { Attempt } from "../attempt.js";
import { clusterAdminBinding } from "./cluster-admin-binding.js";
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
