/**
 * Exposure: which workloads every namespace, or the outside world, can reach, and which are not isolated
 * for ingress or egress at all (no NetworkPolicy selects them).
 */
import type { Connection, NetworkModel } from "./model.js";

export interface Exposure {
  peer: string;
  namespace: string;
  /** Reached by some pod of every namespace that has pods (its own included). */
  fromAllNamespaces: boolean;
  /** Reached from some address outside the cluster. */
  fromOutside: boolean;
  ingressIsolated: boolean;
  egressIsolated: boolean;
}

export function exposure(
  model: NetworkModel,
  connections: Connection[] = model.connections("workload"),
): Exposure[] {
  const namespaces = new Set(model.units.map((u) => u.namespace));
  const nsOfPeer = new Map(model.peers.map((p) => [p.name, p.namespace]));
  const from = new Map<string, Set<string>>();
  const outside = new Set<string>();
  for (const c of connections) {
    if (c.src.endsWith("[External]")) {
      outside.add(c.dst);
      continue;
    }
    const ns = nsOfPeer.get(c.src);
    if (ns === undefined) continue;
    let set = from.get(c.dst);
    if (!set) {
      set = new Set([nsOfPeer.get(c.dst)!]);
      from.set(c.dst, set);
    }
    set.add(ns);
  }
  const rows = model.peers.map((peer) => {
    const reached = from.get(peer.name) ?? new Set<string>();
    // The peer's own namespace counts as reached when it is the only pod there.
    if (model.units.filter((u) => u.namespace === peer.namespace).length === peer.units.length)
      reached.add(peer.namespace);
    const classes = peer.units.map((u) => model.classOf(u));
    return {
      peer: peer.name,
      namespace: peer.namespace,
      fromAllNamespaces: [...namespaces].every((ns) => reached.has(ns)),
      fromOutside: outside.has(peer.name),
      ingressIsolated: classes.every(
        (c) => c.kind === "pod" && model.evaluator.ingressPolicies[c.index]!.length > 0,
      ),
      egressIsolated: classes.every(
        (c) => c.kind === "pod" && model.evaluator.egressPolicies[c.index]!.length > 0,
      ),
    };
  });
  return rows.sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
}
