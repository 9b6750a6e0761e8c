/** A grant to a ServiceAccount that does not exist: whoever can create it there claims the permissions. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { serviceAccountUsername } from "../attributes.js";
import { bindingName } from "../explain.js";
import { type BindingContext, subjectLabel } from "./context.js";

function find(ctx: BindingContext): Draft[] {
  if (!ctx.role.ok) return [];
  const out: Draft[] = [];
  for (const subject of ctx.subjects) {
    if (subject.kind !== "ServiceAccount" || subject.name === "default") continue;
    const ns = subject.namespace || ctx.namespace;
    if (ctx.serviceAccountExists(ns, subject.name) !== false) continue;
    out.push({
      subject: subjectLabel(subject, ctx.namespace),
      object: `ServiceAccount ${ns}/${subject.name}`,
      message: `${bindingName(ctx.binding)} grants to ServiceAccount ${ns}/${subject.name}, which does not exist: whoever can create service accounts in ${ns} can claim these permissions (${serviceAccountUsername(ns, subject.name)})`,
      evidence: [ctx.bindingLine, ctx.role.line],
      remediation: `Create the ServiceAccount ${ns}/${subject.name} or remove it from the binding.`,
      resource: ctx.resource,
      origin: ctx.origin,
    });
  }
  return out;
}

export const missingServiceAccount: FindingRule<BindingContext> = {
  id: "rbac.missing-service-account",
  plane: "api",
  severity: "low",
  title: "Grant to a ServiceAccount that does not exist",
  description:
    "The binding names a ServiceAccount the snapshot does not hold (checked only when service accounts were read): whoever can create service accounts in its namespace can claim the permissions.",
  help: "Create the ServiceAccount, or remove it from the binding.",
  remediation: "Create the ServiceAccount <namespace>/<name> or remove it from the binding.",
  references: ["https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects"],
  find,
};
