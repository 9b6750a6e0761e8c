/** A ClusterRoleBinding reaches namespaced resources in every namespace, kube-system and other tenants included. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { bindingName } from "../explain.js";
import { clusterAdmin } from "./cluster-admin.js";
import { type BindingContext, subjectLabel, subjectText } from "./context.js";

function find(ctx: BindingContext): Draft[] {
  // cluster-admin says more, and says it already.
  if (ctx.namespace || !ctx.role.ok || ctx.carries(clusterAdmin)) return [];
  const access = ctx.clusterWideAccess();
  if (!access) return [];
  const { role } = ctx;
  return ctx.subjects.map((subject) => ({
    severity: access.writes ? "high" : "medium",
    subject: subjectLabel(subject, ""),
    object: "every namespace",
    message: `${subjectText(subject, "")} can ${access.summary} in every namespace, kube-system and every tenant's included (${bindingName(ctx.binding)})`,
    evidence: [ctx.bindingLine, role.line, ...access.rules.map((rule) => ctx.ruleLine(rule))],
    remediation: `Replace the ClusterRoleBinding with RoleBindings (to the same ClusterRole) in the namespaces ${ctx.subjects.length === 1 ? "this subject" : "these subjects"} should reach.`,
    resource: ctx.resource,
    origin: ctx.origin,
  }));
}

export const clusterWideNamespacedAccess: FindingRule<BindingContext> = {
  id: "rbac.cluster-wide-namespaced-access",
  plane: "api",
  severity: "high",
  title: "ClusterRoleBinding reaches every namespace",
  description:
    "A ClusterRoleBinding grants the role's namespaced permissions in every namespace, kube-system and every tenant's included: high when they write, medium when they only read.",
  help: "Bind the ClusterRole with RoleBindings in the namespaces the subject should reach instead.",
  remediation:
    "Replace the ClusterRoleBinding with RoleBindings (to the same ClusterRole) in the namespaces <subjects> should reach.",
  references: [
    "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding",
  ],
  find,
};
