/** The tenant isolation matrix: for every ordered pair of tenants and every plane, isolated or breach, with evidence. */
import type { Plane } from "../model/finding.js";

export type Verdict = "isolated" | "breach";

/** Identities that belong to no tenant and administer nothing (like bob, bound only by a ClusterRoleBinding). */
export const NO_TENANT = "(no tenant)";

export const PLANES: readonly Plane[] = ["api", "network", "node"];

/** A breach recorded against this column reaches every tenant but the row's own (a cluster-wide grant). */
export const ALL_TENANTS = "*";

export interface MatrixCell {
  from: string;
  to: string;
  plane: Plane;
  verdict: Verdict;
  /** The shortest evidence chain, one link per entry; empty when isolated. */
  evidence: string[];
}

/** One plane's breaches between tenants: `from → to → evidence`. Only breaches are listed. */
export type PlaneBreaches = Map<string, Map<string, string[]>>;

export function addBreach(breaches: PlaneBreaches, from: string, to: string, evidence: string[]): void {
  if (from === to) return;
  const row = breaches.get(from) ?? new Map<string, string[]>();
  breaches.set(from, row);
  const previous = row.get(to);
  // Keep the shortest chain: it is the easiest to read and to fix first.
  if (!previous || evidence.length < previous.length) row.set(to, evidence);
}

/** Every ordered pair (rows × columns, self excluded) on every plane, in a stable order. */
export function buildMatrix(
  rows: string[],
  columns: string[],
  planes: Record<Plane, PlaneBreaches>,
): MatrixCell[] {
  const cells: MatrixCell[] = [];
  for (const from of rows)
    for (const to of columns) {
      if (from === to) continue;
      for (const plane of PLANES) {
        const row = planes[plane].get(from);
        const evidence = shorter(row?.get(to), row?.get(ALL_TENANTS));
        cells.push({ from, to, plane, verdict: evidence ? "breach" : "isolated", evidence: evidence ?? [] });
      }
    }
  return cells;
}

function shorter(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.length < a.length ? b : a;
}
