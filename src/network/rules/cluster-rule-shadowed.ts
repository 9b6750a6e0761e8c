/**
 * A cluster-scoped policy rule that never decides anything: for every pod its policy applies to, the rules
 * walked before it (earlier rules of the policy, and policies of lower priority value in its tier) already
 * take every connection it matches, so it could be removed without changing any verdict.
 */
import { originOf } from "../../model/origin.js";
import type { Draft, FindingRule } from "../../model/rule.js";
import { clusterRuleRef } from "../cluster-policies.js";
import { ConnSet } from "../conns.js";
import type { NetworkModel } from "../model.js";
import type { Direction } from "../policies.js";

/** Work budget (subjects × peers × rules walked): past it, no rule is reported as shadowed. */
const BUDGET = 500_000;

function find(model: NetworkModel): Draft[] {
  const out: Draft[] = [];
  const { classes, externalStart } = model.table;
  let budget = BUDGET;
  for (const tier of [model.evaluator.admin, model.evaluator.baseline]) {
    if (!tier) continue;
    for (const policy of tier.policies)
      for (const direction of ["Ingress", "Egress"] as Direction[]) {
        const rules = direction === "Ingress" ? policy.ingress : policy.egress;
        rules.forEach((rule) => {
          let selects = false;
          let shadowedBy: string | undefined;
          let decides = false;
          for (let s = 0; s < externalStart && !decides; s++) {
            const walk = tier.applying(s, direction);
            if (!walk.includes(policy)) continue;
            selects = true;
            for (let p = 0; p < classes.length && !decides; p++) {
              if (--budget < 0) return;
              const dst = classes[direction === "Egress" ? p : s]!;
              const mine = tier.ruleTake(rule, p, dst);
              if (mine.isEmpty()) continue;
              let before = ConnSet.none;
              walking: for (const q of walk)
                for (const r of direction === "Egress" ? q.egress : q.ingress) {
                  if (q === policy && r === rule) break walking;
                  const taken = tier.ruleTake(r, p, dst);
                  if (!taken.isEmpty() && shadowedBy === undefined)
                    shadowedBy = clusterRuleRef(q, direction, r);
                  before = before.union(taken);
                }
              if (!mine.subsetOf(before)) decides = true;
            }
          }
          if (!selects || decides || budget < 0) return;
          const ref = clusterRuleRef(policy, direction, rule);
          out.push({
            subject: `${policy.name}[${policy.kind}]`,
            object: ref,
            message: `${ref} never decides a connection: the rules before it take everything it matches`,
            evidence: shadowedBy
              ? [`for example ${shadowedBy}, walked before it`]
              : ["it matches no connection"],
            remediation:
              "Delete the rule, or move it before the rules that take its traffic if it was meant to decide.",
            resource: { kind: policy.kind, name: policy.name },
            origin: originOf(policy.object),
          });
        });
      }
  }
  return out;
}

export const clusterRuleShadowed: FindingRule<NetworkModel> = {
  id: "network.cluster-rule-shadowed",
  plane: "network",
  severity: "low",
  title: "Cluster network policy rule shadowed",
  description:
    "For every pod the policy applies to, earlier rules (of the policy, or of policies walked before it in its tier) take every connection the rule matches: it never decides anything.",
  help: "Delete the rule, or move it before the rules that take its traffic.",
  remediation:
    "Delete the rule, or move it before the rules that take its traffic if it was meant to decide.",
  references: ["https://network-policy-api.sigs.k8s.io/reference/spec/"],
  find,
};
