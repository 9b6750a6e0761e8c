/** A namespace that enforces nothing: no pod-security.kubernetes.io/enforce label, and the default is privileged. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { ENFORCE_LEVEL_LABEL, levelVersionString } from "../api.js";
import { type NamespaceReport, PSA } from "./input.js";
import { isSystemNamespace, labelAdvice, namespaceBase } from "./namespace.js";

/** The finding of a namespace at privileged, labelled so (node.enforce-privileged) or by default (here). */
export function privilegedFinding(report: NamespaceReport, labelled: boolean): Draft[] {
  const { policy } = report;
  if (policy.exempt || policy.enforce.level !== "privileged" || policy.enforceLabelled !== labelled)
    return [];
  const system = isSystemNamespace(report);
  return [
    {
      ...namespaceBase(report),
      severity: system ? "low" : labelled ? "medium" : "high",
      object: "Pod Security Admission",
      message: labelled
        ? `namespace ${report.name} enforces privileged: any pod is admitted, privileged and host-mounting ones included`
        : `namespace ${report.name} enforces nothing (no ${ENFORCE_LEVEL_LABEL} label): any pod is admitted, privileged and host-mounting ones included`,
      evidence: [
        labelled
          ? `metadata.labels["${ENFORCE_LEVEL_LABEL}"]=privileged`
          : `no metadata.labels["${ENFORCE_LEVEL_LABEL}"]; the default is ${levelVersionString(policy.enforce)}`,
        `strictest level its ${report.subjects} current pods and workloads allow: ${report.strictestSafeLevel}`,
      ],
      remediation: system
        ? `platform namespace: restrict who may create pods in it; ${labelAdvice(report)}`
        : labelAdvice(report),
    },
  ];
}

const find = (report: NamespaceReport): Draft[] => privilegedFinding(report, false);

export const noEnforce: FindingRule<NamespaceReport> = {
  id: "node.no-enforce",
  plane: "node",
  severity: "high",
  title: "Namespace enforces nothing",
  description:
    "The namespace has no pod-security.kubernetes.io/enforce label and the cluster's default is privileged: any pod is admitted, privileged and host-mounting ones included (low for platform namespaces).",
  help: "Label the namespace with the strictest level its current pods and workloads meet (baseline at least).",
  remediation:
    "kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=<strictest level its pods meet>",
  references: [PSA],
  find,
};
