/**
 * Every pod and workload judged as Pod Security Admission would judge it, and every namespace's policy with
 * what violates it and how strict it could be today. Pure: a Snapshot and options in, plain data out.
 */
import type { ObjectRef } from "../model/finding.js";
import type { Origin } from "../model/origin.js";
import type { Snapshot } from "../model/snapshot.js";
import { LATEST, type Level, type LevelVersion, sameVersion, type Version } from "./api.js";
import type { ForbiddenReason, ObjectMeta, PodSpec } from "./check.js";
import { DEFAULT_CONFIG, type PodSecurityConfig } from "./config.js";
import { defaultEvaluator, evaluatePod, type PodVerdict } from "./evaluate.js";
import { type NamespacePolicy, namespacePolicy } from "./namespace-policy.js";
import type { Evaluator } from "./registry.js";
import { judgedAs, type PodSubject, podSubjects } from "./subjects.js";

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

/** The verdicts on one pod spec so far: a report asks at most a handful of level:versions, so a list will do. */
type Verdicts = { level: Level; version: Version; verdict: PodVerdict }[];

/**
 * One analysis's memory: verdicts per pod spec and level:version (a namespace report asks about the same pod
 * at enforce, audit, warn and each candidate level), and the subjects of each snapshot. Subjects whose checks
 * see the same input share their verdicts. Create one per analysis of a snapshot that does not change meanwhile
 * (a watch-fed snapshot must use a fresh one after updates).
 */
export class Judge {
  private readonly cache = new WeakMap<PodSpec, Verdicts>();
  private readonly subjectsOf = new WeakMap<Snapshot, PodSubject[]>();
  private readonly byOutline = new Map<string, { subject: PodSubject; verdicts: Verdicts }[]>();
  constructor(readonly evaluator: Evaluator = defaultEvaluator) {}

  subjects(snapshot: Snapshot): readonly PodSubject[] {
    let subjects = this.subjectsOf.get(snapshot);
    if (!subjects) {
      subjects = podSubjects(snapshot);
      this.shareVerdicts(subjects);
      this.subjectsOf.set(snapshot, subjects);
    }
    return subjects;
  }

  verdict(lv: LevelVersion, meta: ObjectMeta | undefined, spec: PodSpec): PodVerdict {
    const verdicts = this.verdictsOf(spec);
    for (const known of verdicts)
      if (known.level === lv.level && sameVersion(known.version, lv.version)) return known.verdict;
    const verdict = evaluatePod(lv.level, lv.version, meta, spec, this.evaluator);
    verdicts.push({ level: lv.level, version: lv.version, verdict });
    return verdict;
  }

  // Reports ask about one spec at several levels in a row: remembering the last spares most lookups.
  private lastSpec?: PodSpec;
  private lastVerdicts: Verdicts = [];

  private verdictsOf(spec: PodSpec): Verdicts {
    if (spec === this.lastSpec) return this.lastVerdicts;
    let verdicts = this.cache.get(spec);
    if (!verdicts) {
      verdicts = [];
      this.cache.set(spec, verdicts);
    }
    this.lastSpec = spec;
    this.lastVerdicts = verdicts;
    return verdicts;
  }

  /** The verdict on a subject: its own, or the one on the owner template it is the same pod as. */
  verdictOf(lv: LevelVersion, subject: PodSubject): PodVerdict {
    const judged = judgedAs(subject);
    return this.verdict(lv, judged.meta, judged.spec);
  }

  /**
   * Tenants often run the same templates: judging each distinct one once is most of the work saved at scale
   * (pods and ReplicaSets mostly share their owner's, see sameAsOwner).
   */
  private shareVerdicts(subjects: readonly PodSubject[]): void {
    // Same JSON (keys in the same order too), same input to the checks. Found by comparing with the few
    // distinct contents of the same outline, not by writing every template out as JSON. Kept across the
    // judge's snapshots (one per namespace, for src/podsecurity/by-namespace.ts).
    const byOutline = this.byOutline;
    for (const subject of subjects) {
      if (subject.sameAsOwner) continue;
      const key = outline(subject.spec);
      let seen = byOutline.get(key);
      if (!seen) {
        seen = [];
        byOutline.set(key, seen);
      }
      const same = seen.find(
        (s) =>
          sameOrderedJson(s.subject.meta.annotations, subject.meta.annotations) &&
          sameOrderedJson(s.subject.spec, subject.spec),
      );
      const verdicts = same?.verdicts ?? this.cache.get(subject.spec) ?? [];
      // Beyond a few distinct contents per outline, others are judged on their own: the same verdicts.
      if (!same && seen.length < MAX_CONTENTS_PER_OUTLINE) seen.push({ subject, verdicts });
      this.cache.set(subject.spec, verdicts);
    }
    this.lastSpec = undefined; // its list may have been replaced
  }
}

const MAX_CONTENTS_PER_OUTLINE = 16;

/** What most templates differ by, cheap to read: their containers' count, first name and image, the fields set. */
function outline(spec: PodSpec): string {
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  const first = containers[0];
  return `${containers.length}\u0000${first?.name}\u0000${first?.image}\u0000${Object.keys(spec).length}`;
}

/**
 * Whether JSON.stringify writes both the same: plain data equal value for value, object keys in the same
 * order, a key whose value is undefined (which JSON leaves out) only where the other has it too.
 */
function sameOrderedJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const y = b as unknown[];
    if (a.length !== y.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameOrderedJson(a[i], y[i])) return false;
    return true;
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i]!;
    if (key !== keysB[i]) return false;
    if (!sameOrderedJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
      return false;
  }
  return true;
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
    const verdict = exempt ? { allowed: true, reasons: [], message: "" } : judge.verdictOf(lv, subject);
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
    const list = byNamespace.get(subject.namespace);
    if (list) list.push(subject);
    else byNamespace.set(subject.namespace, [subject]);
  }
  const names = [...new Set([...snapshot.namespaces.map((n) => n.metadata.name), ...byNamespace.keys()])]
    .filter((name) => inScope(name, options))
    .sort();
  return names.map((name) => {
    const policy = policyFor(policies, name, config);
    const subjects = byNamespace.get(name) ?? [];
    const modes = [policy.enforce, policy.audit, policy.warn].map(
      (lv): ModeViolations => ({ policy: lv, violations: [] }),
    );
    // Who each level stricter than privileged would reject, at the enforce version.
    const candidates = (["restricted", "baseline"] as const).map((level) => ({
      lv: { level, version: policy.enforce.version },
      rejects: [] as string[],
    }));
    const exempt: string[] = [];
    // One pass per subject, asking about it at every level in turn: the judge finds its verdicts once.
    for (const s of subjects) {
      if (exemptionOf(s, policy, config)) {
        exempt.push(s.display);
        continue;
      }
      for (const mode of modes) {
        const verdict = judge.verdictOf(mode.policy, s);
        if (!verdict.allowed) mode.violations.push({ display: s.display, message: verdict.message });
      }
      for (const { lv, rejects } of candidates) if (!judge.verdictOf(lv, s).allowed) rejects.push(s.display);
    }
    // The strictest level that rejects nobody; the blockers are what each stricter level rejects.
    const safe = candidates.findIndex((c) => c.rejects.length === 0);
    const strictest = safe === -1 ? "privileged" : candidates[safe]!.lv.level;
    const blockers = candidates
      .slice(0, safe === -1 ? undefined : safe)
      .reverse()
      .map(({ lv, rejects }) => ({ level: lv.level, subjects: rejects }));
    const [enforce, audit, warn] = modes as [ModeViolations, ModeViolations, ModeViolations];
    return {
      name,
      policy,
      subjects: subjects.length,
      enforce,
      audit,
      warn,
      strictestSafeLevel: strictest,
      blockers,
      exempt,
    };
  });
}
