/** A pod or workload that can take over its node, and with it every tenant scheduled there. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { evidenceLines, guard, isSystem, nodeOf, remedies } from "./escape.js";
import { PSS, type SubjectInput } from "./input.js";

function find(input: SubjectInput): Draft[] {
  const { escapes, subject } = input;
  if (!escapes.some((e) => e.takeover)) return [];
  const summaries = [...new Set(escapes.map((e) => e.summary))];
  return [
    {
      severity: isSystem(input) ? "low" : "critical",
      subject: subject.display,
      object: nodeOf(input),
      message: `${subject.display} can take over ${nodeOf(input)} and every tenant on it: ${summaries.join(", ")}`,
      evidence: evidenceLines(escapes),
      remediation: `${remedies(escapes)}${guard(input)}`,
      resource: subject.resource,
      origin: subject.origin,
    },
  ];
}

export const takeover: FindingRule<SubjectInput> = {
  id: "node.takeover",
  plane: "node",
  severity: "critical",
  title: "Pod can take over its node",
  description:
    "The pod spec alone, or with its companions, gives root on the node: a privileged or HostProcess container, SYS_ADMIN or SYS_MODULE, the runtime socket, a writable sensitive hostPath, hostPID with privileged. Whoever runs it reaches every tenant on that node.",
  help: "Remove the fields the evidence names and enforce Pod Security baseline on the namespace, so such pods are rejected.",
  remediation:
    "<what removes each escape>; then enforce baseline on namespace <namespace>: kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=baseline",
  references: [PSS, "https://kubernetes.io/docs/concepts/security/pod-security-admission/"],
  find,
};
