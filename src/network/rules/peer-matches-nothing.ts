/** A rule peer (pod or namespace selector) that matches nothing: the rule can never admit through it. */
import { originOf } from "../../model/origin.js";
import type { Draft, FindingRule } from "../../model/rule.js";
import type { NetworkModel } from "../model.js";
import { policyRef } from "./support.js";

function find(model: NetworkModel): Draft[] {
  const out: Draft[] = [];
  for (const p of model.policies) {
    for (const [direction, rules] of [
      ["ingress", p.ingress],
      ["egress", p.egress],
    ] as const) {
      for (const rule of rules) {
        (rule.peers ?? []).forEach((peer, i) => {
          if (peer.type !== "selector" || !model.evaluator.peerBits(peer).isEmpty()) return;
          out.push({
            severity: "low",
            subject: `${policyRef(p)}[NetworkPolicy]`,
            object: peer.text,
            message: `${policyRef(p)} ${direction} rule ${rule.index} ${direction === "ingress" ? "from" : "to"}[${i}] selects no pod (${peer.text})`,
            evidence: [`no pod or workload template matches ${peer.text}`],
            remediation: "Check the selector's labels against the pods and namespaces it should name.",
            resource: { kind: "NetworkPolicy", namespace: p.namespace, name: p.name },
            origin: originOf(p.policy),
          });
        });
      }
    }
  }
  return out;
}

export const peerMatchesNothing: FindingRule<NetworkModel> = {
  id: "network.peer-matches-nothing",
  plane: "network",
  severity: "low",
  title: "Rule peer matches no pod",
  description:
    "A from/to peer of an ingress or egress rule selects no pod or workload template in any namespace, so the rule never admits anything through it.",
  help: "Check the selector's labels against the pods and namespaces it should name.",
  remediation: "Check the selector's labels against the pods and namespaces it should name.",
  references: [
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors",
  ],
  find,
};
