/** rbac.clusterrole-labels: Write ClusterRoles (aggregation labels) */
import { rbac, riskRule } from "./risk.js";

export const clusterroleLabels = riskRule({
  id: "rbac.clusterrole-labels",
  namespaced: false,
  anyOf: [rbac("update", "clusterroles"), rbac("patch", "clusterroles"), rbac("create", "clusterroles")],
  severity: { cluster: "medium" },
  what: "create or update ClusterRoles: a rbac.authorization.k8s.io/aggregate-to-admin (-edit, -view) label spreads the role's rules — any it holds, as the escalation check requires — to everyone bound to admin/edit/view in any namespace",
  remediation:
    "Keep create/update/patch on clusterroles to cluster administrators, or restrict update with resourceNames to roles without aggregation labels.",
  title: "Write ClusterRoles (aggregation labels)",
  description:
    "Whoever can create or update ClusterRoles can add an aggregate-to-admin/edit/view label and spread rules it holds to everyone bound to those roles in any namespace.",
  references: ["https://kubernetes.io/docs/reference/access-authn-authz/rbac/#aggregated-clusterroles"],
});
