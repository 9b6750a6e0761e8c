/**
 * A NetworkPolicy whose podSelector selects no pod: it isolates nothing and allows nothing. An empty
 * podSelector is not one: it selects every pod the namespace has or will have (a namespace with no pod yet
 * is not a typo in a label), as the policies `tenant init` and `fix` write for a new namespace do.
 */
import { originOf } from "../../model/origin.js";
import type { Draft, FindingRule } from "../../model/rule.js";
import type { NetworkModel } from "../model.js";
import { policyRef } from "./support.js";

function find(model: NetworkModel): Draft[] {
  return model.policies
    .filter((p) => {
      if (p.podSelector.everything) return false;
      // prototype-safe: namespaces is an array, indexed by position
      const ns = model.table.namespaces[model.table.nsIndex.get(p.namespace)!]!;
      for (let i = ns.first; i < ns.end; i++)
        if (model.evaluator.ingressPolicies[i]!.includes(p) || model.evaluator.egressPolicies[i]!.includes(p))
          return false;
      return true;
    })
    .map((p) => ({
      severity: "low",
      subject: `${policyRef(p)}[NetworkPolicy]`,
      object: `namespace ${p.namespace}`,
      message: `NetworkPolicy ${policyRef(p)} selects no pod (podSelector ${p.podSelector.text ? `{${p.podSelector.text}}` : "{}"} in namespace ${p.namespace}): it has no effect`,
      evidence: [
        `no pod or workload template in namespace ${p.namespace} matches ${p.podSelector.text || "{}"}`,
      ],
      remediation: "Fix the podSelector (a typo in a label?) or delete the policy.",
      resource: { kind: "NetworkPolicy", namespace: p.namespace, name: p.name },
      origin: originOf(p.policy),
    }));
}

export const policySelectsNothing: FindingRule<NetworkModel> = {
  id: "network.policy-selects-nothing",
  plane: "network",
  severity: "low",
  title: "NetworkPolicy selects no pod",
  description:
    "No pod or workload template in the policy's namespace matches its podSelector, so the policy has no effect: often a typo in a label meant to isolate something.",
  help: "Fix the podSelector to match the pods it should isolate, or delete the policy.",
  remediation: "Fix the podSelector (a typo in a label?) or delete the policy.",
  references: ["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
  find,
};
