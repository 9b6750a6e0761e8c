/**
 * The evidence for isolation a cluster-scoped policy provides: which tenant namespaces its Deny rules cover.
 * The matrix shows a cell isolated without a chain (there is nothing that reaches); this says which policy
 * makes it so, in every output.
 */
import { originOf } from "../../model/origin.js";
import type { Draft, FindingRule } from "../../model/rule.js";
import { clusterPolicyRef, clusterPortsText, clusterRuleRef } from "../cluster-policies.js";
import type { NetworkModel } from "../model.js";
import type { Direction } from "../policies.js";
import { MAX_EXAMPLES } from "./support.js";

function find(model: NetworkModel): Draft[] {
  const out: Draft[] = [];
  for (const tier of [model.evaluator.admin, model.evaluator.baseline]) {
    if (!tier) continue;
    for (const policy of tier.policies) {
      const evidence: string[] = [];
      const namespaces = new Set<string>();
      for (const direction of ["Ingress", "Egress"] as Direction[]) {
        const denies = (direction === "Ingress" ? policy.ingress : policy.egress).filter(
          (r) => r.action === "Deny" || (r.failClosed && r.action !== "Accept"),
        );
        if (denies.length === 0) continue;
        for (let c = 0; c < model.table.externalStart; c++)
          if (tier.applying(c, direction).includes(policy))
            namespaces.add(model.table.classes[c]!.namespace!);
        for (const r of denies)
          evidence.push(
            `${clusterRuleRef(policy, direction, r)}: ${direction === "Ingress" ? "from" : "to"} ${r.peers.map((p) => p.text).join("; ")}, ${clusterPortsText(r.ports)}`,
          );
      }
      if (namespaces.size === 0) continue;
      const list = [...namespaces].sort();
      out.push({
        subject: `${policy.name}[${policy.kind}]`,
        object: list.length === 1 ? `namespace ${list[0]}` : `${list.length} namespaces`,
        message: `${clusterPolicyRef(policy)} (${tier.name} tier${policy.priority === undefined ? "" : `, priority ${policy.priority}`}) denies traffic for the pods of ${list.length} namespace${list.length === 1 ? "" : "s"}: ${list.slice(0, MAX_EXAMPLES).join(", ")}${list.length > MAX_EXAMPLES ? `, … (${list.length - MAX_EXAMPLES} more)` : ""}`,
        evidence,
        remediation: "Nothing to fix: this is the evidence for the isolation the matrix shows.",
        resource: { kind: policy.kind, name: policy.name },
        origin: originOf(policy.object),
      });
    }
  }
  return out;
}

export const clusterPolicyIsolation: FindingRule<NetworkModel> = {
  id: "network.cluster-policy-isolation",
  plane: "network",
  severity: "info",
  title: "Isolation by a cluster network policy",
  description:
    "An AdminNetworkPolicy, BaselineAdminNetworkPolicy or ClusterNetworkPolicy denies traffic for the pods of these namespaces: the evidence behind the isolated cells of the tenant matrix.",
  help: "Nothing to fix; the finding records which cluster-scoped policy isolates which namespaces.",
  remediation: "Nothing to fix: this is the evidence for the isolation the matrix shows.",
  references: ["https://network-policy-api.sigs.k8s.io/reference/spec/"],
  find,
};
