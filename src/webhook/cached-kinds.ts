import type { Kind } from "../model/objects.js";

/** What the guardrails read from the cluster: tenants by namespace, RBAC for the after-state, NetworkPolicies. */
export const DEFAULT_CACHED_KINDS: readonly Kind[] = [
  "Namespace",
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
  "NetworkPolicy",
];
