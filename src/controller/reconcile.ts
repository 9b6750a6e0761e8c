/**
 * What to write so that the cluster holds exactly the desired reports: create the missing, update those whose
 * content differs, delete ours that are no longer wanted (a namespace that left its tenant, a part no longer
 * needed). Pure; "ours" is what carries MANAGED_BY_LABEL, and a report is compared on what kubefence sets
 * (labels, scope, summary, results), key order aside, so an unchanged report is never written.
 */
import { MANAGED_BY, MANAGED_BY_LABEL, type PolicyReportObject } from "./policy-reports.js";

export interface ExistingReport {
  kind: "PolicyReport" | "ClusterPolicyReport";
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
  scope?: unknown;
  summary?: unknown;
  results?: unknown;
}

export type ReportAction =
  | { type: "create"; report: PolicyReportObject }
  | { type: "update"; report: PolicyReportObject; resourceVersion: string }
  | { type: "delete"; kind: ExistingReport["kind"]; name: string; namespace?: string };

export function reportKey(r: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${r.kind}\u0000${r.metadata.namespace ?? ""}\u0000${r.metadata.name}`;
}

export function reconcileReports(
  desired: readonly PolicyReportObject[],
  existing: readonly ExistingReport[],
): ReportAction[] {
  const current = new Map(existing.map((r) => [reportKey(r), r]));
  const wanted = new Set<string>();
  const actions: ReportAction[] = [];
  for (const report of desired) {
    const key = reportKey(report);
    wanted.add(key);
    const have = current.get(key);
    if (!have) actions.push({ type: "create", report });
    else if (!sameContent(report, have))
      actions.push({ type: "update", report, resourceVersion: have.metadata.resourceVersion ?? "" });
  }
  for (const [key, have] of current)
    if (!wanted.has(key) && have.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY)
      actions.push({
        type: "delete",
        kind: have.kind,
        name: have.metadata.name,
        ...(have.metadata.namespace !== undefined ? { namespace: have.metadata.namespace } : {}),
      });
  return actions;
}

function sameContent(want: PolicyReportObject, have: ExistingReport): boolean {
  const labels = have.metadata.labels ?? {};
  for (const [k, v] of Object.entries(want.metadata.labels))
    if (!Object.hasOwn(labels, k) || labels[k] !== v) return false;
  // The very objects kubefence made last (policyReports' cache keeps a report that did not change): equal.
  if (want.scope === have.scope && want.summary === have.summary && want.results === have.results)
    return true;
  // As written (what kubefence wrote last has its key order): fast; else key order aside.
  const same = (a: unknown, b: unknown) =>
    JSON.stringify(a) === JSON.stringify(b) || canonical(a) === canonical(b);
  return (
    same(want.scope, have.scope) && same(want.summary, have.summary) && same(want.results, have.results ?? [])
  );
}

/** JSON with object keys sorted (the API server does not keep a custom resource's key order). */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted = new Map(Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return Object.fromEntries(sorted);
  });
}
