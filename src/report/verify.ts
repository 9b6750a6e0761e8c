/** `kubefence verify` as a kubectl-style table, with the summary line under it. */
import type { Mechanism } from "../verify/classify.js";
import type { AttemptResult, Verdict, VerifyReport } from "../verify/report.js";
import { renderTable } from "./table.js";

const MECHANISM_LABELS: Record<Mechanism, string> = {
  rbac: "RBAC",
  "pod-security": "PodSecurity",
  "pod-security-policy": "PodSecurityPolicy",
  quota: "ResourceQuota",
  webhook: "webhook",
  "webhook-failure": "webhook",
  "admission-policy": "ValidatingAdmissionPolicy",
  "api-server": "API server",
  "cluster-network-policy": "cluster-scoped policy",
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
        oneLine(attempt.contradiction ? `${attempt.message}; ${attempt.contradiction}` : attempt.message),
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
  const caveat = [
    failedClosed > 0
      ? ` (${failedClosed} blocked only because a webhook could not be called: check that it is running)`
      : "",
    s.contradictions > 0
      ? `; ${plural(s.contradictions, "attempt")} accepted although the audit credits kubefence enforcement with refusing ${s.contradictions === 1 ? "it" : "them"}`
      : "",
  ].join("");
  return `${plural(s.tenants, "tenant")}, ${plural(s.attempts, "attempt")}: ${parts.join(", ")}${unverifiable}. ${verdict}${caveat}`;
}

/** Messages may span lines (RBAC escalation lists the missing rules); a table cell cannot. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
