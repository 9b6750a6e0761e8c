/**
 * A Pass rule with nothing behind it: Pass hands a connection to the next tier, and when no NetworkPolicy and
 * no baseline policy decides for the pod, the next word is the default allow — the Pass allows. A Baseline
 * tier Pass always goes straight to the default allow.
 */
import { originOf } from "../../model/origin.js";
import type { Draft, FindingRule } from "../../model/rule.js";
import { clusterRuleRef } from "../cluster-policies.js";
import type { NetworkModel } from "../model.js";
import type { Direction } from "../policies.js";
import { MAX_EXAMPLES } from "./support.js";

function find(model: NetworkModel): Draft[] {
  const out: Draft[] = [];
  const ev = model.evaluator;
  for (const tier of [ev.admin, ev.baseline]) {
    if (!tier) continue;
    for (const policy of tier.policies)
      for (const direction of ["Ingress", "Egress"] as Direction[]) {
        const rules = direction === "Ingress" ? policy.ingress : policy.egress;
        for (const rule of rules) {
          if (rule.action !== "Pass" || rule.failClosed) continue;
          const open = new Set<string>();
          for (let c = 0; c < model.table.externalStart; c++) {
            if (!tier.applying(c, direction).includes(policy)) continue;
            const behind =
              tier.name === "admin" &&
              (ev.applying(c, direction).length > 0 || (ev.baseline?.applying(c, direction).length ?? 0) > 0);
            if (!behind) for (const u of model.table.classes[c]!.units) open.add(u.peer.name);
          }
          if (open.size === 0) continue;
          const list = [...open].sort();
          const ref = clusterRuleRef(policy, direction, rule);
          out.push({
            subject: `${policy.name}[${policy.kind}]`,
            object: list.length === 1 ? list[0]! : `${list.length} workloads`,
            message: `${ref} passes to nothing: ${tier.name === "baseline" ? "a baseline Pass goes straight to the default allow" : `no NetworkPolicy and no baseline policy decides ${direction.toLowerCase()} for ${list.length} workload${list.length === 1 ? "" : "s"} it applies to`}, so what it passes is allowed`,
            evidence: [
              `pods it passes with nothing behind: ${list.slice(0, MAX_EXAMPLES).join(", ")}${list.length > MAX_EXAMPLES ? `, … (${list.length - MAX_EXAMPLES} more)` : ""}`,
            ],
            remediation:
              tier.name === "baseline"
                ? "Use Accept if the traffic is meant to be allowed, or Deny if it is not."
                : `Add the NetworkPolicies (or a baseline policy) that should decide, or use Accept or Deny.`,
            resource: { kind: policy.kind, name: policy.name },
            origin: originOf(policy.object),
          });
        }
      }
  }
  return out;
}

export const clusterPassToNothing: FindingRule<NetworkModel> = {
  id: "network.cluster-pass-to-nothing",
  plane: "network",
  severity: "low",
  title: "Pass rule with nothing behind it",
  description:
    "An AdminNetworkPolicy / ClusterNetworkPolicy Pass rule hands traffic to the next tier, but for some pods it applies to no NetworkPolicy and no baseline policy decides: the default allow does, so the Pass allows.",
  help: "Add the NetworkPolicies or baseline policy meant to decide the passed traffic, or say Accept or Deny.",
  remediation: "Add the NetworkPolicies (or a baseline policy) that should decide, or use Accept or Deny.",
  references: ["https://network-policy-api.sigs.k8s.io/reference/spec/"],
  find,
};
