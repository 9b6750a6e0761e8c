/**
 * The tenant isolation matrix: for every ordered pair (row, column) and every plane, isolated or breach,
 * with evidence. Stored sparsely: only breaches, and a breach that reaches every column (a cluster-wide
 * grant) or comes from every row (a pod no policy isolates) is stored once under ALL_TENANTS, so 5 000
 * tenants never cost 25 million cells.
 */
import type { Plane } from "../model/finding.js";

export type Verdict = "isolated" | "breach";

/** Identities that belong to no tenant and administer nothing (like bob, bound only by a ClusterRoleBinding). */
export const NO_TENANT = "(no tenant)";

export const PLANES: readonly Plane[] = ["api", "network", "node"];

/**
 * As `to`: every column but the row's own tenant. As `from`: every tenant row but the column's own (never the
 * NO_TENANT row: identities without a tenant own no pods, so what every tenant's pods reach is not theirs).
 */
export const ALL_TENANTS = "*";

export interface MatrixCell {
  /** A tenant, NO_TENANT, or ALL_TENANTS (only in the "breaches" form). */
  from: string;
  /** A tenant, or ALL_TENANTS (only in the "breaches" form). */
  to: string;
  plane: Plane;
  verdict: Verdict;
  /** The shortest evidence chain, one link per entry; empty when isolated. */
  evidence: string[];
  /** Set when the verdict may be wrong: what was not modelled (`2 Cilium policies are not modelled`). */
  incomplete?: string;
  /**
   * Only in the written "breaches" form, with a "*" end: the tenants that end leaves out (as `from`: rows that do
   * not reach `to`; as `to`: columns `from` does not reach). A column reached by nearly every row is one entry.
   */
  except?: string[];
}

/**
 * An evidence chain worked out only when someone reads it: explaining a connection costs far more than
 * finding it, and a matrix of thousands of tenants is mostly counted, not read.
 */
export class LazyEvidence {
  private made?: string[];
  constructor(
    /** How many links the chain will have (to keep the shortest without making it). */
    readonly links: number,
    private readonly make: () => string[],
  ) {}
  get chain(): string[] {
    this.made ??= this.make();
    return this.made;
  }
}

export type Evidence = string[] | LazyEvidence;

function links(evidence: Evidence): number {
  return evidence instanceof LazyEvidence ? evidence.links : evidence.length;
}

export function evidenceChain(evidence: Evidence): string[] {
  return evidence instanceof LazyEvidence ? evidence.chain : evidence;
}

/** One plane's breaches, however a plane stores them. */
export interface PlaneBreaches {
  /** The shortest evidence of a breach from a matrix row to a column (exact names), if any. */
  find(from: string, to: string): Evidence | undefined;
  /** Every breach as stored; either end may be ALL_TENANTS. */
  stored(): Iterable<[from: string, to: string, evidence: Evidence]>;
  /**
   * The same breaches in fewer entries, for `-o json|yaml` (`stored()` when absent): an entry with an ALL_TENANTS
   * end may leave tenants out (`except`), so a column nearly every row reaches is written once.
   */
  compact?(): Iterable<[from: string, to: string, evidence: Evidence, except?: string[]]>;
  /** How many `stored()` yields, without making them. */
  storedCount(): number;
  /**
   * Who reaches each column, as `stored()` lists them (a plane of millions of breaches answers without listing
   * them): per column, how many entries end there and the first `limit` of their rows, in `stored()`'s order; and
   * the rows of the entries that end at ALL_TENANTS.
   */
  whoReaches?(limit: number): WhoReaches;
  /** Whether some breach starts at this row. */
  hasRow(row: string): boolean;
  /** Exact counts over these rows and columns, without materializing the cells. */
  count(rows: string[], columns: string[]): PlaneCounts;
  /** Why the plane's verdicts are incomplete, if they are (the cells `incomplete` marks). */
  readonly incompleteNote?: string;
  /** For a cell (either end possibly ALL_TENANTS): why its verdict may be wrong, if it may. */
  incomplete?(from: string, to: string): string | undefined;
  /** The tenants every cell of whose row and column is incomplete (the others' cells between them are not). */
  incompleteTenants?(): string[];
}

export interface WhoReaches {
  byColumn: Map<string, { first: string[]; count: number }>;
  toEveryone: string[];
}

export interface PlaneCounts {
  /** Cells (ordered pairs, self excluded). */
  cells: number;
  /** Cells with a breach. */
  breaches: number;
  /** Columns reached from at least one other row. */
  tenantsAffected: number;
}

/** Breaches kept sparsely, `from → to → evidence`, either end possibly ALL_TENANTS: the API and node planes. */
export class BreachMap implements PlaneBreaches {
  private readonly byRow = new Map<string, Map<string, Evidence>>();

  add(from: string, to: string, evidence: Evidence): void {
    if (from === to && from !== ALL_TENANTS) return;
    let row = this.byRow.get(from);
    if (!row) {
      row = new Map<string, Evidence>();
      this.byRow.set(from, row);
    }
    const previous = row.get(to);
    // Keep the shortest chain: it is the easiest to read and to fix first.
    if (!previous || links(evidence) < links(previous)) row.set(to, evidence);
  }

  find(from: string, to: string): Evidence | undefined {
    if (from === to) return undefined;
    const own = this.byRow.get(from);
    const everyone = from === NO_TENANT ? undefined : this.byRow.get(ALL_TENANTS);
    return shortest([own?.get(to), own?.get(ALL_TENANTS), everyone?.get(to), everyone?.get(ALL_TENANTS)]);
  }

  *stored(): Iterable<[string, string, Evidence]> {
    for (const [from, row] of this.byRow) for (const [to, evidence] of row) yield [from, to, evidence];
  }

  storedCount(): number {
    let n = 0;
    for (const row of this.byRow.values()) n += row.size;
    return n;
  }

  hasRow(row: string): boolean {
    return this.byRow.has(row);
  }

  /** O(rows + stored breaches). */
  count(rows: string[], columns: string[]): PlaneCounts {
    const columnSet = new Set(columns);
    const cells = rows.reduce((n, r) => n + columns.length - (columnSet.has(r) ? 1 : 0), 0);
    const everyone = this.byRow.get(ALL_TENANTS);
    const tenantRows = rows.filter((r) => r !== NO_TENANT);
    const everywhere = everyone?.has(ALL_TENANTS) ?? false;
    const reachedByAll = new Set(
      everywhere ? columns : [...(everyone?.keys() ?? [])].filter((c) => columnSet.has(c)),
    );
    const affected = new Set<string>();
    for (const c of reachedByAll) if (tenantRows.some((r) => r !== c)) affected.add(c);
    let count = 0;
    const rowsReachingAll: string[] = [];
    for (const r of rows) {
      const own = this.byRow.get(r);
      if (own?.has(ALL_TENANTS)) {
        rowsReachingAll.push(r);
        count += columns.length - (columnSet.has(r) ? 1 : 0);
        continue;
      }
      const fromAll = r === NO_TENANT ? new Set<string>() : reachedByAll;
      count += fromAll.size - (fromAll.has(r) ? 1 : 0);
      for (const c of own?.keys() ?? []) {
        if (c === r || !columnSet.has(c)) continue;
        affected.add(c);
        if (!fromAll.has(c)) count++;
      }
    }
    // A row reaching every column affects each but its own; two such rows affect every column.
    const only = rowsReachingAll.length === 1 ? rowsReachingAll[0] : undefined;
    if (rowsReachingAll.length > 0) for (const c of columns) if (c !== only) affected.add(c);
    return { cells, breaches: count, tenantsAffected: affected.size };
  }
}

/** The evidence of a breach from `from` to `to`, if there is one. */
export function lookup(breaches: PlaneBreaches, from: string, to: string): string[] | undefined {
  const found = breaches.find(from, to);
  return found && evidenceChain(found);
}

/** A cell whose evidence is made when read (JSON.stringify reads it, as any enumerable property). */
function cell(
  from: string,
  to: string,
  plane: Plane,
  evidence: Evidence | undefined,
  incomplete: string | undefined,
): MatrixCell {
  const verdict = evidence ? "breach" : "isolated";
  // An accessor written in the literal (an own, enumerable property JSON.stringify reads): defining one on a
  // made object takes V8's slow path, millions of times for a large cluster's -o json.
  if (evidence instanceof LazyEvidence) {
    if (incomplete)
      return {
        from,
        to,
        plane,
        verdict,
        get evidence() {
          return evidence.chain;
        },
        incomplete,
      };
    return {
      from,
      to,
      plane,
      verdict,
      get evidence() {
        return evidence.chain;
      },
    };
  }
  const out: MatrixCell = { from, to, plane, verdict, evidence: evidence ?? [] };
  if (incomplete) out.incomplete = incomplete;
  return out;
}

/** Every ordered pair (rows × columns, self excluded) on every plane, in a stable order, made one by one. */
export function* expandMatrix(
  rows: string[],
  columns: string[],
  planes: Record<Plane, PlaneBreaches>,
): Generator<MatrixCell> {
  for (const from of rows)
    for (const to of columns) {
      if (from === to) continue;
      for (const plane of PLANES)
        yield cell(from, to, plane, planes[plane].find(from, to), planes[plane].incomplete?.(from, to));
    }
}

/** Only the breaches, as stored (ends may be ALL_TENANTS), made one by one: the matrix of many tenants. */
export function* breachList(planes: Record<Plane, PlaneBreaches>): Generator<MatrixCell> {
  for (const plane of PLANES)
    for (const [from, to, evidence] of planes[plane].stored())
      yield cell(from, to, plane, evidence, planes[plane].incomplete?.(from, to));
}

/** The breaches as `-o json|yaml` write them (the "breaches" form): each plane's compact entries, made one by one. */
export function* compactBreachList(planes: Record<Plane, PlaneBreaches>): Generator<MatrixCell> {
  for (const plane of PLANES) {
    const breaches = planes[plane];
    const entries = breaches.compact?.() ?? breaches.stored();
    for (const [from, to, evidence, except] of entries) {
      const made = cell(from, to, plane, evidence, breaches.incomplete?.(from, to));
      if (!except) {
        yield made;
        continue;
      }
      // `except` last: a long list after the chain keeps the chain readable.
      yield {
        from,
        to,
        plane,
        verdict: made.verdict,
        evidence: evidenceChain(evidence),
        ...(made.incomplete ? { incomplete: made.incomplete } : {}),
        except,
      };
    }
  }
}

/**
 * The first `limit` breaches on `shown` planes, in `breachList`'s order, and how many there are: the cells
 * beyond the limit are counted, never made (a large cluster stores millions).
 */
export function firstBreaches(
  planes: Record<Plane, PlaneBreaches>,
  shown: readonly Plane[],
  limit: number,
): { cells: MatrixCell[]; total: number } {
  const cells: MatrixCell[] = [];
  let total = 0;
  for (const plane of PLANES) {
    if (!shown.includes(plane)) continue;
    const breaches = planes[plane];
    total += breaches.storedCount();
    if (cells.length >= limit) continue;
    for (const [from, to, evidence] of breaches.stored()) {
      cells.push(cell(from, to, plane, evidence, breaches.incomplete?.(from, to)));
      if (cells.length >= limit) break;
    }
  }
  return { cells, total };
}

function shortest(candidates: (Evidence | undefined)[]): Evidence | undefined {
  let best: Evidence | undefined;
  for (const c of candidates) if (c && (!best || links(c) < links(best))) best = c;
  return best;
}
