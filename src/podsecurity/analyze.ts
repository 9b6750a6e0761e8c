/**
 * Every pod and workload judged as Pod Security Admission would judge it, and every namespace's policy with
 * what violates it and how strict it could be today. Pure: a Snapshot and options in, plain data out.
 */
import type { ObjectRef } from "../model/finding.js";
import type { Origin } from "../model/origin.js";
import type { Snapshot } from "../model/snapshot.js";
import {
  compareLevels,
  LATEST,
  type Level,
  type LevelVersion,
  levelVersionString,
  type Version,
} from "./api.js";
import type { ForbiddenReason, ObjectMeta, PodSpec } from "./check.js";
import { DEFAULT_CONFIG, type PodSecurityConfig } from "./config.js";
import { defaultEvaluator, evaluatePod, type PodVerdict } from "./evaluate.js";
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
  /** Shares verdicts between calls on the same snapshot (e.g. findings, then reports). */
  judge?: Judge;
}

/**
 * One analysis's memory: verdicts per pod spec and level:version (a namespace report asks about the same pod
 * at enforce, audit, warn and each candidate level), and the subjects of each snapshot. Create one per analysis
 * of a snapshot that does not change meanwhile (a watch-fed snapshot must use a fresh one after updates).
 */
export class Judge {
  private readonly cache = new WeakMap<PodSpec, Map<string, PodVerdict>>();
  private readonly subjectsOf = new WeakMap<Snapshot, PodSubject[]>();
  constructor(readonly evaluator: Evaluator = defaultEvaluator) {}

  subjects(snapshot: Snapshot): readonly PodSubject[] {
    let subjects = this.subjectsOf.get(snapshot);
    if (!subjects) {
      subjects = podSubjects(snapshot);
      this.subjectsOf.set(snapshot, subjects);
    }
    return subjects;
  }

  verdict(lv: LevelVersion, meta: ObjectMeta | undefined, spec: PodSpec): PodVerdict {
    let bySpec = this.cache.get(spec);
    if (!bySpec) {
      bySpec = new Map();
      this.cache.set(spec, bySpec);
    }
    const key = levelVersionString(lv);
    let verdict = bySpec.get(key);
    if (!verdict) {
      verdict = evaluatePod(lv.level, lv.version, meta, spec, this.evaluator);
      bySpec.set(key, verdict);
    }
    return verdict;
  }
}

function judgeOf(options: PodSecurityOptions): Judge {
  return options.judge ?? new Judge(options.evaluator);
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
  const judge = judgeOf(options);
  const policies = namespacePolicies(snapshot, config);
  const verdicts: SubjectVerdict[] = [];
  for (const subject of judge.subjects(snapshot)) {
    if (!inScope(subject.namespace, options)) continue;
    const nsPolicy = policyFor(policies, subject.namespace, config);
    const lv: LevelVersion = options.level
      ? { level: options.level, version: options.version ?? LATEST }
      : nsPolicy.enforce;
    const exempt = exemptionOf(subject, nsPolicy, config);
    const verdict = exempt
      ? { allowed: true, reasons: [], message: "" }
      : judge.verdict(lv, subject.meta, subject.spec);
    verdicts.push({
      kind: subject.kind,
      namespace: subject.namespace,
      name: subject.name,
      display: subject.display,
      resource: subject.resource,
      origin: subject.origin,
      policy: lv,
      exempt,
      allowed: verdict.allowed,
      reasons: verdict.reasons,
      message: verdict.message,
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
  evaluator: Evaluator | Judge = defaultEvaluator,
): Level {
  const judge = evaluator instanceof Judge ? evaluator : new Judge(evaluator);
  for (const level of STRICTEST_FIRST) {
    if (pods.every((p) => judge.verdict({ level, version }, p.meta, p.spec).allowed)) return level;
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
  const judge = judgeOf(options);
  const policies = namespacePolicies(snapshot, config);
  const byNamespace = new Map<string, PodSubject[]>();
  for (const subject of judge.subjects(snapshot)) {
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
        const verdict = judge.verdict(lv, s.meta, s.spec);
        return verdict.allowed ? [] : [{ display: s.display, message: verdict.message }];
      }),
    });
    const version = policy.enforce.version;
    const strictest = strictestSafeLevel(judged, version, judge);
    const blockers = STRICTEST_FIRST.filter((level) => compareLevels(level, strictest) > 0)
      .reverse()
      .map((level) => ({
        level,
        subjects: judged
          .filter((s) => !judge.verdict({ level, version }, s.meta, s.spec).allowed)
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
