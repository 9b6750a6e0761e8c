/** A pod-security.kubernetes.io label Pod Security Admission cannot read: it falls back, open or closed. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { ENFORCE_LEVEL_LABEL } from "../api.js";
import { type NamespaceReport, PSA } from "./input.js";
import { namespaceBase } from "./namespace.js";

function fallbackOf(label: string): string {
  if (label.endsWith("-version")) return "latest";
  if (label === ENFORCE_LEVEL_LABEL) return "restricted (fail closed)";
  return "privileged (fail open)";
}

function find(report: NamespaceReport): Draft[] {
  return report.policy.errors.map((error) => ({
    ...namespaceBase(report),
    object: `label ${error.label}`,
    message: `namespace ${report.name}: label ${error.label}=${JSON.stringify(error.value)} is invalid (${error.message}); Pod Security Admission falls back to ${fallbackOf(error.label)}`,
    evidence: [`metadata.labels["${error.label}"]=${error.value}`],
    remediation: "fix the label value (levels: privileged, baseline, restricted; versions: latest or v1.N)",
  }));
}

export const invalidPolicyLabel: FindingRule<NamespaceReport> = {
  id: "node.invalid-policy-label",
  plane: "node",
  severity: "medium",
  title: "Invalid Pod Security label",
  description:
    "A pod-security.kubernetes.io level or version label has a value Pod Security Admission cannot parse: an enforce level falls back to restricted (fail closed), audit and warn to privileged, a version to latest.",
  help: "Fix the label value: levels privileged, baseline, restricted; versions latest or v1.N.",
  remediation: "fix the label value (levels: privileged, baseline, restricted; versions: latest or v1.N)",
  references: [PSA],
  find,
};
