/**
 * The verify report: per tenant, who was acted as and what each attempt met. Pure: built from the
 * targets, the plans and the answers the CLI received; rendered by src/report/verify.ts or as JSON.
 */
import { formatSubject } from "../model/format.js";
import type { Attempt, AttemptRequest, Planned } from "./attempt.js";
import { ATTEMPTS, CLUSTER_POLICY_ATTEMPTS } from "./attempts/index.js";
import { type Classification, classifyAnswer, type Mechanism } from "./classify.js";
import { type Impersonation, impersonationOf } from "./identity.js";
import type { Unverifiable, VerifyTarget } from "./target.js";

export type Verdict = "blocked" | "accepted" | "not-applicable";

export interface AttemptResult {
  id: string;
  summary: string;
  verdict: Verdict;
  blockedBy?: Mechanism;
  /** The webhook or ValidatingAdmissionPolicy that blocked it. */
  name?: string;
  /** The request sent (absent when not applicable). */
  request?: { method: string; path: string };
  /** HTTP status of the answer. */
  status?: number;
  /** The server's message when blocked; what it would have done when accepted; why not applicable. */
  message: string;
  /**
   * The kubefence enforcement the audit credits with refusing this attempt in this namespace (a webhook or a
   * ValidatingAdmissionPolicy, src/tenancy/enforcement.ts): the audit calls the breach closed because of it.
   */
  credited?: string;
  /** Set when the server accepted what the audit credits `credited` with refusing: the audit's credit is wrong here. */
  contradiction?: string;
}

export interface TenantVerification {
  tenant: string;
  namespace: string;
  /** The owner acted as (`User:alice`), and the impersonation headers that did it. */
  actingAs: { subject: string } & Impersonation;
  attempts: AttemptResult[];
}

export interface VerifySummary {
  tenants: number;
  notVerifiable: number;
  attempts: number;
  blocked: number;
  accepted: number;
  notApplicable: number;
  /** Attempts accepted although the audit credits kubefence enforcement with refusing them. */
  contradictions: number;
}

export interface VerifyReport {
  apiVersion: "kubefence.io/v1alpha1";
  kind: "VerifyReport";
  cluster: { server: string; context: string };
  tenants: TenantVerification[];
  notVerifiable: Unverifiable[];
  summary: VerifySummary;
  /** True when every attempt was blocked: no accepted attempt and no not-applicable one. */
  isolated: boolean;
}

export interface PlannedAttempt {
  attempt: Attempt;
  planned: Planned;
}

/**
 * Every attempt of the registry planned for one tenant (those about cluster-scoped network policies where
 * the cluster serves them), but those that are not about how it is isolated.
 */
export function planAttempts(
  target: VerifyTarget,
  attempts: readonly Attempt[] = target.clusterPolicies
    ? [...ATTEMPTS, ...CLUSTER_POLICY_ATTEMPTS]
    : ATTEMPTS,
): PlannedAttempt[] {
  return attempts.flatMap((attempt) => {
    const planned = attempt.plan(target);
    return "skip" in planned ? [] : [{ attempt, planned }];
  });
}

/** One attempt's line of the report, from its plan and (when it was sent) the server's answer. */
export function attemptResult(
  planned: PlannedAttempt,
  answer?: { status: number; body: unknown },
  credited?: string,
): AttemptResult {
  const { attempt } = planned;
  const base = { id: attempt.id, summary: attempt.summary, ...(credited ? { credited } : {}) };
  if ("notApplicable" in planned.planned)
    return { ...base, verdict: "not-applicable", message: planned.planned.notApplicable };
  const request: AttemptRequest = planned.planned.request;
  if (!answer) throw new Error(`attempt ${attempt.id} was planned but has no answer`);
  const classified: Classification = classifyAnswer(request, answer);
  return {
    ...base,
    verdict: classified.verdict,
    ...(classified.verdict === "blocked"
      ? { blockedBy: classified.blockedBy, ...(classified.name ? { name: classified.name } : {}) }
      : {}),
    request: { method: request.method, path: request.path },
    status: classified.status,
    message: classified.message,
    ...(classified.verdict === "accepted" && credited
      ? {
          contradiction: `the audit credits ${credited} with refusing this, but the server accepted it: check the webhook's settings and that its tenants file is the one audited`,
        }
      : {}),
  };
}

export function tenantVerification(target: VerifyTarget, attempts: AttemptResult[]): TenantVerification {
  return {
    tenant: target.tenant,
    namespace: target.namespace,
    actingAs: { subject: formatSubject(target.actAs), ...impersonationOf(target.actAs, target.tenant) },
    attempts,
  };
}

export function verifyReport(
  cluster: { server: string; context: string },
  tenants: TenantVerification[],
  notVerifiable: Unverifiable[],
): VerifyReport {
  const all = tenants.flatMap((t) => t.attempts);
  const count = (verdict: Verdict) => all.filter((a) => a.verdict === verdict).length;
  const summary: VerifySummary = {
    tenants: tenants.length,
    notVerifiable: notVerifiable.length,
    attempts: all.length,
    blocked: count("blocked"),
    accepted: count("accepted"),
    notApplicable: count("not-applicable"),
    contradictions: all.filter((a) => a.contradiction).length,
  };
  return {
    apiVersion: "kubefence.io/v1alpha1",
    kind: "VerifyReport",
    cluster,
    tenants,
    notVerifiable,
    summary,
    isolated: summary.accepted === 0 && summary.notApplicable === 0,
  };
}
