/** A pod or workload its namespace's enforce level would reject: it predates the label, or an exemption let it in. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { levelVersionString } from "../api.js";
import { PSA, type SubjectInput } from "./input.js";

function find(input: SubjectInput): Draft[] {
  const verdict = input.enforceVerdict();
  if (!verdict || verdict.allowed) return [];
  const { subject } = input;
  return [
    {
      subject: subject.display,
      object: `namespace ${subject.namespace}`,
      message: subject.isPod
        ? `${subject.display} ${verdict.message} (it predates the label or was admitted by an exemption)`
        : `${subject.display}: its pods will be rejected: ${verdict.message}`,
      evidence: verdict.reasons.map((r) => (r.detail ? `${r.reason}: ${r.detail}` : r.reason)),
      remediation: `change the pod spec to meet ${levelVersionString(input.report.policy.enforce)}`,
      resource: subject.resource,
      origin: subject.origin,
    },
  ];
}

export const enforceViolation: FindingRule<SubjectInput> = {
  id: "node.enforce-violation",
  plane: "node",
  severity: "medium",
  title: "Violates the namespace's enforce level",
  description:
    "A pod that its namespace's pod-security.kubernetes.io/enforce level rejects (it predates the label, or was admitted by an exemption), or a workload whose pods will be rejected.",
  help: "Change the pod spec to meet the namespace's level, as the evidence's Pod Security reasons say.",
  remediation: "change the pod spec to meet <level>:<version>",
  references: [PSA],
  needsPodSecurityAdmission: true,
  find,
};
