/** A binding whose role does not exist: it grants nothing now, and whatever a role of that name will hold. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { bindingName } from "../explain.js";
import { type BindingContext, subjectLabel } from "./context.js";

function find(ctx: BindingContext): Draft[] {
  if (ctx.role.ok) return [];
  const { binding } = ctx;
  const error = ctx.role.error;
  return ctx.subjects.map((subject) => ({
    subject: subjectLabel(subject, ctx.namespace),
    object: `${binding.roleRef.kind} ${binding.roleRef.name}`,
    message: `${bindingName(binding)} refers to ${binding.roleRef.kind} ${binding.roleRef.name}, which does not exist: it grants nothing now, and whatever a role of that name will hold once someone creates it`,
    evidence: [ctx.bindingLine, `roleRef: ${binding.roleRef.kind} ${binding.roleRef.name}: ${error}`],
    remediation: `Create the ${binding.roleRef.kind} ${binding.roleRef.name} with the intended rules, or delete the binding.`,
    resource: ctx.resource,
    origin: ctx.origin,
  }));
}

export const missingRole: FindingRule<BindingContext> = {
  id: "rbac.missing-role",
  plane: "api",
  severity: "medium",
  title: "Binding to a role that does not exist",
  description:
    "The binding's roleRef names a Role or ClusterRole that does not exist. It grants nothing today, and everything a role of that name will hold once anyone who can create roles creates it.",
  help: "Create the role with the intended rules, or delete the binding.",
  remediation: "Create the <kind> <name> with the intended rules, or delete the binding.",
  references: [
    "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding",
  ],
  find,
};
