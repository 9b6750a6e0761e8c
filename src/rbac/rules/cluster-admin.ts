/** rbac.cluster-admin: Every verb on every resource */
import { riskRule } from "./risk.js";

export const clusterAdmin = riskRule({
  id: "rbac.cluster-admin",
  namespaced: true,
  anyOf: [{ verb: "*", group: "*", resource: "*", name: "" }],
  severity: { cluster: "critical", namespace: "high" },
  what: "every verb on every resource (cluster-admin equivalent)",
  remediation:
    "Bind a role with only the verbs and resources this subject needs; keep cluster-admin to break-glass identities.",
  title: "Every verb on every resource",
  description:
    "The role grants * on * in *: the holder is cluster-admin where it is bound, and can grant itself anything else.",
  references: ["https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles"],
});
