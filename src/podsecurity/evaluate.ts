/**
 * One pod spec against one level and version, with the verdict worded as the admission plugin words it.
 * Upstream: admission/admission.go EvaluatePod (`violates PodSecurity %q: %s`).
 */
import { goQuote } from "../model/go-format.js";
import { type Level, type LevelVersion, levelVersionString, type Version } from "./api.js";
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
