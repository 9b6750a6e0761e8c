/** A namespace labelled to enforce privileged: any pod is admitted. */
import type { Draft, FindingRule } from "../../model/rule.js";
import { type NamespaceReport, PSA } from "./input.js";
import { privilegedFinding } from "./no-enforce.js";

const find = (report: NamespaceReport): Draft[] => privilegedFinding(report, true);

export const enforcePrivileged: FindingRule<NamespaceReport> = {
  id: "node.enforce-privileged",
  plane: "node",
  severity: "medium",
  title: "Namespace enforces privileged",
  description:
    "The namespace's pod-security.kubernetes.io/enforce label says privileged: any pod is admitted, privileged and host-mounting ones included (low for platform namespaces).",
  help: "Label the namespace with the strictest level its current pods and workloads meet (baseline at least).",
  remediation:
    "kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=<strictest level its pods meet>",
  references: [PSA],
  find,
};
