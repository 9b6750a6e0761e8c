/** rbac.serviceaccount-token: Create service account tokens */
import { core, riskRule } from "./risk.js";

export const serviceaccountToken = riskRule({
  id: "rbac.serviceaccount-token",
  namespaced: true,
  anyOf: [core("create", "serviceaccounts", "token")],
  severity: { cluster: "critical", namespace: "medium" },
  what: "create service account tokens: authenticate as any service account",
  remediation: "Remove create on serviceaccounts/token, or restrict it with resourceNames.",
  title: "Create service account tokens",
  description:
    "create on serviceaccounts/token issues tokens for any service account of the scope: authenticate as it.",
  references: ["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#token-request"],
});
