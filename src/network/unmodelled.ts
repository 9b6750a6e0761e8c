/**
 * CNI-specific network policies (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, Calico NetworkPolicy
 * and GlobalNetworkPolicy) are read but not modelled. Their selectors are not evaluated, so every verdict
 * they may change is incomplete: with a cluster-wide one, every verdict; with namespaced ones, every
 * connection from or to a pod of their namespaces (they may select it for egress or ingress).
 */
import type { Snapshot, UnmodelledPolicy } from "../model/snapshot.js";

export class Unmodelled {
  readonly clusterWide: boolean;
  readonly namespaces: Set<string>;
  /** `2 Cilium policies and 1 Calico policy are not modelled` */
  readonly note: string;

  constructor(readonly policies: readonly UnmodelledPolicy[]) {
    this.clusterWide = policies.some((p) => p.namespace === undefined);
    this.namespaces = new Set(policies.flatMap((p) => (p.namespace === undefined ? [] : [p.namespace])));
    const counts = new Map<string, number>();
    for (const p of policies) counts.set(p.family, (counts.get(p.family) ?? 0) + 1);
    const parts = [...counts].map(([family, n]) => `${n} ${family} polic${n === 1 ? "y" : "ies"}`);
    const total = policies.length;
    this.note = `${parts.join(" and ")} ${total === 1 ? "is" : "are"} not modelled`;
  }

  /** Whether a connection between pods of these namespaces (undefined: not a pod) may be changed by them. */
  mayChange(sourceNamespace: string | undefined, destinationNamespace: string | undefined): boolean {
    if (this.clusterWide) return true;
    return (
      (sourceNamespace !== undefined && this.namespaces.has(sourceNamespace)) ||
      (destinationNamespace !== undefined && this.namespaces.has(destinationNamespace))
    );
  }
}

export function unmodelledOf(snapshot: Snapshot): Unmodelled | undefined {
  const list = snapshot.unmodelledPolicies ?? [];
  return list.length > 0 ? new Unmodelled(list) : undefined;
}
