/**
 * The RBAC authorizer of the cluster as it would be if an RBAC write were admitted, built cheaply from the
 * cached state's: the RBAC engine resolves `rulesFor(user, ns)` from the ClusterRoleBindings and the
 * RoleBindings of `ns` alone (src/rbac/resolver.ts, upstream rule.go VisitRulesFor), so only the touched
 * namespaces' bindings, the roles they reference, and — when the change is one — the ClusterRoleBindings
 * or the (re-aggregated) ClusterRoles need the changed object. Answers for other namespaces are not
 * defined: ask only about `scopes` (and cluster scope, "").
 */
import type { ClusterRole, ClusterRoleBinding, KubeObject, Role, RoleBinding } from "../model/objects.js";
import { objectKey, type Snapshot } from "../model/snapshot.js";
import { aggregateClusterRoles } from "../rbac/aggregation.js";
import { type Authorizer, authorizerFor } from "../rbac/authorizer.js";
import type { Policy } from "../rbac/policy.js";
import { plainResolver } from "../rbac/resolver.js";

export function afterStateAuthorizer(
  before: Authorizer,
  snapshot: Snapshot,
  change: KubeObject,
  scopes: readonly string[],
): Authorizer {
  const base = before.policy;
  const key = objectKey(change);
  const replaced = <T extends KubeObject>(list: readonly T[]): T[] => [
    ...list.filter((o) => objectKey(o) !== key),
    change as T,
  ];

  let { clusterRoles, aggregation } = base;
  if (change.kind === "ClusterRole") {
    aggregation = aggregateClusterRoles(replaced<ClusterRole>(snapshot.clusterRoles));
    clusterRoles = new Map(aggregation.clusterRoles.map((r) => [r.metadata.name, r]));
  }
  const clusterRoleBindings =
    change.kind === "ClusterRoleBinding"
      ? replaced<ClusterRoleBinding>(base.clusterRoleBindings)
      : base.clusterRoleBindings;

  const roleBindingsByNamespace = new Map<string, readonly RoleBinding[]>();
  const roles = new Map<string, Role>();
  for (const namespace of scopes) {
    if (namespace === "") continue;
    let bindings = base.roleBindingsByNamespace.get(namespace) ?? [];
    if (change.kind === "RoleBinding" && change.metadata.namespace === namespace)
      bindings = replaced(bindings);
    roleBindingsByNamespace.set(namespace, bindings);
    for (const binding of bindings) {
      if (binding.roleRef.kind !== "Role") continue;
      const roleKey = `${namespace}/${binding.roleRef.name}`;
      const role =
        change.kind === "Role" &&
        change.metadata.namespace === namespace &&
        change.metadata.name === binding.roleRef.name
          ? change
          : base.roles.get(roleKey);
      if (role) roles.set(roleKey, role);
    }
  }
  const policy: Policy = { clusterRoleBindings, roleBindingsByNamespace, roles, clusterRoles, aggregation };
  return authorizerFor(policy, plainResolver(policy));
}
