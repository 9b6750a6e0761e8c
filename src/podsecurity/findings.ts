/**
 * The node plane's findings for `audit`: pods and workloads that can reach their node (and so every tenant on
 * it), pods placed on control-plane nodes, subjects that violate their namespace's enforce level, and namespaces
 * that enforce nothing or less than they could.
 */
import { type Finding, type Severity, severityRank } from "../model/finding.js";
import type { Snapshot } from "../model/snapshot.js";
import { peerName } from "../model/workloads.js";
import {
  exemptionOf,
  Judge,
  type NamespaceReport,
  namespaceReports,
  type PodSecurityOptions,
} from "./analyze.js";
import { compareLevels, ENFORCE_LEVEL_LABEL, type Level, levelVersionString } from "./api.js";
import { DEFAULT_CONFIG } from "./config.js";
import { canEscapeToNode, type EscapeEvidence, type EscapeKind, podSpecPath } from "./escape.js";
import { controlPlanePlacement, indexControlPlane } from "./placement.js";
import type { PodSubject } from "./subjects.js";

/** Namespaces the platform itself runs privileged pods in: expected to enforce nothing. */
export const SYSTEM_NAMESPACES: readonly string[] = ["kube-system", "kube-public", "kube-node-lease"];

const FINDING_ID: Record<EscapeKind, string> = {
  privileged: "node.privileged",
  "host-process": "node.host-process",
  capability: "node.capability",
  "runtime-socket": "node.runtime-socket",
  "host-path": "node.host-path",
  "host-network": "node.host-namespace",
  "host-pid": "node.host-namespace",
  "host-ipc": "node.host-namespace",
  "proc-mount": "node.proc-mount",
};

const REMEDY: Record<EscapeKind, string> = {
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

function nodeOf(subject: PodSubject): string {
  return subject.nodeName ? `node ${subject.nodeName}` : "its node";
}

function labelCommand(namespace: string, level: Level): string {
  return `kubectl label namespace ${namespace} ${ENFORCE_LEVEL_LABEL}=${level}`;
}

function escapeFindings(subject: PodSubject, report: NamespaceReport): Finding[] {
  const evidence = canEscapeToNode(subject.spec, { specPath: podSpecPath(subject.kind) });
  if (evidence.length === 0) return [];
  const base = {
    plane: "node" as const,
    subject: subject.display,
    resource: subject.resource,
    origin: subject.origin,
  };
  // Platform components (kube-proxy, CNI agents, etcd) need the node by design: the risk is who can create
  // pods in their namespace, which the API plane reports.
  const system = SYSTEM_NAMESPACES.includes(subject.namespace);
  const severity = (s: Severity): Severity => (system ? "low" : s);
  const enforced = report.policy.enforce.level;
  const guard = system
    ? `; expected for a platform component in ${subject.namespace}: allow no tenant to create or exec into pods there`
    : enforced === "privileged" && !report.policy.exempt
      ? `; then enforce baseline on namespace ${subject.namespace}: ${labelCommand(subject.namespace, "baseline")}`
      : "";
  const lines = (items: EscapeEvidence[]) => items.map((e) => `${e.field}: ${e.detail}`);
  if (evidence.some((e) => e.takeover)) {
    const summaries = [...new Set(evidence.map((e) => e.summary))];
    return [
      {
        ...base,
        id: "node.takeover",
        severity: severity("critical"),
        object: nodeOf(subject),
        message: `${subject.display} can take over ${nodeOf(subject)} and every tenant on it: ${summaries.join(", ")}`,
        evidence: lines(evidence),
        remediation: `${[...new Set(evidence.map((e) => REMEDY[e.kind]))].join("; ")}${guard}`,
      },
    ];
  }
  const byId = new Map<string, EscapeEvidence[]>();
  for (const e of evidence) byId.set(FINDING_ID[e.kind], [...(byId.get(FINDING_ID[e.kind]) ?? []), e]);
  return [...byId].map(([id, items]) => ({
    ...base,
    id,
    severity: severity(maxSeverity(items.map((e) => e.severity))),
    object: nodeOf(subject),
    message: `${subject.display} reaches ${nodeOf(subject)}: ${[...new Set(items.map((e) => e.summary))].join(", ")}`,
    evidence: lines(items),
    remediation: `${[...new Set(items.map((e) => REMEDY[e.kind]))].join("; ")}${guard}`,
  }));
}

function maxSeverity(severities: readonly Severity[]): Severity {
  return severities.reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a), "info");
}

/** The Finding fields in their declared order, so JSON output reads id first. */
function ordered(f: Finding): Finding {
  const { id, plane, severity, subject, object, message, evidence, remediation, resource, origin } = f;
  return {
    id,
    plane,
    severity,
    subject,
    object,
    message,
    evidence,
    remediation,
    ...(resource ? { resource } : {}),
    ...(origin ? { origin } : {}),
  };
}

function namespaceFindings(report: NamespaceReport): Finding[] {
  const findings: Finding[] = [];
  const display = peerName({ kind: "Namespace", metadata: { name: report.name } });
  const system = SYSTEM_NAMESPACES.includes(report.name);
  const base = {
    plane: "node" as const,
    subject: display,
    resource: { kind: "Namespace", name: report.name },
  };
  const safe = report.strictestSafeLevel;
  const firstBlockers = report.blockers[0];
  // Only some namespaces get advice: build it for those alone (blocker lists can be long).
  const advice = () =>
    safe === "privileged"
      ? `no level stricter than privileged admits its current pods (${firstBlockers?.subjects.join(", ")} ${(firstBlockers?.subjects.length ?? 0) === 1 ? "violates" : "violate"} baseline): fix those, then ${labelCommand(report.name, "baseline")}`
      : `${labelCommand(report.name, safe)} (admits every current pod and workload${safe === "baseline" && firstBlockers?.subjects.length ? `; restricted would reject ${firstBlockers.subjects.join(", ")}` : ""})`;

  for (const error of report.policy.errors)
    findings.push({
      ...base,
      id: "node.invalid-policy-label",
      severity: "medium",
      object: `label ${error.label}`,
      message: `namespace ${report.name}: label ${error.label}=${JSON.stringify(error.value)} is invalid (${error.message}); Pod Security Admission falls back to ${fallbackOf(error.label)}`,
      evidence: [`metadata.labels["${error.label}"]=${error.value}`],
      remediation: `fix the label value (levels: privileged, baseline, restricted; versions: latest or v1.N)`,
    });

  if (report.policy.exempt) {
    findings.push({
      ...base,
      id: "node.namespace-exempt",
      severity: system ? "info" : "high",
      object: "Pod Security Admission",
      message: `namespace ${report.name} is exempt from Pod Security (PodSecurityConfiguration exemptions.namespaces): nothing is enforced there`,
      evidence: ["exemptions.namespaces includes it"],
      remediation: system
        ? "expected for platform namespaces; keep tenants out of it"
        : `remove it from exemptions.namespaces and ${advice()}`,
    });
  } else if (report.policy.enforce.level === "privileged") {
    const labelled = report.policy.enforceLabelled;
    findings.push({
      ...base,
      id: labelled ? "node.enforce-privileged" : "node.no-enforce",
      severity: system ? "low" : labelled ? "medium" : "high",
      object: "Pod Security Admission",
      message: labelled
        ? `namespace ${report.name} enforces privileged: any pod is admitted, privileged and host-mounting ones included`
        : `namespace ${report.name} enforces nothing (no ${ENFORCE_LEVEL_LABEL} label): any pod is admitted, privileged and host-mounting ones included`,
      evidence: [
        labelled
          ? `metadata.labels["${ENFORCE_LEVEL_LABEL}"]=privileged`
          : `no metadata.labels["${ENFORCE_LEVEL_LABEL}"]; the default is ${levelVersionString(report.policy.enforce)}`,
        `strictest level its ${report.subjects} current pods and workloads allow: ${safe}`,
      ],
      remediation: system ? `platform namespace: restrict who may create pods in it; ${advice()}` : advice(),
    });
  } else if (safe !== "privileged" && compareLevels(safe, report.policy.enforce.level) > 0) {
    findings.push({
      ...base,
      id: "node.enforce-can-tighten",
      severity: "info",
      object: "Pod Security Admission",
      message: `namespace ${report.name} enforces ${levelVersionString(report.policy.enforce)} but every current pod and workload already meets ${safe}`,
      evidence: [`metadata.labels["${ENFORCE_LEVEL_LABEL}"]=${report.policy.enforce.level}`],
      remediation: labelCommand(report.name, safe),
    });
  }
  return findings;
}

function fallbackOf(label: string): string {
  if (label.endsWith("-version")) return "latest";
  if (label === ENFORCE_LEVEL_LABEL) return "restricted (fail closed)";
  return "privileged (fail open)";
}

/**
 * Every node-plane finding of the snapshot: node takeovers and escape paths per pod/workload (workloads speak for
 * the pods and ReplicaSets they own), control-plane placement, violations of the namespace's enforce level, and
 * per namespace what it enforces against what it could.
 */
export function podSecurityFindings(snapshot: Snapshot, options: PodSecurityOptions = {}): Finding[] {
  const config = options.config ?? DEFAULT_CONFIG;
  const judge = options.judge ?? new Judge(options.evaluator);
  const reports = namespaceReports(snapshot, { ...options, config, judge, level: undefined });
  const byName = new Map(reports.map((r) => [r.name, r]));
  const findings: Finding[] = [];
  const controlPlane = indexControlPlane(snapshot.nodes);
  for (const subject of judge.subjects(snapshot)) {
    if (subject.owner) continue; // its controller carries the same template
    const report = byName.get(subject.namespace);
    if (!report) continue; // not in scope
    findings.push(...escapeFindings(subject, report));
    const placement = controlPlanePlacement(subject.spec, controlPlane, podSpecPath(subject.kind));
    if (placement.length > 0) {
      const system = SYSTEM_NAMESPACES.includes(subject.namespace);
      const pinned = placement.some((p) => p.pinned);
      findings.push({
        id: "node.control-plane",
        plane: "node",
        severity: system ? "info" : pinned ? "high" : "medium",
        subject: subject.display,
        object: "control-plane nodes",
        message: `${subject.display} ${pinned ? "runs on" : "may be scheduled onto"} a control-plane node, next to etcd and the API server's credentials`,
        evidence: placement.map((p) => `${p.field}: ${p.detail}`),
        remediation: system
          ? "expected for platform components"
          : "remove the control-plane nodeName/nodeSelector/affinity and tolerations; keep tenant workloads on worker nodes",
        resource: subject.resource,
        origin: subject.origin,
      });
    }
    const enforce = report.policy.enforce;
    if (enforce.level === "privileged" || exemptionOf(subject, report.policy, config)) continue;
    const verdict = judge.verdictOf(enforce, subject);
    if (!verdict.allowed)
      findings.push({
        id: "node.enforce-violation",
        plane: "node",
        severity: "medium",
        subject: subject.display,
        object: `namespace ${subject.namespace}`,
        message: subject.isPod
          ? `${subject.display} ${verdict.message} (it predates the label or was admitted by an exemption)`
          : `${subject.display}: its pods will be rejected: ${verdict.message}`,
        evidence: verdict.reasons.map((r) => (r.detail ? `${r.reason}: ${r.detail}` : r.reason)),
        remediation: `change the pod spec to meet ${levelVersionString(enforce)}`,
        resource: subject.resource,
        origin: subject.origin,
      });
  }
  for (const report of reports) findings.push(...namespaceFindings(report));
  return findings.map(ordered);
}
