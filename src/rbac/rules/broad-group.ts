/** A grant to a group everyone (or every service account) is in: system:authenticated, system:unauthenticated… */
import type { Severity } from "../../model/finding.js";
import type { Draft, FindingRule } from "../../model/rule.js";
import { bindingName } from "../explain.js";
import { type BindingContext, subjectLabel } from "./context.js";

// A Map, not an object: a group named `constructor` or `__proto__` must not find Object.prototype's members.
const BROAD_GROUPS = new Map<string, Severity>([
  ["system:unauthenticated", "critical"],
  ["system:authenticated", "high"],
  ["system:serviceaccounts", "high"],
]);

function find(ctx: BindingContext): Draft[] {
  if (!ctx.role.ok || ctx.role.rules.length === 0) return [];
  const { role } = ctx;
  const out: Draft[] = [];
  for (const subject of ctx.subjects) {
    const broad = subject.kind === "Group" ? BROAD_GROUPS.get(subject.name) : undefined;
    if (!broad) continue;
    out.push({
      severity: broad,
      subject: subjectLabel(subject, ctx.namespace),
      object: ctx.namespace ? `namespace ${ctx.namespace}` : "cluster",
      message: `${bindingName(ctx.binding)} grants ${role.role.kind} ${role.role.metadata.name} to every member of ${subject.name} ${ctx.where}`,
      evidence: [ctx.bindingLine, role.line, ...role.rules.map((rule) => ctx.ruleLine(rule))],
      remediation: `Bind the role to the specific users, groups or service accounts that need it instead of ${subject.name}.`,
      resource: ctx.resource,
      origin: ctx.origin,
    });
  }
  return out;
}

export const broadGroup: FindingRule<BindingContext> = {
  id: "rbac.broad-group",
  plane: "api",
  severity: "high",
  title: "Grant to a group everyone is in",
  description:
    "The binding grants a role to system:unauthenticated (critical: anyone who can reach the API server), system:authenticated or system:serviceaccounts (high: every user or every service account).",
  help: "Bind the role to the specific users, groups or service accounts that need it.",
  remediation:
    "Bind the role to the specific users, groups or service accounts that need it instead of <group>.",
  references: ["https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects"],
  find,
};
