/** A namespace exempt from Pod Security: nothing is enforced there. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { type NamespaceReport, PSA } from "./input.js";
import { isSystemNamespace, labelAdvice, namespaceBase } from "./namespace.js";

function find(report: NamespaceReport): Draft[] {
  if (!report.policy.exempt) return [];
  const system = isSystemNamespace(report);
  return [
    {
      ...namespaceBase(report),
      severity: system ? "info" : "high",
      object: "Pod Security Admission",
      message: `namespace ${report.name} is exempt from Pod Security (PodSecurityConfiguration exemptions.namespaces): nothing is enforced there`,
      evidence: ["exemptions.namespaces includes it"],
      remediation: system
        ? "expected for platform namespaces; keep tenants out of it"
        : `remove it from exemptions.namespaces and ${labelAdvice(report)}`,
    },
  ];
}

export const namespaceExempt: FindingRule<NamespaceReport> = {
  id: "node.namespace-exempt",
  plane: "node",
  severity: "high",
  title: "Namespace exempt from Pod Security",
  description:
    "The PodSecurityConfiguration's exemptions.namespaces lists the namespace: whatever its labels say, any pod is admitted there (info for platform namespaces).",
  help: "Remove the namespace from exemptions.namespaces and label it with the strictest level its pods meet.",
  remediation:
    "remove it from exemptions.namespaces and kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=<level>",
  references: [
    PSA,
    "https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-admission-controller/",
  ],
  find,
};
