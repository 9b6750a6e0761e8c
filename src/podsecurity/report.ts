/**
 * The stable JSON shapes of `kubefence podsec -o json` (per pod/workload) and `--namespaces -o json`.
 */
import { formatOrigin } from "../model/origin.js";
import type { NamespaceReport, SubjectVerdict } from "./analyze.js";
import { type Level, versionString } from "./api.js";

export interface SubjectEntry {
  kind: string;
  namespace: string;
  name: string;
  level: Level;
  version: string;
  allowed: boolean;
  /** `namespace` or `runtimeClass` when PSA skips it; absent otherwise. */
  exempt?: string;
  reasons: { reason: string; detail: string }[];
  /** `violates PodSecurity "baseline:latest": …`; empty when allowed. */
  message: string;
  /** `file:line:column` or `cluster CONTEXT`. */
  origin?: string;
}

export function subjectEntry(verdict: SubjectVerdict): SubjectEntry {
  return {
    kind: verdict.kind,
    namespace: verdict.namespace,
    name: verdict.name,
    level: verdict.policy.level,
    version: versionString(verdict.policy.version),
    allowed: verdict.allowed,
    ...(verdict.exempt ? { exempt: verdict.exempt } : {}),
    reasons: verdict.reasons.map((r) => ({ reason: r.reason, detail: r.detail })),
    message: verdict.message,
    ...(verdict.origin ? { origin: formatOrigin(verdict.origin) } : {}),
  };
}

export interface ModeEntry {
  level: Level;
  version: string;
  violations: { name: string; message: string }[];
}

export interface NamespaceEntry {
  name: string;
  exempt: boolean;
  /** Whether a pod-security.kubernetes.io/enforce label is set (else the configured default applies). */
  enforceLabelled: boolean;
  enforce: ModeEntry;
  audit: ModeEntry;
  warn: ModeEntry;
  /** Pods and workloads in the namespace. */
  pods: number;
  strictestSafeLevel: Level;
  /** Per level stricter than the strictest safe one: the pods/workloads it would reject. */
  blockers: { level: Level; names: string[] }[];
  exemptPods: string[];
  labelErrors: { label: string; value: string; message: string }[];
}

export function namespaceEntry(report: NamespaceReport): NamespaceEntry {
  const mode = (m: NamespaceReport["enforce"]): ModeEntry => ({
    level: m.policy.level,
    version: versionString(m.policy.version),
    violations: m.violations.map((v) => ({ name: v.display, message: v.message })),
  });
  return {
    name: report.name,
    exempt: report.policy.exempt,
    enforceLabelled: report.policy.enforceLabelled,
    enforce: mode(report.enforce),
    audit: mode(report.audit),
    warn: mode(report.warn),
    pods: report.subjects,
    strictestSafeLevel: report.strictestSafeLevel,
    blockers: report.blockers.map((b) => ({ level: b.level, names: b.subjects })),
    exemptPods: report.exempt,
    labelErrors: report.policy.errors.map((e) => ({ ...e })),
  };
}
