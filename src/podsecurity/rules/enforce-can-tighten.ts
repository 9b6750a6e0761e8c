/** A namespace that enforces less than every current pod already meets. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { compareLevels, ENFORCE_LEVEL_LABEL, levelVersionString } from "../api.js";
import { labelCommand, type NamespaceReport, PSA } from "./input.js";
import { namespaceBase } from "./namespace.js";

function find(report: NamespaceReport): Draft[] {
  const { policy } = report;
  const safe = report.strictestSafeLevel;
  if (policy.exempt || policy.enforce.level === "privileged") return [];
  if (safe === "privileged" || compareLevels(safe, policy.enforce.level) <= 0) return [];
  return [
    {
      ...namespaceBase(report),
      object: "Pod Security Admission",
      message: `namespace ${report.name} enforces ${levelVersionString(policy.enforce)} but every current pod and workload already meets ${safe}`,
      evidence: [`metadata.labels["${ENFORCE_LEVEL_LABEL}"]=${policy.enforce.level}`],
      remediation: labelCommand(report.name, safe),
    },
  ];
}

export const enforceCanTighten: FindingRule<NamespaceReport> = {
  id: "node.enforce-can-tighten",
  plane: "node",
  severity: "info",
  title: "Namespace could enforce a stricter level",
  description:
    "The namespace enforces baseline, but every current pod and workload already meets restricted: tightening costs nothing today.",
  help: "Label the namespace with the stricter level.",
  remediation: "kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=<level>",
  references: [PSA],
  needsPodSecurityAdmission: true,
  find,
};
