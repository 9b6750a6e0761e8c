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
import { ALL_TENANTS, addBreach, LazyEvidence, type PlaneBreaches } from "./matrix.js";
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
}

/** Pods, and workloads' templates (owned pods are not repeated: the workload speaks for them). */
function workloadsOf(snapshot: Snapshot): Workload[] {
  const out: Workload[] = [];
  for (const pod of snapshot.pods)
    if (pod.spec) out.push({ name: peerName(pod), namespace: pod.metadata.namespace, spec: pod.spec });
  for (const workload of snapshot.workloads) {
    const template = podTemplateOf(workload);
    if (template)
      out.push({ name: peerName(workload), namespace: workload.metadata.namespace, spec: template.spec });
  }
  return out;
}

/** With no Node objects read, every pod may share the one node we know nothing about. */
const ANY_NODE = "(any node: no Node objects were read)";

export function nodePlane(snapshot: Snapshot, tenancy: Tenancy, inputs: NodePlaneInputs): PlaneBreaches {
  const nodes = snapshot.nodes;
  const placements = (spec: PodSpec): string[] =>
    nodes.length === 0
      ? [ANY_NODE]
      : nodes.filter((node: Node) => canSchedule(spec, node)).map((n) => n.metadata.name);

  // Who runs (or may run) where: node → tenant → an example workload. Placements are worked out once.
  const residents = new Map<string, Map<string, string>>();
  const workloads = workloadsOf(snapshot).map((w) => ({ ...w, nodes: placements(w.spec) }));
  for (const w of workloads) {
    const tenant = tenancy.tenantOf.get(w.namespace);
    if (!tenant) continue;
    for (const node of w.nodes) {
      const byTenant = residents.get(node) ?? new Map<string, string>();
      residents.set(node, byTenant);
      if (!byTenant.has(tenant)) byTenant.set(tenant, w.name);
    }
  }
  // A tenant without pods is not out of reach: nothing confines where its first pod will run.
  const unconstrained = placements({ containers: [] });
  for (const tenant of tenancy.tenants) {
    if (unconstrained.length === 0 || [...residents.values()].some((byTenant) => byTenant.has(tenant.name)))
      continue;
    for (const node of unconstrained) {
      const byTenant = residents.get(node) ?? new Map<string, string>();
      residents.set(node, byTenant);
      byTenant.set(tenant.name, `any pod of tenant ${tenant.name} (it has none yet)`);
    }
  }
  const where = (node: string, resident: string) =>
    `${resident} ${node === ANY_NODE ? "may share that node" : `runs or can be scheduled on ${node}`}`;

  const breaches: PlaneBreaches = new Map();
  // (a) Escaping pods that already exist: each source tenant's escape nodes, then who lives there. A pair
  // is worked out once, whatever the number of nodes and escaping pods between them.
  const escapes = new Map<string, Map<string, string>>(); // tenant → node → how
  for (const w of workloads) {
    const from = tenancy.tenantOf.get(w.namespace);
    if (!from || from === PLATFORM) continue;
    const why = inputs.escapes(w.spec);
    if (why.length === 0) continue;
    const byNode = escapes.get(from) ?? new Map<string, string>();
    escapes.set(from, byNode);
    for (const node of w.nodes)
      if (!byNode.has(node)) byNode.set(node, `${w.name} escapes to its node: ${why.join(", ")}`);
  }
  for (const [from, byNode] of escapes) {
    const reached = new Set<string>([from]);
    for (const [node, how] of byNode)
      for (const [to, resident] of residents.get(node) ?? []) {
        if (reached.has(to)) continue;
        reached.add(to);
        addBreach(breaches, from, to, [how, `it runs or can be scheduled on ${node}`, where(node, resident)]);
      }
  }

  // (b) Identities that can create such pods: every node is theirs, so every tenant with a pod somewhere.
  const anywhere = new Map<string, { node: string; resident: string }>();
  for (const [node, byTenant] of residents)
    for (const [tenant, resident] of byTenant)
      if (!anywhere.has(tenant)) anywhere.set(tenant, { node, resident });
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
      return new LazyEvidence(chain.length + 1, () => [...chain, where(node, resident)]);
    };
    // Every other tenant may have a pod somewhere: one entry for the whole row.
    if (tenancy.tenants.every((t) => t.name === from || anywhere.has(t.name))) {
      const example = tenancy.tenants.find((t) => t.name !== from);
      if (example) addBreach(breaches, from, ALL_TENANTS, evidenceTo(example.name));
      continue;
    }
    for (const to of anywhere.keys()) addBreach(breaches, from, to, evidenceTo(to));
  }
  return breaches;
}
