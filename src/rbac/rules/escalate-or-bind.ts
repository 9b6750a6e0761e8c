/** rbac.escalate-or-bind: Escalate or bind roles */
import { rbac, riskRule } from "./risk.js";

export const escalateOrBind = riskRule({
  id: "rbac.escalate-or-bind",
  namespaced: true,
  anyOf: [
    rbac("escalate", "roles"),
    rbac("escalate", "clusterroles"),
    rbac("bind", "roles"),
    rbac("bind", "clusterroles"),
  ],
  severity: { cluster: "critical", namespace: "high" },
  what: "escalate or bind roles: grant permissions it does not hold (the API server's escalation check is waived)",
  remediation:
    "Remove the escalate and bind verbs; creating RoleBindings is safe without them (one can only grant what one holds).",
  title: "Escalate or bind roles",
  description:
    "The escalate and bind verbs waive the API server's privilege-escalation check: the holder can grant permissions it does not hold.",
  references: [
    "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping",
  ],
});
