/**
 * Namespaces where some pod is not isolated for a direction (the ingress and egress rules share it): no
 * NetworkPolicy selects it, and no cluster-scoped policy denies it everything by default.
 */
import type { Draft } from "../../model/rule.js";
import type { NetworkModel } from "../model.js";
import type { Direction } from "../policies.js";
import { manifest, networkPolicy } from "./support.js";

export function noDefaultDeny(model: NetworkModel, direction: Direction): Draft[] {
  const out: Draft[] = [];
  const byNamespace = new Map<string, Set<string>>();
  for (const c of model.table.classes) {
    if (c.kind !== "pod" || model.evaluator.applying(c.index, direction).length > 0) continue;
    // An AdminNetworkPolicy / ClusterNetworkPolicy denying everything is the namespace's default deny.
    if (model.evaluator.clusterDefaultDeny(c.index, direction)) continue;
    const set = byNamespace.get(c.namespace!) ?? new Set<string>();
    for (const u of c.units) set.add(u.peer.name);
    byNamespace.set(c.namespace!, set);
  }
  for (const [namespace, peers] of [...byNamespace].sort(([a], [b]) => a.localeCompare(b))) {
    const word = direction.toLowerCase();
    const list = [...peers].sort();
    out.push({
      subject: `namespace ${namespace}`,
      object: list.length === 1 ? list[0]! : `${list.length} workloads in ${namespace}`,
      message: `namespace ${namespace} has no default-deny ${word}: ${list.length} workload${list.length === 1 ? " is" : "s are"} not isolated for ${word}, so every ${direction === "Ingress" ? "source" : "destination"} is allowed`,
      evidence: [
        `no NetworkPolicy in namespace ${namespace} selects ${list.slice(0, 10).join(", ")}${list.length > 10 ? `, … (${list.length - 10} more)` : ""} with ${direction} in policyTypes`,
      ],
      remediation: `Isolate every pod of the namespace for ${word}, then allow what is needed:\n${manifest([
        networkPolicy(namespace, `default-deny-${word}`, { podSelector: {}, policyTypes: [direction] }),
      ])}`,
      resource: { kind: "Namespace", name: namespace },
    });
  }
  return out;
}
