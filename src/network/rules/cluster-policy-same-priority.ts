/**
 * Two cluster-scoped policies of one tier with the same priority that apply to the same pods: the API leaves
 * their order to the implementation ("there is no way for the user to reliably determine which one it will
 * choose"); kubefence orders them by its `samePriority` option and says so here.
 */
import { originOf } from "../../model/origin.js";
import type { Draft, FindingRule } from "../../model/rule.js";
import { type CompiledClusterPolicy, clusterPolicyRef } from "../cluster-policies.js";
import type { NetworkModel } from "../model.js";

function find(model: NetworkModel): Draft[] {
  const out: Draft[] = [];
  for (const tier of [model.evaluator.admin, model.evaluator.baseline]) {
    if (!tier) continue;
    const byPriority = new Map<number, CompiledClusterPolicy[]>();
    for (const p of tier.policies) {
      if (p.priority === undefined) continue;
      const list = byPriority.get(p.priority) ?? [];
      list.push(p);
      byPriority.set(p.priority, list);
    }
    for (const [priority, group] of byPriority) {
      if (group.length < 2) continue;
      for (let i = 0; i < group.length; i++)
        for (let j = i + 1; j < group.length; j++) {
          const a = group[i]!;
          const b = group[j]!;
          let shared = 0;
          for (let c = 0; c < model.table.externalStart; c++)
            for (const d of ["Ingress", "Egress"] as const) {
              const applying = tier.applying(c, d);
              if (applying.includes(a) && applying.includes(b)) {
                shared += model.table.classes[c]!.units.length;
                break;
              }
            }
          if (shared === 0) continue;
          out.push({
            subject: `${a.name}[${a.kind}]`,
            object: `${b.name}[${b.kind}]`,
            message: `${clusterPolicyRef(a)} and ${clusterPolicyRef(b)} are both ${tier.name} tier priority ${priority} and apply to the same ${shared} pod${shared === 1 ? "" : "s"}: which one decides first is up to the network plugin`,
            evidence: [
              `kubefence walks ${clusterPolicyRef(group[0]!)} first (--same-priority=${model.options.samePriority}); another implementation may not`,
            ],
            remediation: `Give them different priorities (spec.priority), in the order you mean them to apply.`,
            resource: { kind: a.kind, name: a.name },
            origin: originOf(a.object),
          });
        }
    }
  }
  return out;
}

export const clusterPolicySamePriority: FindingRule<NetworkModel> = {
  id: "network.cluster-policy-same-priority",
  plane: "network",
  severity: "medium",
  title: "Cluster network policies with colliding priorities",
  description:
    "Two AdminNetworkPolicies / ClusterNetworkPolicies of one tier share a priority and apply to the same pods; the API leaves their order to the implementation, so the verdict of a connection both match may differ between network plugins.",
  help: "Give every policy of a tier that can match the same traffic a unique priority.",
  remediation: "Give them different priorities (spec.priority), in the order you mean them to apply.",
  references: ["https://network-policy-api.sigs.k8s.io/reference/spec/"],
  find,
};
