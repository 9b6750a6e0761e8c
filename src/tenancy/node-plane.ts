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
import { ALL_TENANTS, BreachMap, LazyEvidence } from "./matrix.js";
import { PLATFORM, type Tenancy } from "./tenants.js";

export interface NodePlaneInputs {
  /** Why a pod with this spec escapes to its node; empty when it does not. */
  escapes(spec: PodSpec): string[];
  /** Whether the namespace's enforced Pod Security level admits a pod that escapes (privileged, or no label). */
  admitsEscapes(namespace: Namespace): { admits: boolean; why: string };
  /** Identities of each matrix row that can create pods (or pod controllers) in a namespace (ALL_TENANTS: any). */
  podCreators: Map<string, { namespace: string; evidence: string[] }[]>;
  /** Namespaces each row may patch, so relabel to Pod Security privileged: row → namespace → evidence. */
  namespacePatchers: Map<string, Map<string, string[]>>;
}

interface Workload {
  name: string;
  namespace: string;
  spec: PodSpec;
  /** A pod whose controller is in the snapshot: the controller's template is judged for escapes instead. */
  controlled?: boolean;
}

/** Pods, and workloads' templates (owned pods are not repeated: the workload speaks for them). */
function workloadsOf(snapshot: Snapshot): Workload[] {
  const out: Workload[] = [];
  const controllers = new Set(
    snapshot.workloads.map((w) => `${w.metadata.namespace}/${w.kind}/${w.metadata.name}`),
  );
  for (const pod of snapshot.pods) {
    if (!pod.spec) continue;
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
    const controlled =
      owner !== undefined && controllers.has(`${pod.metadata.namespace}/${owner.kind}/${owner.name}`);
    out.push({ name: peerName(pod), namespace: pod.metadata.namespace, spec: pod.spec, controlled });
  }
  for (const workload of snapshot.workloads) {
    const template = podTemplateOf(workload);
    if (template)
      out.push({ name: peerName(workload), namespace: workload.metadata.namespace, spec: template.spec });
  }
  return out;
}

/** With no Node objects read, every pod may share the one node we know nothing about. */
const ANY_NODE = "(any node: no Node objects were read)";

/** Where one tenant's pods run or may run, and an example of each. */
interface Presence {
  /** On every node an unconstrained pod may land on (the common case): an example workload. */
  everywhere?: string;
  /** Other nodes it is pinned or constrained to: node → example workload. */
  nodes: Map<string, string>;
}

/**
 * Placements are worked out once per distinct set of scheduling constraints (a cluster has few), and a
 * tenant's presence is kept as "everywhere unconstrained pods go" plus its specific nodes, so memory grows
 * with pods, not with pods × nodes or tenants × nodes.
 */
export function nodePlane(snapshot: Snapshot, tenancy: Tenancy, inputs: NodePlaneInputs): BreachMap {
  const nodes = snapshot.nodes;
  const cache = new Map<string, readonly string[]>();
  const placements = (spec: PodSpec): readonly string[] => {
    if (nodes.length === 0) return [ANY_NODE];
    const constraints = [
      spec.nodeSelector,
      spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
      spec.tolerations,
    ];
    // Most pods carry no constraints but their nodeName: a cheap key for them.
    const key = `${spec.nodeName ?? ""}\u0000${constraints.some((c) => c !== undefined) ? JSON.stringify(constraints) : ""}`;
    const known = cache.get(key);
    if (known) return known;
    const found = nodes.filter((node: Node) => canSchedule(spec, node)).map((n) => n.metadata.name);
    cache.set(key, found);
    return found;
  };
  const unconstrained = placements({ containers: [] });
  const unconstrainedSet = new Set(unconstrained);
  const coversUnconstrained = (nodesOf: readonly string[]) =>
    nodesOf === unconstrained ||
    (unconstrained.length > 0 && unconstrained.every((n) => nodesOf.includes(n)));

  const presence = new Map<string, Presence>();
  const presenceOf = (tenant: string) => {
    const known = presence.get(tenant);
    if (known) return known;
    const created: Presence = { nodes: new Map() };
    presence.set(tenant, created);
    return created;
  };
  const onNode = new Map<string, Map<string, string>>(); // specific node → tenant → example
  // Escapes: tenant → whether it escapes onto every unconstrained node (with how), and its specific nodes.
  const escapes = new Map<string, { everywhere?: { how: string }; nodes: Map<string, string> }>();
  for (const w of workloadsOf(snapshot)) {
    const tenant = tenancy.tenantOf.get(w.namespace);
    if (!tenant) continue;
    const where = placements(w.spec);
    const p = presenceOf(tenant);
    const covers = coversUnconstrained(where);
    if (covers) p.everywhere ??= w.name;
    for (const node of where) {
      if (covers && unconstrainedSet.has(node)) continue;
      if (!p.nodes.has(node)) p.nodes.set(node, w.name);
      const tenants = onNode.get(node) ?? new Map<string, string>();
      onNode.set(node, tenants);
      if (!tenants.has(tenant)) tenants.set(tenant, w.name);
    }
    if (tenant === PLATFORM) continue;
    if (w.controlled) continue;
    const why = inputs.escapes(w.spec);
    if (why.length === 0) continue;
    const how = `${w.name} escapes to its node: ${why.join(", ")}`;
    const e = escapes.get(tenant) ?? { nodes: new Map<string, string>() };
    escapes.set(tenant, e);
    if (covers) e.everywhere ??= { how };
    for (const node of where)
      if (!(covers && unconstrainedSet.has(node)) && !e.nodes.has(node)) e.nodes.set(node, how);
  }
  // A tenant without pods is not out of reach: nothing confines where its first pod will run.
  for (const tenant of tenancy.tenants)
    if (!presence.has(tenant.name) && unconstrained.length > 0)
      presenceOf(tenant.name).everywhere = `any pod of tenant ${tenant.name} (it has none yet)`;

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
      if (p.everywhere) return [unconstrained[0]!, p.everywhere];
      for (const [node, example] of p.nodes) if (unconstrainedSet.has(node)) return [node, example];
    }
    for (const [node] of escaping.nodes) {
      const example =
        p.nodes.get(node) ?? (p.everywhere && unconstrainedSet.has(node) ? p.everywhere : undefined);
      if (example) return [node, example];
    }
    return undefined;
  };

  const breaches = new BreachMap();
  // (a) Escaping pods that already exist.
  // When every tenant may run pods on any unconstrained node, an escape onto those nodes reaches them all.
  const othersEverywhere = tenancy.tenants.filter((t) => presence.get(t.name)?.everywhere).length;
  for (const [from, escaping] of escapes) {
    if (
      escaping.everywhere &&
      othersEverywhere - (presence.get(from)?.everywhere ? 1 : 0) === tenancy.tenants.length - 1
    ) {
      const example = tenancy.tenants.find((t) => t.name !== from)!;
      const resident = presence.get(example.name)!.everywhere!;
      const node = unconstrained[0]!;
      const how = escaping.everywhere.how;
      breaches.add(
        from,
        ALL_TENANTS,
        new LazyEvidence(3, () => [
          how,
          `it runs or can be scheduled on ${node}`,
          onNodeText(node, resident),
        ]),
      );
      continue;
    }
    const reached: [string, string, string][] = [];
    for (const tenant of tenancy.tenants) {
      if (tenant.name === from) continue;
      const met = meeting(tenant.name, escaping);
      if (met) reached.push([tenant.name, ...met]);
    }
    const evidence = ([, node, resident]: [string, string, string]) => {
      const how = escaping.nodes.get(node) ?? escaping.everywhere!.how;
      return new LazyEvidence(3, () => [
        how,
        `it runs or can be scheduled on ${node}`,
        onNodeText(node, resident),
      ]);
    };
    // Every other tenant reached: one entry for the whole row.
    if (reached.length > 0 && reached.length === tenancy.tenants.length - 1)
      breaches.add(from, ALL_TENANTS, evidence(reached[0]!));
    else for (const r of reached) breaches.add(from, r[0], evidence(r));
  }

  // (b) Identities that can create such pods: every node is theirs, so every tenant with a pod somewhere.
  const anywhere = new Map<string, { node: string; resident: string }>();
  for (const [tenant, p] of presence) {
    if (p.everywhere) anywhere.set(tenant, { node: unconstrained[0]!, resident: p.everywhere });
    else
      for (const [node, resident] of p.nodes)
        if (!anywhere.has(tenant)) anywhere.set(tenant, { node, resident });
  }
  const namespaces = new Map(snapshot.namespaces.map((ns) => [ns.metadata.name, ns]));
  const admitted = new Map<string, { admits: boolean; why: string }>();
  const admits = (ns: Namespace) => {
    const known = admitted.get(ns.metadata.name);
    if (known) return known;
    const verdict = inputs.admitsEscapes(ns);
    admitted.set(ns.metadata.name, verdict);
    return verdict;
  };
  for (const [from, creators] of inputs.podCreators) {
    if (from === PLATFORM) continue;
    const patchable = inputs.namespacePatchers.get(from);
    // The shortest way this row gets an escaping pod onto a node; then every tenant with a pod is reached.
    let best: string[] | undefined;
    for (const { namespace, evidence } of creators) {
      const candidates =
        namespace === ALL_TENANTS
          ? snapshot.namespaces
          : [namespaces.get(namespace)].filter((n) => n !== undefined);
      let open: string[] | undefined;
      for (const ns of candidates) {
        const relabel = patchable?.get(ns.metadata.name) ?? patchable?.get(ALL_TENANTS);
        const verdict = relabel ? undefined : admits(ns);
        open = relabel ?? (verdict?.admits ? [verdict.why] : undefined);
        if (open) break;
      }
      if (open && (!best || evidence.length + open.length < best.length)) best = [...evidence, ...open];
    }
    if (!best) continue;
    const chain = [
      ...best,
      "a pod there may be privileged with hostPID and a hostPath of /, and its author picks the node",
    ];
    const evidenceTo = (to: string) => {
      const { node, resident } = anywhere.get(to)!;
      return new LazyEvidence(chain.length + 1, () => [...chain, onNodeText(node, resident)]);
    };
    // Every other tenant may have a pod somewhere: one entry for the whole row.
    if (tenancy.tenants.every((t) => t.name === from || anywhere.has(t.name))) {
      const example = tenancy.tenants.find((t) => t.name !== from);
      if (example) breaches.add(from, ALL_TENANTS, evidenceTo(example.name));
      continue;
    }
    for (const to of anywhere.keys()) breaches.add(from, to, evidenceTo(to));
  }
  return breaches;
}
