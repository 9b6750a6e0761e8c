/**
 * The RBAC objects of a snapshot, arranged as the authorizer's listers and getters see them: ClusterRoles
 * after aggregation, Roles and ClusterRoles by name, RoleBindings by namespace (each list in snapshot order,
 * the stand-in for the informer's order, which upstream leaves unspecified).
 */

import { goQuote } from "../model/go-format.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding } from "../model/objects.js";
import type { Snapshot } from "../model/snapshot.js";
import { type AggregationResult, aggregateClusterRoles } from "./aggregation.js";
import { describeSubject } from "./subjects.js";

export interface Policy {
  clusterRoleBindings: readonly ClusterRoleBinding[];
  roleBindingsByNamespace: ReadonlyMap<string, readonly RoleBinding[]>;
  /** Key `namespace/name`. */
  roles: ReadonlyMap<string, Role>;
  /** After aggregation. */
  clusterRoles: ReadonlyMap<string, ClusterRole>;
  aggregation: AggregationResult;
}

export function buildPolicy(
  snapshot: Pick<Snapshot, "roles" | "clusterRoles" | "roleBindings" | "clusterRoleBindings">,
): Policy {
  const aggregation = aggregateClusterRoles(snapshot.clusterRoles);
  const roleBindingsByNamespace = new Map<string, RoleBinding[]>();
  for (const binding of snapshot.roleBindings) {
    const list = roleBindingsByNamespace.get(binding.metadata.namespace);
    if (list) list.push(binding);
    else roleBindingsByNamespace.set(binding.metadata.namespace, [binding]);
  }
  return {
    clusterRoleBindings: snapshot.clusterRoleBindings,
    roleBindingsByNamespace,
    roles: new Map(snapshot.roles.map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, r])),
    clusterRoles: new Map(aggregation.clusterRoles.map((r) => [r.metadata.name, r])),
    aggregation,
  };
}

export type Binding = ClusterRoleBinding | RoleBinding;

/** Where a rule came from: the binding, the subject in it that matched, and the role it references. */
export interface RuleSource {
  binding: Binding;
  subjectIndex: number;
  role: Role | ClusterRole;
}

export type RoleReference =
  | { ok: true; role: Role | ClusterRole; rules: readonly PolicyRule[] }
  | { ok: false; error: string };

const NO_RULES: readonly PolicyRule[] = [];

/**
 * rule.go `GetRoleReferenceRules`; errors worded as the listers word NotFound
 * (`role.rbac.authorization.k8s.io "x" not found`).
 */
export function roleReference(policy: Policy, binding: Binding): RoleReference {
  const { kind, name } = binding.roleRef;
  if (kind === "Role") {
    const namespace = binding.metadata.namespace ?? "";
    const role = policy.roles.get(`${namespace}/${name}`);
    if (!role) return { ok: false, error: `role.rbac.authorization.k8s.io ${goQuote(name)} not found` };
    return { ok: true, role, rules: role.rules ?? NO_RULES };
  }
  if (kind === "ClusterRole") {
    const role = policy.clusterRoles.get(name);
    if (!role)
      return { ok: false, error: `clusterrole.rbac.authorization.k8s.io ${goQuote(name)} not found` };
    return { ok: true, role, rules: role.rules ?? NO_RULES };
  }
  return { ok: false, error: `unsupported role reference kind: ${goQuote(kind)}` };
}

/**
 * rule.go `clusterRoleBindingDescriber` / `roleBindingDescriber`:
 * `ClusterRoleBinding "crb" of ClusterRole "r" to User "bob"`,
 * `RoleBinding "rb/ns" of Role "r" to ServiceAccount "sa/ns"`.
 */
export function describeSource(source: RuleSource): string {
  const { binding, subjectIndex } = source;
  const subject = binding.subjects![subjectIndex]!;
  const namespace = binding.metadata.namespace;
  const role = `${binding.roleRef.kind} ${goQuote(binding.roleRef.name)}`;
  if (binding.kind === "RoleBinding")
    return `RoleBinding ${goQuote(`${binding.metadata.name}/${namespace}`)} of ${role} to ${describeSubject(subject, namespace ?? "")}`;
  return `ClusterRoleBinding ${goQuote(binding.metadata.name)} of ${role} to ${describeSubject(subject, "")}`;
}
