/**
 * The node plane's findings for `audit`: pods and workloads that can reach their node (and so every tenant on
 * it), pods placed on control-plane nodes, subjects that violate their namespace's enforce level, and namespaces
 * that enforce nothing or less than they could: the rules of ./rules/, in their registry's order.
 */
import type { Finding } from "../model/finding.js";
import { runRules } from "../model/rule.js";
import type { Snapshot } from "../model/snapshot.js";
import { exemptionOf, Judge, namespaceReports, type PodSecurityOptions } from "./analyze.js";
import { DEFAULT_CONFIG } from "./config.js";
import { canEscapeToNode, podSpecPath } from "./escape.js";
import { controlPlanePlacement, indexControlPlane } from "./placement.js";
import { NAMESPACE_RULES, NODE_RULES, SUBJECT_RULES } from "./rules/index.js";
import type { SubjectInput } from "./rules/input.js";

export { SYSTEM_NAMESPACES } from "./rules/input.js";
export { NODE_RULES };

/**
 * Every node-plane finding of the snapshot: node takeovers and escape paths per pod/workload (workloads speak for
 * the pods and ReplicaSets they own), control-plane placement, violations of the namespace's enforce level, and
 * per namespace what it enforces against what it could.
 */
export function podSecurityFindings(snapshot: Snapshot, options: PodSecurityOptions = {}): Finding[] {
  const { subjectFindings, namespaceFindings } = podSecurityFindingParts(snapshot, options);
  return [...subjectFindings, ...namespaceFindings];
}

/**
 * podSecurityFindings in its two parts: the subjects' findings in the order of their subjects (`bounds[i]` is
 * where the findings of the i-th subject start; judge.subjects(snapshot) order), then the namespaces' (those of
 * `namespaces[j]` from `namespaceBounds[j]` on).
 */
export function podSecurityFindingParts(
  snapshot: Snapshot,
  options: PodSecurityOptions = {},
): {
  subjectFindings: Finding[];
  bounds: Int32Array;
  namespaceFindings: Finding[];
  namespaces: string[];
  namespaceBounds: Int32Array;
} {
  const config = options.config ?? DEFAULT_CONFIG;
  const judge = options.judge ?? new Judge(options.evaluator);
  const reports = namespaceReports(snapshot, { ...options, config, judge, level: undefined });
  const byName = new Map(reports.map((r) => [r.name, r]));
  const findings: Finding[] = [];
  const controlPlane = indexControlPlane(snapshot.nodes);
  const subjects = judge.subjects(snapshot);
  const bounds = new Int32Array(subjects.length + 1);
  for (let i = 0; i < subjects.length; i++) {
    bounds[i] = findings.length;
    const subject = subjects[i]!;
    if (subject.owner) continue; // its controller carries the same template
    const report = byName.get(subject.namespace);
    if (!report) continue; // not in scope
    const specPath = podSpecPath(subject.kind);
    const input: SubjectInput = {
      subject,
      report,
      escapes: canEscapeToNode(subject.spec, { specPath }),
      placement: controlPlanePlacement(subject.spec, controlPlane, specPath),
      enforceVerdict: () => {
        const enforce = report.policy.enforce;
        if (enforce.level === "privileged" || exemptionOf(subject, report.policy, config)) return undefined;
        return judge.verdictOf(enforce, subject);
      },
    };
    runRules(SUBJECT_RULES, input, findings);
  }
  bounds[subjects.length] = findings.length;
  const namespaceFindings: Finding[] = [];
  const namespaceBounds = new Int32Array(reports.length + 1);
  reports.forEach((report, j) => {
    namespaceBounds[j] = namespaceFindings.length;
    runRules(NAMESPACE_RULES, report, namespaceFindings);
  });
  namespaceBounds[reports.length] = namespaceFindings.length;
  return {
    subjectFindings: findings,
    bounds,
    namespaceFindings,
    namespaces: reports.map((r) => r.name),
    namespaceBounds,
  };
}
