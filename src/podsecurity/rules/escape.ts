/**
 * The node-escape rules' shared shape: a pod or workload whose spec opens one kind of way onto its node (and
 * is not already a takeover, which ./takeover.ts reports whole). Platform components (kube-proxy, CNI agents,
 * etcd) need the node by design: in system namespaces the finding is low, since the risk is who can create
 * pods there, which the API plane reports.
 */
import { type Severity, severityRank } from "../../model/finding.js";
import type { Draft, FindingRule, RuleInfo } from "../../model/rule.js";
import type { EscapeEvidence, EscapeKind } from "../escapes/path.js";
import { labelCommand, type SubjectInput, SYSTEM_NAMESPACES } from "./input.js";

export const REMEDY: Record<EscapeKind, string> = {
  privileged: "remove securityContext.privileged",
  "host-process": "remove windowsOptions.hostProcess",
  capability: "drop the capability (capabilities.drop: [ALL], add back only what is needed)",
  "runtime-socket": "do not mount the container runtime socket",
  "host-path": "replace the hostPath volume (emptyDir, a PVC, or a read-only, narrower path)",
  "host-network": "remove hostNetwork",
  "host-pid": "remove hostPID",
  "host-ipc": "remove hostIPC",
  "proc-mount": "remove procMount (or run the pod with hostUsers: false)",
};

export function nodeOf(input: SubjectInput): string {
  return input.subject.nodeName ? `node ${input.subject.nodeName}` : "its node";
}

export function isSystem(input: SubjectInput): boolean {
  return SYSTEM_NAMESPACES.includes(input.subject.namespace);
}

/** What to do beyond the spec: nothing, the platform's caveat, or the namespace label that keeps it out. */
export function guard(input: SubjectInput): string {
  const { subject, report } = input;
  if (isSystem(input))
    return `; expected for a platform component in ${subject.namespace}: allow no tenant to create or exec into pods there`;
  return report.policy.enforce.level === "privileged" && !report.policy.exempt
    ? `; then enforce baseline on namespace ${subject.namespace}: ${labelCommand(subject.namespace, "baseline")}`
    : "";
}

export const evidenceLines = (items: readonly EscapeEvidence[]): string[] =>
  items.map((e) => `${e.field}: ${e.detail}`);

export const remedies = (items: readonly EscapeEvidence[]): string =>
  [...new Set(items.map((e) => REMEDY[e.kind]))].join("; ");

function maxSeverity(severities: readonly Severity[]): Severity {
  return severities.reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a), "info");
}

/** A rule reporting the escapes of `kinds`, when they do not add up to a takeover. */
export function escapeRule(
  info: Omit<RuleInfo, "plane" | "remediation"> & { kinds: readonly EscapeKind[] },
): FindingRule<SubjectInput> {
  const find = (input: SubjectInput): Draft[] => {
    if (input.escapes.some((e) => e.takeover)) return [];
    const items = input.escapes.filter((e) => info.kinds.includes(e.kind));
    if (items.length === 0) return [];
    const { subject } = input;
    return [
      {
        severity: isSystem(input) ? "low" : maxSeverity(items.map((e) => e.severity)),
        subject: subject.display,
        object: nodeOf(input),
        message: `${subject.display} reaches ${nodeOf(input)}: ${[...new Set(items.map((e) => e.summary))].join(", ")}`,
        evidence: evidenceLines(items),
        remediation: `${remedies(items)}${guard(input)}`,
        resource: subject.resource,
        origin: subject.origin,
      },
    ];
  };
  const { kinds, ...rest } = info;
  return {
    ...rest,
    plane: "node",
    remediation: `${[...new Set(kinds.map((k) => REMEDY[k]))].join("; ")}; and keep such pods out with Pod Security baseline on the namespace`,
    find,
  };
}
