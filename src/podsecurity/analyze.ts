/**
 * Every pod and workload judged as Pod Security Admission would judge it, and every namespace's policy with
 * what violates it and how strict it could be today. Pure: a Snapshot and options in, plain data out.
 */
import type { ObjectRef } from "../model/finding.js";
import type { Origin } from "../model/origin.js";
import type { Snapshot } from "../model/snapshot.js";
import { compareLevels, LATEST, type Level, type LevelVersion, type Version } from "./api.js";
import type { ForbiddenReason, ObjectMeta, PodSpec } from "./check.js";
import { DEFAULT_CONFIG, type PodSecurityConfig } from "./config.js";
import { defaultEvaluator, evaluatePod } from "./evaluate.js";
import { type NamespacePolicy, namespacePolicy } from "./namespace-policy.js";
import type { Evaluator } from "./registry.js";
import { type PodSubject, podSubjects } from "./subjects.js";

export interface PodSecurityOptions {
  /** Defaults and exemptions, as the PodSecurityConfiguration gives them (default: privileged:latest, none). */
  config?: PodSecurityConfig;
  /** Judge every subject at this level instead of its namespace's enforce level. */
  level?: Level;
  /** The policy version for `level` (default latest). */
  version?: Version;
  /** Only these namespaces (default: all). */
  namespaces?: readonly string[];
  /** The check registry (default: every upstream check, no emulation). */
  evaluator?: Evaluator;
}

export type Exemption = "namespace" | "runtimeClass";

export interface SubjectVerdict {
  kind: string;
  namespace: string;
  name: string;
  /** `ns/name[Kind]`. */
  display: string;
  resource: ObjectRef;
  origin?: Origin;
  /** The level and version judged: the requested one, or the namespace's enforce policy. */
  policy: LevelVersion;
  /** Why PSA would not evaluate it at all. */
  exempt?: Exemption;
  allowed: boolean;
  reasons: ForbiddenReason[];
  /** `violates PodSecurity "baseline:latest": …`; empty when allowed. */
  message: string;
  subject: PodSubject;
}

const STRICTEST_FIRST: readonly Level[] = ["restricted", "baseline", "privileged"];

function inScope(namespace: string, options: PodSecurityOptions): boolean {
  return !options.namespaces || options.namespaces.includes(namespace);
}

export function namespacePolicies(
  snapshot: Snapshot,
  config: PodSecurityConfig,
): Map<string, NamespacePolicy> {
  const policies = new Map<string, NamespacePolicy>();
  for (const namespace of snapshot.namespaces)
    policies.set(namespace.metadata.name, namespacePolicy(namespace, config));
  return policies;
}

/** A namespace the snapshot does not declare behaves as one with no labels. */
function policyFor(
  policies: Map<string, NamespacePolicy>,
  name: string,
  config: PodSecurityConfig,
): NamespacePolicy {
  return policies.get(name) ?? namespacePolicy({ metadata: { name } }, config);
}

export function exemptionOf(
  subject: PodSubject,
  policy: NamespacePolicy,
  config: PodSecurityConfig,
): Exemption | undefined {
  if (policy.exempt) return "namespace";
  const runtimeClass = subject.spec.runtimeClassName;
  if (runtimeClass && config.exemptions.runtimeClasses.includes(runtimeClass)) return "runtimeClass";
  return undefined;
}

/** Every pod and workload template in scope, judged at the requested level or its namespace's enforce level. */
export function evaluateSubjects(snapshot: Snapshot, options: PodSecurityOptions = {}): SubjectVerdict[] {
  const config = options.config ?? DEFAULT_CONFIG;
  const evaluator = options.evaluator ?? defaultEvaluator;
  const policies = namespacePolicies(snapshot, config);
  const verdicts: SubjectVerdict[] = [];
  for (const subject of podSubjects(snapshot)) {
    if (!inScope(subject.namespace, options)) continue;
    const nsPolicy = policyFor(policies, subject.namespace, config);
    const lv: LevelVersion = options.level
      ? { level: options.level, version: options.version ?? LATEST }
      : nsPolicy.enforce;
    const exempt = exemptionOf(subject, nsPolicy, config);
    const verdict = exempt
      ? { allowed: true, reasons: [], message: "" }
      : evaluatePod(lv.level, lv.version, subject.meta, subject.spec, evaluator);
    verdicts.push({
      kind: subject.kind,
      namespace: subject.namespace,
      name: subject.name,
      display: subject.display,
      resource: subject.resource,
      origin: subject.origin,
      policy: lv,
      exempt,
      ...verdict,
      subject,
    });
  }
  return verdicts;
}

export interface PodSpecRef {
  meta?: ObjectMeta;
  spec: PodSpec;
}

/**
 * The strictest level whose checks (at `version`) every given pod spec passes: what a namespace holding them
 * could enforce today without rejecting any of them.
 */
export function strictestSafeLevel(
  pods: readonly PodSpecRef[],
  version: Version = LATEST,
  evaluator: Evaluator = defaultEvaluator,
): Level {
  for (const level of STRICTEST_FIRST) {
    if (pods.every((p) => evaluatePod(level, version, p.meta, p.spec, evaluator).allowed)) return level;
  }
  return "privileged";
}

export interface ModeViolations {
  /** The level and version of the mode. */
  policy: LevelVersion;
  /** Subjects (`ns/name[Kind]`) that violate it, with the message. */
  violations: { display: string; message: string }[];
}

export interface NamespaceReport {
  name: string;
  policy: NamespacePolicy;
  /** Pods and workloads in the namespace. */
  subjects: number;
  enforce: ModeViolations;
  audit: ModeViolations;
  warn: ModeViolations;
  /** Strictest level (at the enforce version) that admits every current pod and workload template. */
  strictestSafeLevel: Level;
  /** For each level stricter than the strictest safe one, the subjects it would reject. */
  blockers: { level: Level; subjects: string[] }[];
  /** Subjects PSA skips there (exempt runtime class; or everything in an exempt namespace). */
  exempt: string[];
}

/** Per namespace in scope: its policy, what violates each mode, and the strictest level it could enforce today. */
export function namespaceReports(snapshot: Snapshot, options: PodSecurityOptions = {}): NamespaceReport[] {
  const config = options.config ?? DEFAULT_CONFIG;
  const evaluator = options.evaluator ?? defaultEvaluator;
  const policies = namespacePolicies(snapshot, config);
  const byNamespace = new Map<string, PodSubject[]>();
  for (const subject of podSubjects(snapshot)) {
    const list = byNamespace.get(subject.namespace) ?? [];
    list.push(subject);
    byNamespace.set(subject.namespace, list);
  }
  const names = [...new Set([...snapshot.namespaces.map((n) => n.metadata.name), ...byNamespace.keys()])]
    .filter((name) => inScope(name, options))
    .sort();
  return names.map((name) => {
    const policy = policyFor(policies, name, config);
    const subjects = byNamespace.get(name) ?? [];
    const judged = subjects.filter((s) => !exemptionOf(s, policy, config));
    const mode = (lv: LevelVersion): ModeViolations => ({
      policy: lv,
      violations: judged.flatMap((s) => {
        const verdict = evaluatePod(lv.level, lv.version, s.meta, s.spec, evaluator);
        return verdict.allowed ? [] : [{ display: s.display, message: verdict.message }];
      }),
    });
    const version = policy.enforce.version;
    const strictest = strictestSafeLevel(judged, version, evaluator);
    const blockers = STRICTEST_FIRST.filter((level) => compareLevels(level, strictest) > 0)
      .reverse()
      .map((level) => ({
        level,
        subjects: judged
          .filter((s) => !evaluatePod(level, version, s.meta, s.spec, evaluator).allowed)
          .map((s) => s.display),
      }));
    return {
      name,
      policy,
      subjects: subjects.length,
      enforce: mode(policy.enforce),
      audit: mode(policy.audit),
      warn: mode(policy.warn),
      strictestSafeLevel: strictest,
      blockers,
      exempt: subjects.filter((s) => exemptionOf(s, policy, config)).map((s) => s.display),
    };
  });
}
