/** What the node plane's rules read: a pod or workload in its namespace's context, or a namespace's report. */
import type { NamespaceReport } from "../analyze.js";
import { ENFORCE_LEVEL_LABEL, type Level } from "../api.js";
import type { EscapeEvidence } from "../escapes/path.js";
import type { PodVerdict } from "../evaluate.js";
import type { PlacementEvidence } from "../placement.js";
import type { PodSubject } from "../subjects.js";

export interface SubjectInput {
  subject: PodSubject;
  report: NamespaceReport;
  /** canEscapeToNode's evidence for its pod spec. */
  escapes: readonly EscapeEvidence[];
  /** How it lands on control-plane nodes, if it does. */
  placement: readonly PlacementEvidence[];
  /** Its verdict at the namespace's enforce level; undefined when nothing is enforced on it (privileged, exempt). */
  enforceVerdict(): PodVerdict | undefined;
}

export type { NamespaceReport };

/** Namespaces the platform itself runs privileged pods in: expected to enforce nothing. */
export const SYSTEM_NAMESPACES: readonly string[] = ["kube-system", "kube-public", "kube-node-lease"];

export function labelCommand(namespace: string, level: Level): string {
  return `kubectl label namespace ${namespace} ${ENFORCE_LEVEL_LABEL}=${level}`;
}

export const PSS = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";
export const PSA = "https://kubernetes.io/docs/concepts/security/pod-security-admission/";
