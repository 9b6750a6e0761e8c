/**
 * Why a request is allowed or not, as lines a person reads: the binding → role → rule that allowed it, or
 * the bindings that apply to the user there and the fact that none of their rules matches.
 */

import { formatPolicyRule } from "../model/format.js";
import { formatOrigin, originOf } from "../model/origin.js";
import type { RequestAttributes } from "./attributes.js";
import type { Authorizer, Decision } from "./authorizer.js";
import { isBuiltin } from "./builtin.js";
import type { Binding } from "./policy.js";

export function bindingName(binding: Binding): string {
  return binding.metadata.namespace
    ? `${binding.kind} ${binding.metadata.namespace}/${binding.metadata.name}`
    : `${binding.kind} ${binding.metadata.name}`;
}

function where(object: object): string {
  return isBuiltin(object) ? "built-in" : formatOrigin(originOf(object));
}

export function explainDecision(
  authorizer: Authorizer,
  attributes: RequestAttributes,
  decision: Decision,
): string[] {
  if (decision.superuser)
    return [
      `allowed: ${JSON.stringify(attributes.user.name)} is in group system:masters, which the API server allows everything before RBAC`,
    ];
  if (decision.via) {
    const { binding, role, rule, subjectIndex } = decision.via;
    const subject = binding.subjects![subjectIndex]!;
    return [
      `allowed by ${decision.via.description}`,
      `  binding: ${bindingName(binding)} (${where(binding)}) names ${subject.kind} ${subject.name}`,
      `  role:    ${role.kind} ${role.metadata.namespace ? `${role.metadata.namespace}/` : ""}${role.metadata.name} (${where(role)})`,
      `  rule:    ${formatPolicyRule(rule)}`,
    ];
  }
  const { rules, errors } = authorizer.rulesFor(attributes.user, attributes.namespace);
  const scope = attributes.namespace
    ? `in namespace ${attributes.namespace}`
    : "at cluster scope (only ClusterRoleBindings count)";
  const lines = [`denied: no rule of the bindings that apply ${scope} allows it`];
  const seen = new Set<Binding>();
  for (const grant of rules) {
    if (seen.has(grant.binding)) continue;
    seen.add(grant.binding);
    lines.push(
      `  ${bindingName(grant.binding)} → ${grant.binding.roleRef.kind} ${grant.binding.roleRef.name}:`,
    );
    for (const other of rules)
      if (other.binding === grant.binding) lines.push(`    ${formatPolicyRule(other.rule)}`);
  }
  if (seen.size === 0) lines.push("  (no binding applies to this user here)");
  for (const error of errors) lines.push(`  unresolved: ${error}`);
  return lines;
}
