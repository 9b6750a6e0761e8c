/** rbac.admission-webhooks: Write admission configuration */
import { riskRule } from "./risk.js";

export const admissionWebhooks = riskRule({
  id: "rbac.admission-webhooks",
  namespaced: false,
  anyOf: [
    "mutatingwebhookconfigurations",
    "validatingwebhookconfigurations",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
  ].flatMap((resource) =>
    ["create", "update", "patch"].map((verb) => ({
      verb,
      group: "admissionregistration.k8s.io",
      resource,
      name: "some" as const,
    })),
  ),
  severity: { cluster: "critical" },
  what: "write admission webhook or policy configuration: see or change every object admitted, or disable guard-rails",
  remediation: "Keep admission configuration writable by cluster administrators only.",
  title: "Write admission configuration",
  description:
    "Whoever writes webhook configurations or ValidatingAdmissionPolicies can see or change every admitted object, or switch the guard-rails off.",
  references: [
    "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks",
  ],
});
