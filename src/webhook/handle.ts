/**
 * One review, as a pure function: the body the API server posted, the current cluster view and the
 * guardrails in; the HTTP answer, what to count and what to log out. The HTTPS shell (server.ts) only reads
 * bodies, applies the load caps (load.ts), times the review, and writes what this returns.
 */
import type { AdmissionContext } from "./context.js";
import { admissionResponse, type Decision, decide } from "./decide.js";
import type { Guardrail } from "./guardrail.js";
import type { LogEntry } from "./log-sampler.js";
import { type AdmissionRequest, parseAdmissionReview, reviewResponse } from "./review.js";

export type ReviewResult =
  | {
      type: "answered";
      request: AdmissionRequest;
      decision: Decision;
      /** The AdmissionReview response, as JSON. */
      body: string;
      /** The review's log line (the shell adds its duration); `always` for a denial, warning or audit note. */
      log: LogEntry;
      always: boolean;
    }
  | {
      type: "failed";
      /** HTTP status, with the Status reason and message. */
      code: number;
      reason: string;
      message: string;
      log: LogEntry;
      /** Sampled (routine under load: malformed bodies, an unsynced cache) or logged directly (an internal error). */
      sampled: boolean;
    };

export function handleReview(
  body: string,
  context: AdmissionContext | undefined,
  guardrails: readonly Guardrail[],
): ReviewResult {
  const failed = (
    code: number,
    reason: string,
    message: string,
    log: LogEntry,
    sampled = true,
  ): ReviewResult => ({
    type: "failed",
    code,
    reason,
    message,
    log,
    sampled,
  });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    const reason = `body is not JSON: ${describe(error)}`;
    return failed(400, "BadRequest", reason, { level: "warn", msg: "malformed review", reason });
  }
  const parsed = parseAdmissionReview(json);
  if (!parsed.ok)
    return failed(400, "BadRequest", `malformed AdmissionReview: ${parsed.reason}`, {
      level: "warn",
      msg: "malformed review",
      reason: parsed.reason,
    });
  const request = parsed.request;
  if (!context)
    return failed(503, "ServiceUnavailable", "kubefence webhook: cluster cache not synced yet", {
      level: "warn",
      msg: "review refused: cache not synced",
      uid: request.uid,
    });
  let decision: Decision;
  try {
    decision = decide(request, context, guardrails);
  } catch (error) {
    return failed(
      500,
      "InternalError",
      `kubefence webhook: internal error reviewing ${request.uid}`,
      { level: "error", msg: "review failed", uid: request.uid, error: describe(error) },
      false,
    );
  }
  const violations = decision.outcomes
    .filter((o) => !o.allowed)
    .map((o) => ({ guardrail: o.id, mode: o.mode, message: o.message }));
  return {
    type: "answered",
    request,
    decision,
    body: JSON.stringify(reviewResponse(admissionResponse(request.uid, decision))),
    log: {
      level: "info",
      msg: "review",
      uid: request.uid,
      kind: request.kind.kind,
      operation: request.operation,
      namespace: request.namespace,
      name: request.name,
      user: request.userInfo.username,
      dryRun: request.dryRun || undefined,
      tenant: decision.tenant,
      allowed: decision.allowed,
      skipped: decision.skipped,
      violations,
    },
    // A denial, a warning or an audit note is always logged; a clean allow only as the budget allows.
    always: violations.length > 0 || !decision.allowed,
  };
}

/** A Kubernetes `Status` failure body, as the API server's own errors read. */
export function statusFailure(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): string {
  return JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
