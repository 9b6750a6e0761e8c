/**
 * Which rules apply to a user in a namespace: kubernetes/kubernetes `pkg/registry/rbac/validation/rule.go`
 * `VisitRulesFor`, the plain version (every binding is looked at). ClusterRoleBindings first, then, only
 * when the request has a namespace, the RoleBindings of that namespace. A binding whose role cannot be
 * resolved reports an error and grants nothing. The indexed resolver must visit exactly the same sequence.
 */
import type { PolicyRule } from "../model/objects.js";
import type { UserInfo } from "./attributes.js";
import { type Policy, type RuleSource, roleReference } from "./policy.js";
import { appliesTo } from "./subjects.js";

/** Called for each rule (with its source) or resolution error; return false to stop. */
export type RuleVisitor = (
  source: RuleSource | undefined,
  rule: PolicyRule | undefined,
  error: string | undefined,
) => boolean;

export type RuleResolver = (user: UserInfo, namespace: string, visitor: RuleVisitor) => void;

export function plainResolver(policy: Policy): RuleResolver {
  return (user, namespace, visitor) => {
    for (const binding of policy.clusterRoleBindings) {
      const subjectIndex = appliesTo(user, binding.subjects, "");
      if (subjectIndex < 0) continue;
      const ref = roleReference(policy, binding);
      if (!ref.ok) {
        if (!visitor(undefined, undefined, ref.error)) return;
        continue;
      }
      const source: RuleSource = { binding, subjectIndex, role: ref.role };
      for (const rule of ref.rules) if (!visitor(source, rule, undefined)) return;
    }
    if (namespace === "") return;
    for (const binding of policy.roleBindingsByNamespace.get(namespace) ?? []) {
      const subjectIndex = appliesTo(user, binding.subjects, namespace);
      if (subjectIndex < 0) continue;
      const ref = roleReference(policy, binding);
      if (!ref.ok) {
        if (!visitor(undefined, undefined, ref.error)) return;
        continue;
      }
      const source: RuleSource = { binding, subjectIndex, role: ref.role };
      for (const rule of ref.rules) if (!visitor(source, rule, undefined)) return;
    }
  };
}
