/** rbac.impersonate: Impersonation */
import { core, riskRule } from "./risk.js";

export const impersonate = riskRule({
  id: "rbac.impersonate",
  namespaced: false,
  anyOf: [
    core("impersonate", "users"),
    core("impersonate", "groups"),
    core("impersonate", "serviceaccounts"),
    { verb: "impersonate", group: "authentication.k8s.io", resource: "userextras", name: "some" },
  ],
  severity: { cluster: "critical" },
  what: "impersonate users, groups or service accounts (impersonating group system:masters bypasses RBAC)",
  remediation:
    "Remove the impersonate verb, or restrict it with resourceNames to the exact identities needed.",
  title: "Impersonation",
  description:
    "The impersonate verb on users, groups or service accounts lets the holder act as anyone, including group system:masters, which bypasses RBAC.",
  references: ["https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation"],
});
