/**
 * The network model of a Snapshot: who can reach whom under its NetworkPolicies, exactly, with reasons.
 * `analyzeNetwork(snapshot, options)` builds it once; every question after that is answered from it.
 */
import type { Diagnostic } from "../model/diagnostic.js";
import { type CIDR, formatRange, parseIP } from "../model/ip.js";
import type { ClusterScopedNetworkPolicy, NetworkPolicy } from "../model/objects.js";
import type { Snapshot } from "../model/snapshot.js";
import { Bitset } from "./bitset.js";
import { addSelectorKeys, buildClasses, type ClassTable, type EndpointClass } from "./classes.js";
import { type CompiledClusterPolicy, compileClusterPolicies } from "./cluster-policies.js";
import { type Connection, type Level, listConnections } from "./connections.js";
import { ConnSet } from "./conns.js";
import { Evaluator } from "./evaluate.js";
import { buildNamespaceMatrix, type NamespaceMatrix } from "./namespace-matrix.js";
import { type NetworkOptions, type ResolvedNetworkOptions, resolveOptions } from "./options.js";
import { type CompiledPolicy, compilePolicies } from "./policies.js";
import { Rows } from "./rows.js";
import { type Unmodelled, unmodelledOf } from "./unmodelled.js";

export type { Connection, Level } from "./connections.js";
export { MATRIX_STATUSES, type MatrixStatus, type NamespaceMatrix } from "./namespace-matrix.js";

import { buildUnits, type Peer, type Unit } from "./units.js";

export class NetworkModel {
  readonly options: ResolvedNetworkOptions;
  readonly policies: CompiledPolicy[];
  /** The valid AdminNetworkPolicies, BaselineAdminNetworkPolicies and ClusterNetworkPolicies. */
  readonly clusterPolicies: CompiledClusterPolicy[];
  /** Cilium / Calico policies present but not modelled: the verdicts they may change are incomplete. */
  readonly unmodelled?: Unmodelled;
  /** Cluster policies left out because the API server would reject them. */
  readonly invalidClusterPolicies: { policy: ClusterScopedNetworkPolicy; errors: string[] }[];
  readonly diagnostics: Diagnostic[];
  /** Policies left out because the API server would reject them. */
  readonly invalid: { policy: NetworkPolicy; errors: string[] }[];
  readonly units: Unit[];
  readonly peers: Peer[];
  readonly table: ClassTable;
  readonly evaluator: Evaluator;
  private rowsCache?: Rows;
  private namespaceMatrixCache?: NamespaceMatrix;
  /** Rows for one-off questions, allocated once. */
  private scratch?: { any: Bitset; all: Bitset };
  private podClassesOnNodeCache?: Map<string, number[]>;
  /** For each pod class, the node all its pods run on (undefined: several nodes, or unknown). */
  private soleNode: (string | undefined)[] = [];

  constructor(
    readonly snapshot: Snapshot,
    options: NetworkOptions = {},
  ) {
    this.options = resolveOptions(options);
    const compiled = compilePolicies(snapshot.networkPolicies);
    this.policies = compiled.policies;
    this.invalid = compiled.invalid;
    const cluster = compileClusterPolicies(snapshot.clusterNetworkPolicies);
    this.clusterPolicies = cluster.policies;
    this.invalidClusterPolicies = cluster.invalid;
    this.unmodelled = unmodelledOf(snapshot);
    const { units, peers, diagnostics } = buildUnits(snapshot, this.options);
    this.diagnostics = [...compiled.diagnostics, ...cluster.diagnostics, ...diagnostics];
    this.units = units;
    this.peers = peers;
    this.table = buildClasses(
      snapshot,
      units,
      compiled.policies,
      [...compiled.cidrs, ...cluster.cidrs, ...nodeAddresses(snapshot, cluster.policies)],
      this.options.ipBlockMatchesPods,
      this.options.hostNetwork === "node",
      {
        keys: clusterSelectorKeys(cluster.policies),
        byAddress: cluster.cidrs.length > 0,
        hostNetworkApart: cluster.policies.length > 0,
      },
    );
    this.evaluator = new Evaluator(this.table, compiled.policies, this.options.ipBlockMatchesPods, {
      clusterPolicies: cluster.policies,
      cluster: { domainNames: this.options.domainNames, samePriority: this.options.samePriority },
      nodes: snapshot.nodes,
    });
  }

  /** Pod classes with a member on each node (for the node-local exemption), built on first need. */
  get podClassesOnNode(): Map<string, number[]> {
    if (!this.podClassesOnNodeCache) {
      const byNode = new Map<string, number[]>();
      this.soleNode = this.table.classes.map(() => undefined);
      for (const c of this.table.classes) {
        if (c.kind !== "pod") continue;
        let sole: string | undefined = c.units[0]?.node;
        for (const u of c.units) {
          if (u.node !== sole) sole = undefined;
          if (!u.node) continue;
          const list = byNode.get(u.node);
          if (!list) byNode.set(u.node, [c.index]);
          else if (list[list.length - 1] !== c.index) list.push(c.index);
        }
        this.soleNode[c.index] = sole;
      }
      this.podClassesOnNodeCache = byNode;
    }
    return this.podClassesOnNodeCache;
  }

  soleNodeOf(cls: number): string | undefined {
    // Both are filled together, on first need.
    if (!this.podClassesOnNodeCache) this.podClassesOnNode;
    return this.soleNode[cls];
  }

  get rows(): Rows {
    this.rowsCache ??= new Rows(this.evaluator);
    return this.rowsCache;
  }

  classOf(unit: Unit): EndpointClass {
    return this.table.classes[this.table.classOfUnit[unit.index]!]!;
  }

  /** The node-local exemption: a hostNetwork source (its node) reaching a pod on that same node. */
  nodeLocal(src: Unit | undefined, dst: Unit | undefined): boolean {
    if (!this.options.nodeLocalAllowed || !src || !dst || !src.node || src.node !== dst.node) return false;
    return this.classOf(src).kind === "host" && this.classOf(dst).kind === "pod";
  }

  /** What is allowed from one unit to another (a pod to itself: everything). */
  unitConns(src: Unit, dst: Unit): ConnSet {
    if (src === dst || this.nodeLocal(src, dst)) return ConnSet.all;
    return this.evaluator.conns(this.table.classOfUnit[src.index]!, this.table.classOfUnit[dst.index]!);
  }

  externalName(atom: number): string {
    return `${formatRange(this.table.atoms.ranges[atom]!)}[External]`;
  }

  /**
   * Every allowed connection, one per ordered pair of ends: pods (level "pod") or workloads (a workload and
   * its pods are one peer), and external ranges (./connections.ts). `namespace` keeps the pairs with an end in it.
   */
  connections(level: Level, namespace?: string): Connection[] {
    return listConnections(this, level, namespace);
  }

  /** The namespace × namespace matrix (./namespace-matrix.ts), worked out once per model. */
  namespaceMatrix(): NamespaceMatrix {
    this.namespaceMatrixCache ??= buildNamespaceMatrix(this);
    return this.namespaceMatrixCache;
  }

  /**
   * Calls `visit` for every ordered pair of classes that may have an allowed connection (external to external
   * excluded), with the exact class-level connections (possibly empty when only the node-local exemption
   * admits: callers apply it per unit).
   */
  forEachClassPair(visit: (src: number, dst: number, conns: ConnSet) => void): void {
    const { classes, externalStart } = this.table;
    const any = new Bitset(classes.length);
    const all = new Bitset(classes.length);
    for (let s = 0; s < classes.length; s++) {
      const sc = classes[s]!;
      this.rows.rowInto(s, any, all);
      const onNode =
        sc.kind === "host" && sc.node && this.options.nodeLocalAllowed
          ? this.podClassesOnNode.get(sc.node)
          : undefined;
      const local = onNode ? new Set(onNode) : undefined;
      if (local) for (const d of local) if (!any.has(d)) visit(s, d, this.evaluator.conns(s, d));
      const limit = sc.kind === "external" ? externalStart : classes.length;
      for (let d = any.nextSet(0, limit); d >= 0; d = any.nextSet(d + 1, limit)) {
        const conns = all.has(d) ? ConnSet.all : this.evaluator.conns(s, d);
        if (!conns.isEmpty() || (local?.has(d) ?? false)) visit(s, d, conns);
      }
    }
  }

  /**
   * An example connection from a pod or workload of namespace `a` to one of namespace `b` (table indexes):
   * the first a policy allows, in class order, else the first the node-local exemption allows.
   */
  firstConnection(a: number, b: number): { src: Unit; dst: Unit; conns: ConnSet } | undefined {
    const { classes, namespaces } = this.table;
    const from = namespaces[a]!;
    const to = namespaces[b]!;
    this.scratch ??= { any: new Bitset(classes.length), all: new Bitset(classes.length) };
    const { any, all } = this.scratch;
    for (let s = from.first; s < from.end; s++) {
      this.rows.rowInto(s, any, all, to.first, to.end);
      const src = classes[s]!.units[0]!;
      for (let d = any.nextSet(to.first, to.end); d >= 0; d = any.nextSet(d + 1, to.end)) {
        const dst = classes[d]!.units.find((u) => u !== src);
        const conns = all.has(d) ? ConnSet.all : this.evaluator.conns(s, d);
        if (dst && !conns.isEmpty()) return { src, dst, conns };
      }
    }
    if (!this.options.nodeLocalAllowed) return undefined;
    for (let s = from.first; s < from.end; s++) {
      if (classes[s]!.kind !== "host") continue;
      for (const src of classes[s]!.units) {
        // The node's pod classes ascend: the first one of namespace b, found by binary search (a node holds
        // a hundred pods' classes, and this is asked for every namespace pair of a large cluster).
        const onNode = this.podClassesOnNode.get(src.node ?? "") ?? [];
        let lo = 0;
        let hi = onNode.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (onNode[mid]! < to.first) lo = mid + 1;
          else hi = mid;
        }
        const d = onNode[lo];
        if (d === undefined || d >= to.end) continue;
        const dst = classes[d]!.units.find((u) => u.node === src.node);
        if (dst) return { src, dst, conns: ConnSet.all };
      }
    }
    return undefined;
  }

  /**
   * `firstConnection(a, b)` for every namespace b of `targets` (table indexes) at once, the same answers: one
   * walk of a's rows for all of them, where asking per b walks them once per b (10 000 times in a large
   * cluster whose namespaces are all reached from the same first one).
   */
  firstConnections(
    a: number,
    targets: Iterable<number>,
  ): Map<number, { src: Unit; dst: Unit; conns: ConnSet }> {
    const { classes, namespaces } = this.table;
    const from = namespaces[a]!;
    const wanted = new Set(targets);
    const found = new Map<number, { src: Unit; dst: Unit; conns: ConnSet }>();
    this.scratch ??= { any: new Bitset(classes.length), all: new Bitset(classes.length) };
    const { any, all } = this.scratch;
    // The first pair in class order (s, then d) per namespace b, as firstConnection walks b's range.
    for (let s = from.first; s < from.end && found.size < wanted.size; s++) {
      this.rows.rowInto(s, any, all);
      const src = classes[s]!.units[0]!;
      for (let d = any.nextSet(0, classes.length); d >= 0; ) {
        const b = classes[d]!.ns;
        if (b < 0) break; // external classes come after every namespace's
        const to = namespaces[b]!;
        if (!wanted.has(b) || found.has(b)) {
          d = any.nextSet(to.end, classes.length);
          continue;
        }
        const dst = classes[d]!.units.find((u) => u !== src);
        const conns = all.has(d) ? ConnSet.all : this.evaluator.conns(s, d);
        if (dst && !conns.isEmpty()) {
          found.set(b, { src, dst, conns });
          d = any.nextSet(to.end, classes.length);
        } else d = any.nextSet(d + 1, classes.length);
      }
    }
    if (!this.options.nodeLocalAllowed) return found;
    // The node-local exemption, for the rest: the first hostNetwork unit of a with a pod of b on its node, and
    // b's first class there (the node's pod classes ascend; each holds a unit on that node).
    const local = new Map<number, { src: Unit; dst: Unit; conns: ConnSet }>();
    for (let s = from.first; s < from.end && found.size + local.size < wanted.size; s++) {
      if (classes[s]!.kind !== "host") continue;
      for (const src of classes[s]!.units) {
        for (const d of this.podClassesOnNode.get(src.node ?? "") ?? []) {
          const b = classes[d]!.ns;
          if (!wanted.has(b) || found.has(b) || local.has(b)) continue;
          const dst = classes[d]!.units.find((u) => u.node === src.node);
          if (dst) local.set(b, { src, dst, conns: ConnSet.all });
        }
      }
    }
    for (const [b, example] of local) found.set(b, example);
    return found;
  }
}

export function analyzeNetwork(snapshot: Snapshot, options: NetworkOptions = {}): NetworkModel {
  return new NetworkModel(snapshot, options);
}

/** Every label key the cluster policies' pod selectors mention (classes must tell them apart). */
function clusterSelectorKeys(policies: CompiledClusterPolicy[]): string[] {
  const keys = new Set<string>();
  const add = (s: Parameters<typeof addSelectorKeys>[1]) => addSelectorKeys(keys, s);
  for (const p of policies) {
    add(p.podSelectorSource);
    for (const rule of [...p.ingress, ...p.egress])
      for (const peer of rule.peers) if (peer.type === "selector") add(peer.peer.podSelectorSource);
  }
  return [...keys];
}

/** The nodes' InternalIP and ExternalIP addresses, as single-address CIDRs, when some nodes peer needs them. */
function nodeAddresses(snapshot: Snapshot, policies: CompiledClusterPolicy[]): CIDR[] {
  if (!policies.some((p) => p.egress.some((r) => r.peers.some((peer) => peer.type === "nodes")))) return [];
  const out: CIDR[] = [];
  for (const node of snapshot.nodes)
    for (const a of node.status?.addresses ?? []) {
      if (a.type !== "InternalIP" && a.type !== "ExternalIP") continue;
      const ip = parseIP(a.address);
      if (ip)
        out.push({
          family: ip.family,
          first: ip.value,
          last: ip.value,
          prefix: ip.family === 4 ? 32 : 128,
          hostBitsSet: false,
        });
    }
  return out;
}
