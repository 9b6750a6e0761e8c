/** CNI-specific network policies kubefence does not model: the verdicts they may change are incomplete. */
import type { Draft, FindingRule } from "../../model/rule.js";
import type { NetworkModel } from "../model.js";
import { MAX_EXAMPLES } from "./support.js";

function find(model: NetworkModel): Draft[] {
  const u = model.unmodelled;
  if (!u) return [];
  const namespaces = [...u.namespaces].sort();
  const kinds = [...new Set(u.policies.map((p) => `${p.kind} (${p.apiVersion})`))].sort();
  return [
    {
      subject: kinds.join(", "),
      object: u.clusterWide
        ? "every network verdict"
        : `${namespaces.length} namespace${namespaces.length === 1 ? "" : "s"}`,
      message: `${u.note}: ${u.clusterWide ? "every network verdict" : `every connection from or to a pod of ${namespaces.slice(0, MAX_EXAMPLES).join(", ")}${namespaces.length > MAX_EXAMPLES ? `, … (${namespaces.length - MAX_EXAMPLES} more)` : ""}`} is incomplete: they may deny what is shown as reachable, or allow what is shown as isolated`,
      evidence: u.policies
        .slice(0, MAX_EXAMPLES)
        .map(
          (p) =>
            `${p.kind} ${p.namespace === undefined ? p.name : `${p.namespace}/${p.name}`} (${p.apiVersion})`,
        ),
      remediation:
        "Judge those verdicts with the CNI's own tools (cilium policy, calicoctl), or express the isolation with NetworkPolicy or ClusterNetworkPolicy, which kubefence models.",
    },
  ];
}

export const unmodelledPolicies: FindingRule<NetworkModel> = {
  id: "network.unmodelled-policies",
  plane: "network",
  severity: "medium",
  title: "CNI-specific network policies not modelled",
  description:
    "CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or Calico NetworkPolicy / GlobalNetworkPolicy objects are present; kubefence does not model them, so every network verdict they may change is marked incomplete rather than claimed.",
  help: "Check those verdicts with the CNI's own tools, or express the isolation with NetworkPolicy or ClusterNetworkPolicy.",
  remediation:
    "Judge those verdicts with the CNI's own tools (cilium policy, calicoctl), or express the isolation with NetworkPolicy or ClusterNetworkPolicy, which kubefence models.",
  references: [
    "https://docs.cilium.io/en/stable/security/policy/",
    "https://docs.tigera.io/calico/latest/network-policy/",
  ],
  find,
};
