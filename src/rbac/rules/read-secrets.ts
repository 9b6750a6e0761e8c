/** rbac.read-secrets: Read secrets */
import { core, riskRule } from "./risk.js";

export const readSecrets = riskRule({
  id: "rbac.read-secrets",
  namespaced: true,
  anyOf: [
    core("list", "secrets", undefined, ""),
    core("watch", "secrets", undefined, ""),
    core("get", "secrets"),
  ],
  severity: { cluster: "critical", namespace: "medium" },
  what: "read secrets (list/watch return their contents; service account tokens among them)",
  remediation:
    "Grant get on secrets only with resourceNames for the specific secrets needed; avoid list and watch.",
  title: "Read secrets",
  description:
    "list and watch on secrets return their contents, service account tokens among them; get does for the names it is allowed.",
  references: ["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets"],
});
