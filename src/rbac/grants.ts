/**
 * What a subject may do, where: its rules at cluster scope (from ClusterRoleBindings, which also apply in
 * every namespace) and, per namespace, the extra rules RoleBindings there give it. The view the tenancy
 * layer uses to ask "which namespaces can this identity act in".
 */
import { MASTERS, type RequestAttributes, type UserInfo } from "./attributes.js";
import type { Authorizer, Grant } from "./authorizer.js";
import { ruleAllows } from "./matchers.js";

export interface SubjectGrants {
  user: UserInfo;
  /** In system:masters: allowed everything before RBAC (the rules below are then beside the point). */
  superuser: boolean;
  /** From ClusterRoleBindings: effective in every namespace and at cluster scope. */
  clusterWide: Grant[];
  /** Namespace → rules from RoleBindings in it (in addition to clusterWide). Only namespaces with some. */
  namespaces: Map<string, Grant[]>;
  /** Role references that could not be resolved (`role.rbac.authorization.k8s.io "x" not found`). */
  errors: string[];
}

export function grantsFor(
  authorizer: Authorizer,
  user: UserInfo,
  namespaces?: readonly string[],
): SubjectGrants {
  const cluster = authorizer.rulesFor(user, "");
  const result: SubjectGrants = {
    superuser: user.groups.includes(MASTERS),
    user,
    clusterWide: cluster.rules,
    namespaces: new Map(),
    errors: [...cluster.errors],
  };
  const candidates = namespaces ?? [...authorizer.policy.roleBindingsByNamespace.keys()];
  for (const namespace of candidates) {
    const { rules, errors } = authorizer.rulesFor(user, namespace);
    const local = rules.filter((g) => g.binding.kind === "RoleBinding");
    if (local.length > 0) result.namespaces.set(namespace, local);
    for (const error of errors.slice(cluster.errors.length)) result.errors.push(error);
  }
  return result;
}

/**
 * The namespaces in which `request` (namespace ignored) is allowed for the grants' user: `"*"` when a
 * cluster-wide rule allows it (every namespace), else the namespaces whose RoleBindings allow it.
 */
export function namespacesAllowing(
  grants: SubjectGrants,
  request: Omit<RequestAttributes, "user" | "namespace">,
): "*" | string[] {
  const attributes = { ...request, user: grants.user, namespace: "x" } as RequestAttributes;
  if (grants.superuser || grants.clusterWide.some((g) => ruleAllows(attributes, g.rule))) return "*";
  const out: string[] = [];
  for (const [namespace, rules] of grants.namespaces)
    if (rules.some((g) => ruleAllows({ ...attributes, namespace }, g.rule))) out.push(namespace);
  return out.sort();
}
