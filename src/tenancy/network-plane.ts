/**
 * The network plane of the matrix: a tenant reaches another when some pod or workload of its namespaces
 * may open a connection to one of the other's, as the NetworkPolicy engine decides it. Walks the engine's
 * equivalence classes (not pods), keeps one representative connection per tenant pair for the evidence,
 * and stores a column reached by every row (or a row reaching every column) once, under ALL_TENANTS.
 */
import { selectorOrNothing } from "../model/selector.js";
import { Bitset } from "../network/bitset.js";
import { ConnSet, PROTOCOLS } from "../network/conns.js";
import type { NetworkModel } from "../network/model.js";
import { reachEnds } from "../network/reach.js";
import { ALL_TENANTS, type Evidence, LazyEvidence, type PlaneBreaches, type PlaneCounts } from "./matrix.js";
import { PLATFORM, type Tenancy } from "./tenants.js";

export function networkPlane(model: NetworkModel, tenancy: Tenancy): PlaneBreaches {
  const columns = tenancy.tenants.map((t) => t.name);
  const columnIndex = new Map(columns.map((name, i) => [name, i]));
  const isRow = tenancy.tenants.map((t) => !t.platform);
  const n = columns.length;
  const classes = model.table.classes;
  const tenantOfClass = classes.map((c) =>
    c.kind === "external" || !c.namespace
      ? -1
      : (columnIndex.get(tenancy.tenantOf.get(c.namespace) ?? "") ?? -1),
  );

  // What every tenant may reach in the platform (cluster DNS by default) is not a breach.
  const platformIndex = columnIndex.get(PLATFORM) ?? -1;
  const services = tenancy.platformServices.map((svc) => ({
    namespace: svc.namespace,
    selector: selectorOrNothing(svc.podSelector),
    conns: svc.ports.reduce((set, p) => set.union(ConnSet.of(p.protocol, p.port)), ConnSet.none),
  }));
  const allowedInPlatform = classes.map((c) =>
    services
      .filter((svc) => c.namespace === svc.namespace && svc.selector.matches(c.labels))
      .reduce((set, svc) => set.union(svc.conns), ConnSet.none),
  );

  // The first class pair seen for each tenant pair (-1: none); typed arrays keep 5 000 tenants in 200 MB.
  // Walks each source class's candidate bitset and asks the evaluator for exact connections only until a
  // tenant pair is known to be reached: the cost is the candidate bits plus one query per reached pair.
  const representativeSrc = new Int32Array(n * n).fill(-1);
  const representativeDst = new Int32Array(n * n);
  const record = (s: number, d: number, from: number, to: number) => {
    const pair = from * n + to;
    representativeSrc[pair] = s;
    representativeDst[pair] = d;
  };
  const podClassesOnNode = new Map<string, number[]>();
  for (const c of classes)
    if (c.kind === "pod")
      for (const node of new Set(c.units.map((u) => u.node).filter((x) => x !== undefined)))
        podClassesOnNode.set(node, [...(podClassesOnNode.get(node) ?? []), c.index]);
  const any = new Bitset(classes.length);
  const all = new Bitset(classes.length);
  for (let s = 0; s < model.table.externalStart; s++) {
    const from = tenantOfClass[s]!;
    if (from < 0 || !isRow[from]) continue;
    const source = classes[s]!;
    // Traffic from a pod's own node is always allowed: a hostNetwork pod reaches every pod on its node.
    if (source.kind === "host" && source.node && model.options.nodeLocalAllowed)
      for (const d of podClassesOnNode.get(source.node) ?? []) {
        const to = tenantOfClass[d]!;
        if (to >= 0 && to !== from && representativeSrc[from * n + to] === -1 && to !== platformIndex)
          record(s, d, from, to);
      }
    model.rows.rowInto(s, any, all);
    for (
      let d = any.nextSet(0, model.table.externalStart);
      d >= 0;
      d = any.nextSet(d + 1, model.table.externalStart)
    ) {
      const to = tenantOfClass[d]!;
      if (to < 0 || to === from || representativeSrc[from * n + to] !== -1) continue;
      const conns = all.has(d) ? ConnSet.all : model.evaluator.conns(s, d);
      if (conns.isEmpty()) continue;
      if (to === platformIndex && conns.subsetOf(allowedInPlatform[d]!)) continue;
      record(s, d, from, to);
    }
  }

  const explain = (pair: number): string[] => {
    const src = classes[representativeSrc[pair]!]!.units[0]!;
    const dst = classes[representativeDst[pair]!]!.units[0]!;
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

  return new ReachedPairs(columns, isRow, representativeSrc, explain);
}

/**
 * The network plane's breaches, kept as found: one representative class pair per tenant pair in typed
 * arrays (never a map entry per pair: 5 000 tenants can have millions of reaching pairs), explained lazily.
 * A column that every other row reaches is listed once, from ALL_TENANTS.
 */
class ReachedPairs implements PlaneBreaches {
  private readonly index: Map<string, number>;
  private readonly n: number;
  private readonly reachedByAll: Set<number>;

  constructor(
    private readonly columns: string[],
    private readonly isRow: boolean[],
    private readonly representative: Int32Array,
    private readonly explain: (pair: number) => string[],
  ) {
    this.n = columns.length;
    this.index = new Map(columns.map((name, i) => [name, i]));
    const rows = columns.map((_, i) => i).filter((i) => isRow[i]);
    this.reachedByAll = new Set<number>();
    for (let to = 0; to < this.n; to++) {
      const others = rows.filter((r) => r !== to);
      if (others.length > 1 && others.every((from) => this.reaches(from, to))) this.reachedByAll.add(to);
    }
  }

  private reaches(from: number, to: number): boolean {
    return from !== to && this.representative[from * this.n + to] !== -1;
  }

  private evidence(from: number, to: number): LazyEvidence {
    return new LazyEvidence(3, () => this.explain(from * this.n + to));
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
    for (const from of rows)
      for (let to = 0; to < this.n; to++)
        if (!this.reachedByAll.has(to) && this.reaches(from, to))
          yield [this.columns[from]!, this.columns[to]!, this.evidence(from, to)];
  }

  hasRow(row: string): boolean {
    const i = this.index.get(row);
    if (i === undefined || !this.isRow[i]) return false;
    for (let to = 0; to < this.n; to++) if (this.reaches(i, to)) return true;
    return false;
  }

  /** O(rows × columns) over a typed array. */
  count(rows: string[], columns: string[]): PlaneCounts {
    const cols = columns.map((c) => this.index.get(c));
    const affected = new Set<number>();
    let cells = 0;
    let breaches = 0;
    for (const row of rows) {
      const f = this.index.get(row);
      for (let j = 0; j < cols.length; j++) {
        if (columns[j] === row) continue;
        cells++;
        const t = cols[j];
        if (f !== undefined && t !== undefined && this.isRow[f] && this.reaches(f, t)) {
          breaches++;
          affected.add(j);
        }
      }
    }
    return { cells, breaches, tenantsAffected: affected.size };
  }
}
