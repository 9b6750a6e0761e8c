/**
 * The verify report: per tenant, who was acted as and what each attempt met. Pure: built from the
 * targets, the plans and the answers the CLI received; rendered as a kubectl-style table or JSON.
 */
import { renderTable } from "../report/table.js";
import { formatSubject } from "../tenancy/config.js";
import type { Attempt, AttemptRequest, Planned } from "./attempt.js";
import { ATTEMPTS } from "./attempts/index.js";
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

/** Every attempt of the registry, planned for one tenant. */
export function planAttempts(
  target: VerifyTarget,
  attempts: readonly Attempt[] = ATTEMPTS,
): PlannedAttempt[] {
  return attempts.map((attempt) => ({ attempt, planned: attempt.plan(target) }));
}

/** One attempt's line of the report, from its plan and (when it was sent) the server's answer. */
export function attemptResult(
  planned: PlannedAttempt,
  answer?: { status: number; body: unknown },
): AttemptResult {
  const { attempt } = planned;
  const base = { id: attempt.id, summary: attempt.summary };
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

const MECHANISM_LABELS: Record<Mechanism, string> = {
  rbac: "RBAC",
  "pod-security": "PodSecurity",
  "pod-security-policy": "PodSecurityPolicy",
  quota: "ResourceQuota",
  webhook: "webhook",
  "webhook-failure": "webhook",
  "admission-policy": "ValidatingAdmissionPolicy",
  "api-server": "API server",
  other: "other",
};

/** `RBAC`, `ResourceQuota`, `webhook validate.kubefence.io`… as the table's BY column says it. */
export function blockedByLabel(result: AttemptResult): string {
  if (!result.blockedBy) return "-";
  const label = MECHANISM_LABELS[result.blockedBy];
  const named = result.name ? `${label} ${result.name}` : label;
  return result.blockedBy === "webhook-failure" ? `${named} (unreachable, failed closed)` : named;
}

const RESULT_LABELS: Record<Verdict, string> = {
  blocked: "blocked",
  accepted: "ACCEPTED",
  "not-applicable": "n/a",
};

export function renderVerifyTable(report: VerifyReport): string {
  const rows: string[][] = [];
  for (const tenant of report.tenants)
    for (const attempt of tenant.attempts)
      rows.push([
        tenant.tenant,
        tenant.actingAs.subject,
        attempt.id,
        RESULT_LABELS[attempt.verdict],
        blockedByLabel(attempt),
        oneLine(attempt.message),
      ]);
  for (const tenant of report.notVerifiable)
    rows.push([tenant.tenant, "-", "-", "not verifiable", "-", tenant.reason]);
  const table = renderTable(["TENANT", "AS", "ATTEMPT", "RESULT", "BY", "MESSAGE"], rows);
  return `${table}\n${summaryLine(report)}\n`;
}

export function summaryLine(report: VerifyReport): string {
  const s = report.summary;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const parts = [`${s.blocked} blocked`, `${s.accepted} ACCEPTED`];
  if (s.notApplicable > 0) parts.push(`${s.notApplicable} n/a`);
  const unverifiable = s.notVerifiable > 0 ? `; ${plural(s.notVerifiable, "tenant")} not verifiable` : "";
  const verdict = report.isolated
    ? "isolation holds: every attempt was blocked"
    : `isolation is breakable: ${[
        s.accepted > 0 ? `${plural(s.accepted, "attempt")} accepted` : "",
        s.notApplicable > 0 ? `${plural(s.notApplicable, "protection")} missing` : "",
      ]
        .filter(Boolean)
        .join(", ")}`;
  const failedClosed = report.tenants
    .flatMap((t) => t.attempts)
    .filter((a) => a.blockedBy === "webhook-failure").length;
  const caveat =
    failedClosed > 0
      ? ` (${failedClosed} blocked only because a webhook could not be called: check that it is running)`
      : "";
  return `${plural(s.tenants, "tenant")}, ${plural(s.attempts, "attempt")}: ${parts.join(", ")}${unverifiable}. ${verdict}${caveat}`;
}

/** Messages may span lines (RBAC escalation lists the missing rules); a table cell cannot. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
