/**
 * The node plane of the matrix: a tenant that can run a pod which escapes to its node (privileged, host
 * namespaces, a sensitive hostPath…) owns that node, and with it every pod scheduled there. A tenant
 * reaches another when its escaping pods run, or could run, on a node where the other's pods run or could
 * be scheduled. One that can create pods in a namespace whose enforced Pod Security level admits such a
 * pod reaches every node: a pod's author chooses its nodeName, nodeSelector and tolerations.
 */
import type { Namespace, Node, PodSpec } from "../model/objects.js";
import { canSchedule } from "../model/scheduling.js";
import type { Snapshot } from "../model/snapshot.js";
import { peerName, podTemplateOf } from "../model/workloads.js";
import { ALL_TENANTS, BreachMap, type Evidence, LazyEvidence } from "./matrix.js";
import { PLATFORM, type Tenancy } from "./tenants.js";

export interface NodePlaneInputs {
  /** Why a pod with this spec escapes to its node; empty when it does not. */
  escapes(spec: PodSpec): string[];
  /** Whether the namespace's enforced Pod Security level admits a pod that escapes (privileged, or no label). */
  admitsEscapes(namespace: Namespace): { admits: boolean; why: string };
  /** Identities of each matrix row that can create pods (or pod controllers) in a namespace (ALL_TENANTS: any). */
  podCreators: PodCreators;
  /** Namespaces each row may patch, so relabel to Pod Security privileged: row → namespace → evidence. */
  namespacePatchers: Map<string, Map<string, LazyEvidence>>;
  /** Whether admission (a kubefence webhook) refuses escaping pods in the namespace whatever its labels. */
  refusesEscapes?(namespace: Namespace): boolean;
  /** Whether admission refuses weakening the namespace's Pod Security labels, so relabelling opens nothing. */
  refusesRelabel?(namespace: Namespace): boolean;
}

/** A grant by which some identity can create pods or pod controllers in a namespace. */
export interface PodCreator {
  /** A namespace, or ALL_TENANTS for any namespace. */
  namespace: string;
  /** The grant's place among the API plane's grants: the first of equally short ways wins. */
  order: number;
  evidence: LazyEvidence;
}

export interface PodCreators {
  /** Each row's own creators in grant order; every row some grant speaks for, in the order one first did. */
  byRow: Map<string, PodCreator[]>;
  /** Creators every row holds (grants to system:authenticated and the like), in grant order. */
  everyone: PodCreator[];
}

interface Workload {
  name: string;
  namespace: string;
  spec: PodSpec;
  /** A pod whose controller is in the snapshot: the controller's template is judged for escapes instead. */
  controlled?: boolean;
}

/** Pods, and workloads' templates (owned pods are not repeated: the workload speaks for them). */
function* workloadsOf(snapshot: Snapshot): Generator<Workload> {
  const controllers = new Map<string, Map<string, Set<string>>>(); // namespace → kind → names
  for (const w of snapshot.workloads) {
    const byKind = controllers.get(w.metadata.namespace) ?? new Map<string, Set<string>>();
    controllers.set(w.metadata.namespace, byKind);
    const names = byKind.get(w.kind) ?? new Set<string>();
    byKind.set(w.kind, names);
    names.add(w.metadata.name);
  }
  for (const pod of snapshot.pods) {
    if (!pod.spec) continue;
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
    const controlled =
      owner !== undefined &&
      (controllers.get(pod.metadata.namespace)?.get(owner.kind)?.has(owner.name) ?? false);
    yield { name: peerName(pod), namespace: pod.metadata.namespace, spec: pod.spec, controlled };
  }
  for (const workload of snapshot.workloads) {
    const template = podTemplateOf(workload);
    if (template)
      yield { name: peerName(workload), namespace: workload.metadata.namespace, spec: template.spec };
  }
}

/**
 * A row's breach of every column, stored once (5 000 tenants never cost 25 million cells), whose chain names
 * a resident of the column read: its own chain (an example column's) speaks only for the "*" entry.
 */
class RowEvidence extends LazyEvidence {
  constructor(
    links: number,
    example: string,
    /** The chain to one column; undefined for a name that is no column of the matrix. */
    private readonly forColumn: (to: string) => string[] | undefined,
  ) {
    super(links, () => forColumn(example)!);
  }
  /** The same breach's chain for one column, made when read. */
  to(column: string): LazyEvidence {
    return new LazyEvidence(this.links, () => this.forColumn(column) ?? this.chain);
  }
}

/** The node plane's breaches: a row-wide entry, found for one column, names that column's resident. */
class NodeBreaches extends BreachMap {
  override find(from: string, to: string): Evidence | undefined {
    const found = super.find(from, to);
    return found instanceof RowEvidence && to !== ALL_TENANTS ? found.to(to) : found;
  }
}

/** With no Node objects read, every pod may share the one node we know nothing about. */
const ANY_NODE = "(any node: no Node objects were read)";

/** Where one tenant's pods run or may run, and an example of each. */
interface Presence {
  /** On every node a pod nothing pins may land on (the common case): an example workload. */
  everywhere?: string;
  /** Other nodes it is pinned or constrained to: node → example workload. */
  nodes: Map<string, string>;
}

/** The nodes pods with some scheduling constraints may run on. */
interface Placement {
  nodes: readonly string[];
  /** Whether they include every node an unconstrained pod may land on. */
  covers: boolean;
  /** The nodes that "everywhere unconstrained pods go" does not already say (all of them unless it covers). */
  specific: readonly string[];
}

/** Where each tenant's pods run or may run, and which escape to their node: what the pods, workloads and nodes say. */
export interface NodePresence {
  landing: readonly string[];
  landingSet: ReadonlySet<string>;
  /** A node of `landing` for the chains that name one: never undefined, `landing` is never empty. */
  landingNode: string;
  everyNodeTainted: boolean;
  presence: ReadonlyMap<string, Presence>;
  /** Tenant → whether it escapes onto every unconstrained node (with how), and its specific nodes. */
  escapes: ReadonlyMap<string, { everywhere?: { how: string }; nodes: Map<string, string> }>;
}

/**
 * Placements are worked out once per distinct set of scheduling constraints (a cluster has few), and a
 * tenant's presence is kept as "everywhere unconstrained pods go" plus its specific nodes, so memory grows
 * with pods, not with pods × nodes or tenants × nodes. Reads the pods, workloads and nodes alone (and the
 * tenancy): the controller keeps it while those are the same objects.
 */
export function nodePresence(
  snapshot: Snapshot,
  tenancy: Tenancy,
  escapesOf: NodePlaneInputs["escapes"],
): NodePresence {
  const nodes = snapshot.nodes;
  const schedulable = (spec: PodSpec) =>
    nodes.filter((node: Node) => canSchedule(spec, node)).map((n) => n.metadata.name);
  const unconstrained = nodes.length === 0 ? [ANY_NODE] : schedulable({ containers: [] });
  // Where a pod nothing pins yet lands: where unconstrained pods go. When no node takes one (every node
  // tainted, as new and not-ready nodes are), it must carry tolerations, and its author picks them: any node.
  const everyNodeTainted = unconstrained.length === 0;
  const landing = everyNodeTainted ? nodes.map((n) => n.metadata.name) : unconstrained;
  const landingSet = new Set(landing);
  /** A node of `landing` for the chains that name one: never undefined, `landing` is never empty. */
  const landingNode = landing[0]!;
  const placed = (found: readonly string[]): Placement => {
    const covers = found === landing || (found.length > 0 && landing.every((n) => found.includes(n)));
    return { nodes: found, covers, specific: covers ? found.filter((n) => !landingSet.has(n)) : found };
  };
  const everywhere = placed(landing);
  // A pod without constraints that no node takes is pending: it runs nowhere (yet).
  const byNodeName = new Map<string, Placement>([["", everyNodeTainted ? placed([]) : everywhere]]);
  const byConstraints = new Map<string, Placement>();
  const placementOf = (spec: PodSpec): Placement => {
    if (nodes.length === 0) return everywhere;
    const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    // Most pods carry no constraints but their nodeName: keyed by it alone, without building a key.
    const constrained =
      spec.nodeSelector !== undefined || required !== undefined || spec.tolerations !== undefined;
    const cache = constrained ? byConstraints : byNodeName;
    const key = constrained
      ? `${spec.nodeName ?? ""}\u0000${JSON.stringify([spec.nodeSelector, required, spec.tolerations])}`
      : (spec.nodeName ?? "");
    let known = cache.get(key);
    if (!known) {
      known = placed(schedulable(spec));
      cache.set(key, known);
    }
    return known;
  };

  const presence = new Map<string, Presence>();
  const presenceOf = (tenant: string) => {
    const known = presence.get(tenant);
    if (known) return known;
    const created: Presence = { nodes: new Map() };
    presence.set(tenant, created);
    return created;
  };
  // Escapes: tenant → whether it escapes onto every unconstrained node (with how), and its specific nodes.
  const escapes = new Map<string, { everywhere?: { how: string }; nodes: Map<string, string> }>();
  for (const w of workloadsOf(snapshot)) {
    const tenant = tenancy.tenantOf.get(w.namespace);
    if (!tenant) continue;
    const { covers, specific } = placementOf(w.spec);
    const p = presenceOf(tenant);
    if (covers) p.everywhere ??= w.name;
    for (const node of specific) if (!p.nodes.has(node)) p.nodes.set(node, w.name);
    if (tenant === PLATFORM) continue;
    if (w.controlled) continue;
    const why = escapesOf(w.spec);
    if (why.length === 0) continue;
    const how = `${w.name} escapes to its node: ${why.join(", ")}`;
    const e = escapes.get(tenant) ?? { nodes: new Map<string, string>() };
    escapes.set(tenant, e);
    if (covers) e.everywhere ??= { how };
    for (const node of specific) if (!e.nodes.has(node)) e.nodes.set(node, how);
  }
  // A tenant without a pod on any node (none yet, or only pending ones) is not out of reach: nothing confines
  // where its next pod will run.
  const tolerating = everyNodeTainted
    ? "; no node takes a pod without tolerations, and its author picks them"
    : "";
  for (const tenant of tenancy.tenants) {
    const p = presence.get(tenant.name);
    if (p && (p.everywhere || p.nodes.size > 0)) continue;
    const why = p ? "none of its pods is scheduled yet" : "it has none yet";
    presenceOf(tenant.name).everywhere = `any pod of tenant ${tenant.name} (${why}${tolerating})`;
  }

  return { landing, landingSet, landingNode, everyNodeTainted, presence, escapes };
}

export function nodePlane(
  snapshot: Snapshot,
  tenancy: Tenancy,
  inputs: NodePlaneInputs,
  where: NodePresence = nodePresence(snapshot, tenancy, inputs.escapes),
): BreachMap {
  const { landingSet, landingNode, presence, escapes } = where;
  const onNodeText = (node: string, resident: string) =>
    `${resident} ${node === ANY_NODE ? "may share that node" : `runs or can be scheduled on ${node}`}`;
  /** A resident of `to` on a node of the given escape, as [node, example]; undefined when none. */
  const meeting = (
    to: string,
    escaping: { everywhere?: unknown; nodes: Map<string, string> },
  ): [string, string] | undefined => {
    const p = presence.get(to);
    if (!p) return undefined;
    if (escaping.everywhere) {
      if (p.everywhere) return [landingNode, p.everywhere];
      for (const [node, example] of p.nodes) if (landingSet.has(node)) return [node, example];
    }
    for (const [node] of escaping.nodes) {
      const example = p.nodes.get(node) ?? (p.everywhere && landingSet.has(node) ? p.everywhere : undefined);
      if (example) return [node, example];
    }
    return undefined;
  };

  const breaches = new NodeBreaches();
  // (a) Escaping pods that already exist.
  // When every tenant may run pods on any unconstrained node, an escape onto those nodes reaches them all.
  const othersEverywhere = tenancy.tenants.filter((t) => presence.get(t.name)?.everywhere).length;
  for (const [from, escaping] of escapes) {
    // (With no other tenant at all there is nobody to reach: a lone tenant's escape breaches no cell.)
    if (
      escaping.everywhere &&
      tenancy.tenants.length > 1 &&
      othersEverywhere - (presence.get(from)?.everywhere ? 1 : 0) === tenancy.tenants.length - 1
    ) {
      const example = tenancy.tenants.find((t) => t.name !== from)!;
      const node = landingNode;
      const how = escaping.everywhere.how;
      breaches.add(
        from,
        ALL_TENANTS,
        new RowEvidence(3, example.name, (to) => {
          const resident = presence.get(to)?.everywhere;
          return resident === undefined
            ? undefined
            : [how, `it runs or can be scheduled on ${node}`, onNodeText(node, resident)];
        }),
      );
      continue;
    }
    const reached: [string, string, string][] = [];
    for (const tenant of tenancy.tenants) {
      if (tenant.name === from) continue;
      const met = meeting(tenant.name, escaping);
      if (met) reached.push([tenant.name, ...met]);
    }
    const chain = (node: string, resident: string) => [
      escaping.nodes.get(node) ?? escaping.everywhere!.how,
      `it runs or can be scheduled on ${node}`,
      onNodeText(node, resident),
    ];
    // Every other tenant reached: one entry for the whole row, each column's meeting found again when read.
    if (reached.length > 0 && reached.length === tenancy.tenants.length - 1)
      breaches.add(
        from,
        ALL_TENANTS,
        new RowEvidence(3, reached[0]![0], (to) => {
          const met = meeting(to, escaping);
          return met && chain(...met);
        }),
      );
    else
      for (const [to, node, resident] of reached)
        breaches.add(from, to, new LazyEvidence(3, () => chain(node, resident)));
  }

  // (b) Identities that can create such pods: every node is theirs, so every tenant with a pod somewhere.
  const anywhere = new Map<string, { node: string; resident: string }>();
  for (const [tenant, p] of presence) {
    if (p.everywhere) anywhere.set(tenant, { node: landingNode, resident: p.everywhere });
    else
      for (const [node, resident] of p.nodes)
        if (!anywhere.has(tenant)) anywhere.set(tenant, { node, resident });
  }
  const namespaces = new Map(snapshot.namespaces.map((ns) => [ns.metadata.name, ns]));
  const admitted = new Map<string, LazyEvidence | undefined>();
  /** Why Pod Security admits an escaping pod in this namespace as it is labelled, if it does. */
  const admits = (ns: Namespace) => {
    const name = ns.metadata.name;
    if (admitted.has(name)) return admitted.get(name);
    const { admits, why } = inputs.admitsEscapes(ns);
    const verdict = admits ? new LazyEvidence(1, () => [why]) : undefined;
    admitted.set(name, verdict);
    return verdict;
  };
  /** How a pod of a row in `namespace` (ALL_TENANTS: the first that will do) may escape, if it may. */
  const opening = (namespace: string, patchable: Map<string, LazyEvidence> | undefined) => {
    const only = namespaces.get(namespace);
    const candidates = namespace === ALL_TENANTS ? snapshot.namespaces : only ? [only] : [];
    for (const ns of candidates) {
      if (inputs.refusesEscapes?.(ns)) continue;
      const relabel = inputs.refusesRelabel?.(ns)
        ? undefined
        : (patchable?.get(ns.metadata.name) ?? patchable?.get(ALL_TENANTS));
      const open = relabel ?? admits(ns);
      if (open) return open;
    }
    return undefined;
  };
  // Most rows may relabel no namespace: for them the answer depends on the namespace alone.
  const unpatched = new Map<string, LazyEvidence | undefined>();
  const openingUnpatched = (namespace: string) => {
    if (unpatched.has(namespace)) return unpatched.get(namespace);
    const open = opening(namespace, undefined);
    unpatched.set(namespace, open);
    return open;
  };
  const unreached = tenancy.tenants.filter((t) => !anywhere.has(t.name));
  type Way = { links: number; order: number; create: LazyEvidence; open: LazyEvidence };
  /** The shortest way among these creators (the first in grant order of equally short ones). */
  const shortestWay = (creators: readonly PodCreator[], patchable: Map<string, LazyEvidence> | undefined) => {
    let best: Way | undefined;
    for (const { namespace, order, evidence } of creators) {
      const open = patchable ? opening(namespace, patchable) : openingUnpatched(namespace);
      if (open && (!best || evidence.links + open.links < best.links))
        best = { links: evidence.links + open.links, order, create: evidence, open };
    }
    return best;
  };
  const { byRow, everyone } = inputs.podCreators;
  // What every row holds gives the same way to each row that may relabel no namespace: found once.
  const everyonesWay = shortestWay(everyone, undefined);
  for (const [from, own] of byRow) {
    if (from === PLATFORM) continue;
    const patchable = inputs.namespacePatchers.get(from);
    // The shortest way this row gets an escaping pod onto a node; then every tenant with a pod is reached.
    const mine = shortestWay(own, patchable);
    const shared = patchable ? shortestWay(everyone, patchable) : everyonesWay;
    const best =
      !mine ||
      (shared && (shared.links < mine.links || (shared.links === mine.links && shared.order < mine.order)))
        ? shared
        : mine;
    if (!best) continue;
    const { links, create, open } = best;
    const chainTo = (to: string) => {
      const met = anywhere.get(to);
      if (!met) return undefined;
      const { node, resident } = met;
      return [
        ...create.chain,
        ...open.chain,
        "a pod there may be privileged with hostPID and a hostPath of /, and its author picks the node",
        onNodeText(node, resident),
      ];
    };
    // Every other tenant may have a pod somewhere: one entry for the whole row.
    if (unreached.every((t) => t.name === from)) {
      const example = tenancy.tenants.find((t) => t.name !== from);
      if (example) breaches.add(from, ALL_TENANTS, new RowEvidence(links + 2, example.name, chainTo));
      continue;
    }
    for (const to of anywhere.keys()) breaches.add(from, to, new LazyEvidence(links + 2, () => chainTo(to)!));
  }
  return breaches;
}
