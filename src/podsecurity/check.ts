/**
 * A check, its versions, and the result of running it. Upstream: policy/checks.go.
 */
import type { Container, ObjectMeta, PodSpec } from "../model/objects.js";
import type { Level, Version } from "./api.js";

export type { Container, ObjectMeta, PodSpec };

export interface CheckResult {
  allowed: boolean;
  /** Succinct, always shown: `host namespaces`. Set when not allowed. */
  forbiddenReason?: string;
  /** The specific values: `hostNetwork=true, hostPID=true`. Optional. */
  forbiddenDetail?: string;
}

export type CheckPodFn = (meta: ObjectMeta, spec: PodSpec) => CheckResult;

export interface VersionedCheck {
  /** The first policy version this implementation applies to (never `latest`). */
  minimumVersion: Version;
  checkPod: CheckPodFn;
  /** Baseline check IDs this restricted implementation replaces, from its own minimum version on. */
  overrideCheckIds?: string[];
}

export interface Check {
  id: string;
  /** `baseline` checks also run under restricted (unless overridden); `restricted` checks only there. */
  level: Exclude<Level, "privileged">;
  /** Strictly increasing minimum versions. */
  versions: VersionedCheck[];
}

export const ALLOWED: CheckResult = { allowed: true };

export function forbidden(reason: string, detail: string): CheckResult {
  return { allowed: false, forbiddenReason: reason, forbiddenDetail: detail };
}

/** UnknownForbiddenReason: what a check that disallows without a reason is reported as. */
export const UNKNOWN_FORBIDDEN_REASON = "unknown forbidden reason";

export interface ForbiddenReason {
  reason: string;
  detail: string;
}

export interface AggregateCheckResult {
  allowed: boolean;
  /** One per failed check, in registry order. */
  reasons: ForbiddenReason[];
}

/** AggregateCheckResults. */
export function aggregateCheckResults(results: readonly CheckResult[]): AggregateCheckResult {
  const reasons: ForbiddenReason[] = [];
  for (const result of results) {
    if (result.allowed) continue;
    reasons.push({
      reason: result.forbiddenReason || UNKNOWN_FORBIDDEN_REASON,
      detail: result.forbiddenDetail ?? "",
    });
  }
  return { allowed: reasons.length === 0, reasons };
}

/** AggregateCheckResult.ForbiddenReason: `host namespaces, privileged`. */
export function joinForbiddenReasons(reasons: readonly ForbiddenReason[]): string {
  return reasons.map((r) => r.reason).join(", ");
}

/** AggregateCheckResult.ForbiddenDetail: `host namespaces (hostNetwork=true), privileged (container "x" …)`. */
export function joinForbiddenDetails(reasons: readonly ForbiddenReason[]): string {
  return reasons.map((r) => (r.detail ? `${r.reason} (${r.detail})` : r.reason)).join(", ");
}
