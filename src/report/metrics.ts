/**
 * The audit as Prometheus metrics (text exposition format 0.0.4): what `audit -o prometheus` writes for a
 * textfile collector, and what the controller's `/metrics` serves from its current report. Bounded by
 * default: series per plane, per finding id × severity × acceptance status, per acceptance status; the series
 * per breaching tenant pair (which grow with tenants²) only when asked for.
 */
import { SEVERITIES } from "../model/finding.js";
import type { AuditReport } from "../tenancy/audit.js";
import { PLANES } from "../tenancy/matrix.js";
import { Gauge } from "../webhook/metrics.js";

export interface MetricsOptions {
  /** One `kubefence_tenant_pair_breach` series per breaching ordered pair and plane (opt-in: cardinality). */
  pairs?: boolean;
  /** When the report's input was last read in full (a one-shot audit: when it ran). */
  lastFullSync?: Date;
  /** The time the metrics are written at, for the age of the last full sync. */
  now?: Date;
}

type Series = { labels: Record<string, string>; value: number }[];

export function renderAuditMetrics(report: AuditReport, options: MetricsOptions = {}): string {
  const planes = report.summary.planes;
  const findings = new Map<string, { labels: Record<string, string>; value: number }>();
  for (const f of report.findings) {
    const status = f.acceptance?.status ?? "open";
    const key = `${f.id}\u0000${f.severity}\u0000${status}`;
    const entry = findings.get(key);
    if (entry) entry.value++;
    else findings.set(key, { labels: { id: f.id, severity: f.severity, acceptance: status }, value: 1 });
  }
  const acceptances = new Map<string, number>();
  for (const a of report.acceptances) acceptances.set(a.status, (acceptances.get(a.status) ?? 0) + 1);
  const gauges = [
    new Gauge("kubefence_breaches", "Ordered tenant pairs in breach, by plane.", () =>
      PLANES.map((plane) => ({ labels: { plane }, value: planes[plane].breaches })),
    ),
    new Gauge(
      "kubefence_tenants_affected",
      "Tenants reached by another tenant (or an identity of no tenant), by plane.",
      () => PLANES.map((plane) => ({ labels: { plane }, value: planes[plane].tenantsAffected })),
    ),
    new Gauge(
      "kubefence_plane_judged",
      "1 when the plane was judged on everything it depends on; 0 when some kind could not be read or there was nothing to judge.",
      () => PLANES.map((plane) => ({ labels: { plane }, value: planes[plane].score === null ? 0 : 1 })),
    ),
    new Gauge("kubefence_findings_by_severity", "Findings by severity, accepted ones included.", () =>
      SEVERITIES.map((severity) => ({ labels: { severity }, value: report.summary.findings[severity] })),
    ),
    new Gauge(
      "kubefence_findings",
      'Findings by id, severity and acceptance (open, accepted, expired): alert on acceptance!="accepted".',
      () => [...findings.values()].sort((a, b) => compareLabels(a.labels, b.labels)),
    ),
    new Gauge("kubefence_acceptances", "Accepted risks by status (accepted, expired, unused, invalid).", () =>
      ["accepted", "expired", "unused", "invalid"].map((status) => ({
        labels: { status },
        value: acceptances.get(status) ?? 0,
      })),
    ),
    new Gauge("kubefence_tenants", "Tenants, the platform included.", () => [
      { labels: {}, value: report.tenants.length },
    ]),
  ];
  if (options.lastFullSync) {
    const synced = options.lastFullSync;
    gauges.push(
      new Gauge("kubefence_last_full_sync_timestamp_seconds", "When the input was last read in full.", () => [
        { labels: {}, value: synced.getTime() / 1000 },
      ]),
    );
    if (options.now) {
      const age = Math.max(0, (options.now.getTime() - synced.getTime()) / 1000);
      gauges.push(
        new Gauge(
          "kubefence_seconds_since_last_full_sync",
          "Seconds since the input was last read in full.",
          () => [{ labels: {}, value: age }],
        ),
      );
    }
  }
  if (options.pairs)
    gauges.push(
      new Gauge(
        "kubefence_tenant_pair_breach",
        'An ordered tenant pair in breach on a plane (1). In the report\'s "breaches" form an end may be "*": every tenant.',
        (): Series => {
          const out: Series = [];
          for (const c of report.matrix.cells())
            if (c.verdict === "breach")
              out.push({ labels: { from: c.from, to: c.to, plane: c.plane }, value: 1 });
          return out;
        },
      ),
    );
  return `${gauges.map((g) => g.render()).join("\n")}\n`;
}

function compareLabels(a: Record<string, string>, b: Record<string, string>): number {
  const text = (l: Record<string, string>) => Object.values(l).join("\u0000");
  return text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0;
}
