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
import { ALL_TENANTS, addBreach, LazyEvidence, type PlaneBreaches } from "./matrix.js";
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

  const evidence = (pair: number) => new LazyEvidence(3, () => explain(pair));
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

  const rows = columns.map((_, i) => i).filter((i) => isRow[i]);
  const reaches = (from: number, to: number) => from !== to && representativeSrc[from * n + to] !== -1;
  const breaches: PlaneBreaches = new Map();
  // A column every other row reaches: one entry from ALL_TENANTS (a pod no ingress policy isolates, typically).
  const reachedByAll = new Set<number>();
  for (let to = 0; to < n; to++) {
    const others = rows.filter((r) => r !== to);
    if (others.length > 1 && others.every((from) => reaches(from, to))) {
      reachedByAll.add(to);
      addBreach(breaches, ALL_TENANTS, columns[to]!, evidence(others[0]! * n + to));
    }
  }
  for (const from of rows) {
    const targets = columns.map((_, to) => to).filter((to) => reaches(from, to) && !reachedByAll.has(to));
    for (const to of targets) addBreach(breaches, columns[from]!, columns[to]!, evidence(from * n + to));
  }
  return breaches;
}
