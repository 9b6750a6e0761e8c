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
import { ALL_TENANTS, addBreach, type PlaneBreaches } from "./matrix.js";
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

  // Who runs (or may run) where: node → tenant → an example workload.
  const residents = new Map<string, Map<string, string>>();
  const workloads = workloadsOf(snapshot);
  for (const w of workloads) {
    const tenant = tenancy.tenantOf.get(w.namespace);
    if (!tenant) continue;
    for (const node of placements(w.spec)) {
      const byTenant = residents.get(node) ?? new Map<string, string>();
      residents.set(node, byTenant);
      if (!byTenant.has(tenant)) byTenant.set(tenant, w.name);
    }
  }

  const breaches: PlaneBreaches = new Map();
  const reach = (from: string, node: string, evidence: string[]) => {
    for (const [to, resident] of residents.get(node) ?? []) {
      if (to === from) continue;
      addBreach(breaches, from, to, [
        ...evidence,
        `${resident} ${node === ANY_NODE ? "may share that node" : `runs or can be scheduled on ${node}`}`,
      ]);
    }
  };

  // (a) Escaping pods that already exist.
  for (const w of workloads) {
    const from = tenancy.tenantOf.get(w.namespace);
    if (!from || from === PLATFORM) continue;
    const why = inputs.escapes(w.spec);
    if (why.length === 0) continue;
    for (const node of placements(w.spec))
      reach(from, node, [
        `${w.name} escapes to its node: ${why.join(", ")}`,
        `it runs or can be scheduled on ${node}`,
      ]);
  }

  // (b) Identities that can create such pods: every node is theirs, so every tenant with a pod somewhere.
  const anywhere = new Map<string, { node: string; resident: string }>();
  for (const [node, byTenant] of residents)
    for (const [tenant, resident] of byTenant)
      if (!anywhere.has(tenant)) anywhere.set(tenant, { node, resident });
  const namespaces = new Map(snapshot.namespaces.map((ns) => [ns.metadata.name, ns]));
  for (const [from, creators] of inputs.podCreators) {
    if (from === PLATFORM) continue;
    for (const { namespace, evidence } of creators) {
      const candidates =
        namespace === ALL_TENANTS
          ? snapshot.namespaces
          : [namespaces.get(namespace)].filter((n) => n !== undefined);
      const open = candidates
        .map((ns) => {
          const patchable = inputs.namespacePatchers.get(from);
          const relabel = patchable?.get(ns.metadata.name) ?? patchable?.get(ALL_TENANTS);
          if (relabel) return { admits: true, why: relabel };
          const { admits, why } = inputs.admitsEscapes(ns);
          return { admits, why: [why] };
        })
        .find((c) => c.admits);
      if (!open) continue;
      for (const [to, { node, resident }] of anywhere)
        addBreach(breaches, from, to, [
          ...evidence,
          ...open.why,
          `a pod there may be privileged with hostPID and a hostPath of /, and its author picks the node`,
          `${resident} ${node === ANY_NODE ? "may share that node" : `runs or can be scheduled on ${node}`}`,
        ]);
    }
  }
  return breaches;
}
