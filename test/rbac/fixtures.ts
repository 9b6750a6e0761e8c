/** Small builders for RBAC objects in tests, shaped exactly as the API returns them. */
import type {
  ClusterRole,
  ClusterRoleBinding,
  LabelSelector,
  PolicyRule,
  Role,
  RoleBinding,
  Subject,
} from "../../src/model/objects.js";
import { emptySnapshot, type Snapshot } from "../../src/model/snapshot.js";

const RBAC = "rbac.authorization.k8s.io";

export const user = (name: string): Subject => ({ kind: "User", apiGroup: RBAC, name });
export const group = (name: string): Subject => ({ kind: "Group", apiGroup: RBAC, name });
export const sa = (name: string, namespace?: string): Subject =>
  namespace === undefined ? { kind: "ServiceAccount", name } : { kind: "ServiceAccount", name, namespace };

export function role(namespace: string, name: string, rules: PolicyRule[]): Role {
  return { apiVersion: `${RBAC}/v1`, kind: "Role", metadata: { name, namespace }, rules };
}

export function clusterRole(
  name: string,
  rules: PolicyRule[],
  options: { labels?: Record<string, string>; selectors?: LabelSelector[] } = {},
): ClusterRole {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: "ClusterRole",
    metadata: { name, ...(options.labels ? { labels: options.labels } : {}) },
    rules,
    ...(options.selectors ? { aggregationRule: { clusterRoleSelectors: options.selectors } } : {}),
  };
}

export function roleBinding(
  namespace: string,
  name: string,
  roleRef: { kind: string; name: string },
  subjects: Subject[],
): RoleBinding {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: "RoleBinding",
    metadata: { name, namespace },
    roleRef: { apiGroup: RBAC, ...roleRef },
    subjects,
  };
}

export function clusterRoleBinding(name: string, roleName: string, subjects: Subject[]): ClusterRoleBinding {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: "ClusterRoleBinding",
    metadata: { name },
    roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: roleName },
    subjects,
  };
}

export function rbacSnapshot(
  parts: Partial<Pick<Snapshot, "roles" | "clusterRoles" | "roleBindings" | "clusterRoleBindings">>,
): Snapshot {
  return { ...emptySnapshot(), ...parts };
}
