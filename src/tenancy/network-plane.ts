/**
 * The network plane of the matrix: a tenant reaches another when some pod or workload of its namespaces
 * may open a connection to one of the other's, as the NetworkPolicy engine decides it. Read from the
 * engine's namespace matrix (which audit's network findings share); only pairs into the platform are
 * walked class by class, since what every tenant may reach there (cluster DNS) is not a breach. One
 * example connection per tenant pair is found, and explained, only when its evidence is read.
 */
import { selectorOrNothing } from "../model/selector.js";
import { Bitset } from "../network/bitset.js";
import { ConnSet, PROTOCOLS } from "../network/conns.js";
import type { NetworkModel } from "../network/model.js";
import { reachEnds } from "../network/reach.js";
import type { Unit } from "../network/units.js";
import {
  ALL_TENANTS,
  type Evidence,
  LazyEvidence,
  type PlaneBreaches,
  type PlaneCounts,
  type WhoReaches,
} from "./matrix.js";
import { PLATFORM, type Tenancy } from "./tenants.js";

interface Connection {
  src: Unit;
  dst: Unit;
  conns: ConnSet;
}

export function networkPlane(model: NetworkModel, tenancy: Tenancy): PlaneBreaches {
  const columns = tenancy.tenants.map((t) => t.name);
  const columnIndex = new Map(columns.map((name, i) => [name, i]));
  const isRow = tenancy.tenants.map((t) => !t.platform);
  const n = columns.length;
  const { classes, namespaces } = model.table;
  const tenantOfNamespace = namespaces.map(
    (ns) => columnIndex.get(tenancy.tenantOf.get(ns.name) ?? "") ?? -1,
  );
  const namespacesOf: number[][] = columns.map(() => []);
  for (const ns of namespaces)
    if (tenantOfNamespace[ns.index]! >= 0) namespacesOf[tenantOfNamespace[ns.index]!]!.push(ns.index);
  const platformIndex = columnIndex.get(PLATFORM) ?? -1;
  const platformNamespaces = platformIndex < 0 ? [] : namespacesOf[platformIndex]!;

  // What every tenant may reach in the platform (cluster DNS by default) is not a breach.
  const services = tenancy.platformServices.map((svc) => ({
    namespace: svc.namespace,
    selector: selectorOrNothing(svc.podSelector),
    conns: svc.ports.reduce((set, p) => set.union(ConnSet.of(p.protocol, p.port)), ConnSet.none),
  }));
  const allowedInPlatform = (d: number) =>
    services
      .filter((svc) => classes[d]!.namespace === svc.namespace && svc.selector.matches(classes[d]!.labels))
      .reduce((set, svc) => set.union(svc.conns), ConnSet.none);
  const allowedCache = new Map<number, ConnSet>();
  const any = new Bitset(classes.length);
  const all = new Bitset(classes.length);
  /** A connection from class s into the platform beyond what every tenant may reach there. */
  const beyondPlatformServices = (s: number): Connection | undefined => {
    for (const p of platformNamespaces) {
      const to = namespaces[p]!;
      model.rows.rowInto(s, any, all, to.first, to.end);
      for (let d = any.nextSet(to.first, to.end); d >= 0; d = any.nextSet(d + 1, to.end)) {
        const conns = all.has(d) ? ConnSet.all : model.evaluator.conns(s, d);
        const allowed = allowedCache.get(d) ?? allowedInPlatform(d);
        allowedCache.set(d, allowed);
        if (!conns.isEmpty() && !conns.subsetOf(allowed))
          return { src: classes[s]!.units[0]!, dst: classes[d]!.units[0]!, conns };
      }
    }
    return undefined;
  };
  // Classes with the same connections get the same answer: judged once per key (a few thousand, not 50 000).
  const judged = new Map<string, boolean>();
  const reachesPlatform = (s: number): boolean => {
    const key = model.rows.connsKey(s);
    const known = judged.get(key);
    if (known !== undefined) return known;
    const verdict = beyondPlatformServices(s) !== undefined;
    judged.set(key, verdict);
    return verdict;
  };
  /** The first class of namespace a that reaches the platform beyond its services. */
  const intoPlatform = (a: number): number | undefined => {
    for (let s = namespaces[a]!.first; s < namespaces[a]!.end; s++) if (reachesPlatform(s)) return s;
    return undefined;
  };

  // Tenant pairs as a bit each: 5 000 tenants take 3 MB, whatever the number of reaching pairs.
  const matrix = model.namespaceMatrix();
  const reached = new Bitset(n * n);
  for (const a of namespaces) {
    const from = tenantOfNamespace[a.index]!;
    if (from < 0 || !isRow[from]) continue;
    const base = from * n;
    let intoPlatformNamespace = false;
    for (const b of matrix.connected(a.index)) {
      const to = tenantOfNamespace[b]!;
      if (to >= 0 && to !== from && to !== platformIndex) reached.set(base + to);
      if (to === platformIndex && platformIndex >= 0) intoPlatformNamespace = true;
    }
    if (
      platformIndex >= 0 &&
      !reached.has(base + platformIndex) &&
      intoPlatformNamespace &&
      intoPlatform(a.index) !== undefined
    )
      reached.set(base + platformIndex);
  }

  const example = (from: number, to: number): Connection | undefined => {
    for (const a of namespacesOf[from]!) {
      if (to === platformIndex) {
        const s = intoPlatform(a);
        if (s !== undefined) return beyondPlatformServices(s);
        continue;
      }
      for (const b of namespacesOf[to]!) {
        const status = matrix.status(a, b);
        const found = status === "full" || status === "partial" ? model.firstConnection(a, b) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  };
  const explain = (from: number, to: number): string[] => {
    const { src, dst } = example(from, to)!;
    const conns = model.unitConns(src, dst);
    const protocol = PROTOCOLS.find((p) => conns.portRanges(p).length > 0) ?? "TCP";
    const port = conns.portRanges(protocol)[0]?.[0] ?? 1;
    const verdict = reachEnds(
      model,
      { type: "unit", unit: src },
      { type: "unit", unit: dst },
      port,
      protocol,
    );
    return [
      `${src.name} can connect to ${dst.name} on ${conns.toString()}`,
      `egress: ${verdict.egress.reason}`,
      `ingress: ${verdict.ingress.reason}`,
    ];
  };

  // Cilium / Calico policies are not modelled: a pair whose namespaces they may touch is incomplete.
  const unmodelled = model.unmodelled;
  const touched = columns.map(
    (_, t) =>
      unmodelled?.clusterWide === true ||
      namespacesOf[t]!.some((ns) => unmodelled?.namespaces.has(namespaces[ns]!.name)),
  );
  const incomplete = unmodelled
    ? (from: number | undefined, to: number | undefined) =>
        from === undefined || to === undefined || touched[from] || touched[to] ? unmodelled.note : undefined
    : undefined;
  return new ReachedPairs(
    columns,
    isRow,
    reached,
    explain,
    incomplete,
    unmodelled?.note,
    columns.filter((_, t) => touched[t]),
  );
}

/**
 * The network plane's breaches, kept as found: a bit per tenant pair (never a map entry per pair: 5 000
 * tenants can have millions of reaching pairs), explained lazily.
 * A column that every other row reaches is listed once, from ALL_TENANTS; written compactly (`compact`), so is a
 * column most rows reach, with the rows that do not.
 */
class ReachedPairs implements PlaneBreaches {
  private readonly index: Map<string, number>;
  private readonly n: number;
  private readonly reachedByAll: Set<number>;
  private readonly storedTotal: number;
  /** How many rows (other than its own) reach each column. */
  private readonly reachers: Int32Array;

  constructor(
    private readonly columns: string[],
    private readonly isRow: boolean[],
    private readonly reached: Bitset,
    private readonly explain: (from: number, to: number) => string[],
    private readonly incompleteOf?: (from: number | undefined, to: number | undefined) => string | undefined,
    readonly incompleteNote?: string,
    private readonly touchedTenants: string[] = [],
  ) {
    this.n = columns.length;
    this.index = new Map(columns.map((name, i) => [name, i]));
    const rows = columns.map((_, i) => i).filter((i) => isRow[i]);
    const reachers = new Int32Array(this.n);
    for (const from of rows) this.eachReached(from, (to) => reachers[to]!++);
    this.reachers = reachers;
    this.reachedByAll = new Set<number>();
    // Every pair is stored once, but a column every other row reaches is one entry for all its rows.
    let stored = 0;
    for (let to = 0; to < this.n; to++) {
      const others = rows.length - (isRow[to] ? 1 : 0);
      if (others > 1 && reachers[to] === others) {
        this.reachedByAll.add(to);
        stored++;
      } else stored += reachers[to]!;
    }
    this.storedTotal = stored;
  }

  storedCount(): number {
    return this.storedTotal;
  }

  /** ALL_TENANTS (or an unknown name) as an end: incomplete whenever any tenant is. */
  incomplete(from: string, to: string): string | undefined {
    if (!this.incompleteOf) return undefined;
    return this.incompleteOf(this.index.get(from), this.index.get(to));
  }

  incompleteTenants(): string[] {
    return this.touchedTenants;
  }

  private reaches(from: number, to: number): boolean {
    return from !== to && this.reached.has(from * this.n + to);
  }

  /** Each column the row reaches, ascending: a walk over the row's set bits, not over every column. */
  private eachReached(from: number, visit: (to: number) => void): void {
    const base = from * this.n;
    const end = base + this.n;
    for (let i = this.reached.nextSet(base, end); i >= 0; i = this.reached.nextSet(i + 1, end))
      if (i - base !== from) visit(i - base);
  }

  private evidence(from: number, to: number): LazyEvidence {
    return new LazyEvidence(3, () => this.explain(from, to));
  }

  find(from: string, to: string): Evidence | undefined {
    const f = this.index.get(from);
    const t = this.index.get(to);
    return f !== undefined && t !== undefined && this.isRow[f] && this.reaches(f, t)
      ? this.evidence(f, t)
      : undefined;
  }

  *stored(): Iterable<[string, string, Evidence]> {
    const rows = this.columns.map((_, i) => i).filter((i) => this.isRow[i]);
    for (const to of this.reachedByAll) {
      const from = rows.find((r) => r !== to)!;
      yield [ALL_TENANTS, this.columns[to]!, this.evidence(from, to)];
    }
    for (const from of rows) {
      const reached: number[] = [];
      this.eachReached(from, (to) => {
        if (!this.reachedByAll.has(to)) reached.push(to);
      });
      for (const to of reached) yield [this.columns[from]!, this.columns[to]!, this.evidence(from, to)];
    }
  }

  /** From the counts kept: a column's first rows found by walking its bit in each row, up to `limit`. */
  whoReaches(limit: number): WhoReaches {
    const rows = this.columns.map((_, i) => i).filter((i) => this.isRow[i]);
    const byColumn = new Map<string, { first: string[]; count: number }>();
    // stored(): the columns every other row reaches first, one entry each from ALL_TENANTS; then row by row.
    for (const to of this.reachedByAll) byColumn.set(this.columns[to]!, { first: [ALL_TENANTS], count: 1 });
    for (let to = 0; to < this.n; to++) {
      const count = this.reachers[to]!;
      if (count === 0 || this.reachedByAll.has(to)) continue;
      const first: string[] = [];
      for (let k = 0; k < rows.length && first.length < limit; k++)
        if (this.reaches(rows[k]!, to)) first.push(this.columns[rows[k]!]!);
      byColumn.set(this.columns[to]!, { first, count });
    }
    return { byColumn, toEveryone: [] };
  }

  /**
   * A column reached by more rows than not is one entry from ALL_TENANTS, `except` the rows that do not reach it
   * (fewer names than the pairs it stands for); the other pairs one by one, as stored.
   */
  *compact(): Iterable<[string, string, Evidence, string[]?]> {
    const rows = this.columns.map((_, i) => i).filter((i) => this.isRow[i]);
    const byColumn = new Uint8Array(this.n);
    for (let to = 0; to < this.n; to++) {
      const others = rows.length - (this.isRow[to] ? 1 : 0);
      const reachers = this.reachers[to]!;
      if (this.reachedByAll.has(to)) {
        byColumn[to] = 1;
        yield [ALL_TENANTS, this.columns[to]!, this.evidence(rows.find((r) => r !== to)!, to)];
      } else if (others > 1 && reachers > others - reachers) {
        byColumn[to] = 1;
        const except: string[] = [];
        let example = -1;
        for (const r of rows) {
          if (r === to) continue;
          if (!this.reaches(r, to)) except.push(this.columns[r]!);
          else if (example < 0) example = r;
        }
        yield [ALL_TENANTS, this.columns[to]!, this.evidence(example, to), except];
      }
    }
    for (const from of rows) {
      const reached: number[] = [];
      this.eachReached(from, (to) => {
        if (!byColumn[to]) reached.push(to);
      });
      for (const to of reached) yield [this.columns[from]!, this.columns[to]!, this.evidence(from, to)];
    }
  }

  hasRow(row: string): boolean {
    const i = this.index.get(row);
    if (i === undefined || !this.isRow[i]) return false;
    for (let to = 0; to < this.n; to++) if (this.reaches(i, to)) return true;
    return false;
  }

  /** O(rows × columns / 32 + breaches) over a bitset. */
  count(rows: string[], columns: string[]): PlaneCounts {
    // How many times each tenant is a column (once, unless a caller repeats it), and whether it is reached.
    const times = new Int32Array(this.n);
    for (const c of columns) {
      const t = this.index.get(c);
      if (t !== undefined) times[t]!++;
    }
    const columnSet = new Set(columns);
    const affected = new Uint8Array(this.n);
    let cells = 0;
    let breaches = 0;
    for (const row of rows) {
      cells += columns.length - (columnSet.has(row) ? 1 : 0);
      const f = this.index.get(row);
      if (f === undefined || !this.isRow[f]) continue;
      this.eachReached(f, (to) => {
        if (times[to] === 0) return;
        breaches += times[to]!;
        affected[to] = 1;
      });
    }
    let tenantsAffected = 0;
    for (let t = 0; t < this.n; t++) if (affected[t]) tenantsAffected += times[t]!;
    return { cells, breaches, tenantsAffected };
  }
}
