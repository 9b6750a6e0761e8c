/**
 * One pod spec against one level and version, with the verdict worded as the admission plugin words it.
 * Upstream: admission/admission.go EvaluatePod (`violates PodSecurity %q: %s`).
 */
import { goQuote } from "../model/go-format.js";
import { type Level, type LevelVersion, levelVersionString, type Policy, type Version } from "./api.js";
import {
  aggregateCheckResults,
  type ForbiddenReason,
  joinForbiddenDetails,
  type ObjectMeta,
  type PodSpec,
} from "./check.js";
import { DEFAULT_CHECKS } from "./checks/index.js";
import { type Evaluator, newEvaluator } from "./registry.js";

export interface PodVerdict {
  allowed: boolean;
  /** Forbidden reason and detail of each failed check, in upstream order. */
  reasons: ForbiddenReason[];
  /** `violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), …`; empty when allowed. */
  message: string;
}

/** The evaluator built from every default check, as kube-apiserver builds it (no emulation). */
export const defaultEvaluator: Evaluator = newEvaluator(DEFAULT_CHECKS);

export function evaluatePod(
  level: Level,
  version: Version,
  meta: ObjectMeta | undefined,
  spec: PodSpec,
  evaluator: Evaluator = defaultEvaluator,
): PodVerdict {
  const lv: LevelVersion = { level, version };
  const result = aggregateCheckResults(evaluator.evaluatePod(lv, meta ?? {}, spec));
  if (result.allowed) return { allowed: true, reasons: [], message: "" };
  return {
    allowed: false,
    reasons: result.reasons,
    message: violationMessage(lv, result.reasons),
  };
}

/** `violates PodSecurity "restricted:v1.30": <reason (detail), …>`. */
export function violationMessage(lv: LevelVersion, reasons: readonly ForbiddenReason[]): string {
  return `violates PodSecurity ${goQuote(levelVersionString(lv))}: ${joinForbiddenDetails(reasons)}`;
}

/** `would violate PodSecurity "restricted:latest": <reason (detail), …>`: the warn and audit wording. */
export function warningMessage(lv: LevelVersion, reasons: readonly ForbiddenReason[]): string {
  return `would violate PodSecurity ${goQuote(levelVersionString(lv))}: ${joinForbiddenDetails(reasons)}`;
}

export interface AdmissionVerdict {
  allowed: boolean;
  /** The enforce violation (`violates PodSecurity …`) when denied; empty when allowed. */
  message: string;
  /** The warn violation (`would violate PodSecurity …`), only on an allowed pod: a denied one gets none. */
  warnings: string[];
  /** The audit violation (`would violate PodSecurity …`), the audit annotation's value; empty when none. */
  audit: string;
}

/**
 * A pod (or pod template) through admission against a namespace's policy: enforce decides; audit is recorded
 * either way; warn is only added to a request that is allowed. Upstream: admission/admission.go EvaluatePod
 * (with enforce), after the exemptions and the fully-privileged short cut, which leave nothing to say.
 */
export function admitPodSpec(
  policy: Policy,
  meta: ObjectMeta | undefined,
  spec: PodSpec,
  evaluator: Evaluator = defaultEvaluator,
): AdmissionVerdict {
  const evaluate = (lv: LevelVersion) => aggregateCheckResults(evaluator.evaluatePod(lv, meta ?? {}, spec));
  const enforce = evaluate(policy.enforce);
  const audit = evaluate(policy.audit);
  const verdict: AdmissionVerdict = {
    allowed: enforce.allowed,
    message: enforce.allowed ? "" : violationMessage(policy.enforce, enforce.reasons),
    warnings: [],
    audit: audit.allowed ? "" : warningMessage(policy.audit, audit.reasons),
  };
  if (verdict.allowed) {
    const warn = evaluate(policy.warn);
    if (!warn.allowed) verdict.warnings.push(warningMessage(policy.warn, warn.reasons));
  }
  return verdict;
}
