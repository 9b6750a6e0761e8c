/**
 * `kubefence audit`: tenants, the three planes' breaches between them, and every engine's findings,
 * joined into one report. Pure: a snapshot and options in, a report out; renderers format it.
 */
import type { Finding, Plane, Severity } from "../model/finding.js";
import { SEVERITIES, severityRank } from "../model/finding.js";
import type { SubjectRef } from "./config.js";
import { buildMatrix, type MatrixCell, NO_TENANT, PLANES, type PlaneBreaches } from "./matrix.js";
import type { Tenancy } from "./tenants.js";

export const AUDIT_API_VERSION = "kubefence.io/v1alpha1";

export interface PlaneSummary {
  /** Ordered tenant pairs with a breach on this plane. */
  breaches: number;
  /** Tenants reached by at least one other tenant (or by an identity of no tenant). */
  tenantsAffected: number;
  /** Percentage of ordered pairs isolated on this plane: 100 is fully isolated. */
  score: number;
}

export interface AuditReport {
  apiVersion: typeof AUDIT_API_VERSION;
  kind: "AuditReport";
  tenants: { name: string; namespaces: string[]; platform: boolean; owners: SubjectRef[] }[];
  summary: { planes: Record<Plane, PlaneSummary>; findings: Record<Severity, number> };
  matrix: MatrixCell[];
  findings: Finding[];
}

export interface PlaneResults {
  planes: Record<Plane, PlaneBreaches>;
  findings: Finding[];
  /** Whether some identity of no tenant reaches a tenant: then the matrix gets a `(no tenant)` row. */
  hasUnassigned: boolean;
}

export function assembleReport(tenancy: Tenancy, results: PlaneResults): AuditReport {
  const names = tenancy.tenants.map((t) => t.name);
  const rows = results.hasUnassigned ? [...names, NO_TENANT] : names;
  const matrix = buildMatrix(rows, names, results.planes);
  const planes = {} as Record<Plane, PlaneSummary>;
  for (const plane of PLANES) {
    const cells = matrix.filter((c) => c.plane === plane);
    const breaches = cells.filter((c) => c.verdict === "breach");
    const isolatedPairs = cells.filter((c) => c.from !== NO_TENANT && c.verdict === "isolated").length;
    const tenantPairs = cells.filter((c) => c.from !== NO_TENANT).length;
    planes[plane] = {
      breaches: breaches.length,
      tenantsAffected: new Set(breaches.map((c) => c.to)).size,
      score: tenantPairs === 0 ? 100 : Math.round((100 * isolatedPairs) / tenantPairs),
    };
  }
  const findings = [...results.findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.plane.localeCompare(b.plane) || a.id.localeCompare(b.id),
  );
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<
    Severity,
    number
  >;
  return {
    apiVersion: AUDIT_API_VERSION,
    kind: "AuditReport",
    tenants: tenancy.tenants.map((t) => ({ name: t.name, namespaces: t.namespaces, platform: t.platform, owners: t.owners })),
    summary: { planes, findings: counts },
    matrix,
    findings,
  };
}

