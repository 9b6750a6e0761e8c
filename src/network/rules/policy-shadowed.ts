/** A NetworkPolicy that changes nothing: every pod it selects is isolated by others that allow at least as much. */
import { originOf } from "../../model/origin.js";
import type { Draft, FindingRule } from "../../model/rule.js";
import { ConnSet } from "../conns.js";
import type { NetworkModel } from "../model.js";
import type { Direction } from "../policies.js";
import { policyRef } from "./support.js";

/** Work budget for the shadowing check (subjects × peers × rules), so huge clusters stay fast. */
const SHADOW_BUDGET = 500_000;

/** A policy that changes nothing: every pod it selects is isolated by others that allow at least as much. */
function find(model: NetworkModel): Draft[] {
  const out: Draft[] = [];
  const ev = model.evaluator;
  let budget = SHADOW_BUDGET;
  const { namespaces, nsIndex } = model.table;
  for (const p of model.policies) {
    // A NetworkPolicy applies only to pods of its namespace: the classes of its range, not of the cluster.
    const ns = namespaces[nsIndex.get(p.namespace) ?? -1];
    const first = ns?.first ?? 0;
    const end = ns?.end ?? 0;
    let covered = true;
    const by = new Set<string>();
    let selects = false;
    for (const direction of ["Ingress", "Egress"] as Direction[]) {
      if (!covered) break;
      const rules = direction === "Ingress" ? p.ingress : p.egress;
      for (let c = first; c < end && covered; c++) {
        const applying = ev.applying(c, direction);
        if (!applying.includes(p)) continue;
        selects = true;
        const others = applying.filter((o) => o !== p);
        if (others.length === 0) {
          covered = false;
          break;
        }
        for (const o of others) by.add(policyRef(o));
        for (const rule of rules) {
          const peers = rule.peers ? undefined : true;
          for (let e = 0; e < ev.size && covered; e++) {
            if (--budget < 0) return out;
            if (!peers && !ev.ruleMatches(rule, e)) continue;
            const dst = model.table.classes[direction === "Ingress" ? c : e]!;
            const mine = ev.ruleConns(rule, dst);
            if (mine.isEmpty()) continue;
            let theirs = ConnSet.none;
            for (const o of others)
              for (const r of direction === "Ingress" ? o.ingress : o.egress)
                if (ev.ruleMatches(r, e)) theirs = theirs.union(ev.ruleConns(r, dst));
            if (!mine.subsetOf(theirs)) covered = false;
          }
        }
      }
    }
    if (!selects || !covered) continue;
    out.push({
      severity: "info",
      subject: `${policyRef(p)}[NetworkPolicy]`,
      object: `namespace ${p.namespace}`,
      message: `NetworkPolicy ${policyRef(p)} is fully shadowed: removing it would change no connection`,
      evidence: [
        `every pod it selects is isolated by ${[...by].sort().join(", ")}, whose rules allow at least everything it allows`,
      ],
      remediation: "Delete it, or keep it deliberately as a safety net and say so in an annotation.",
      resource: { kind: "NetworkPolicy", namespace: p.namespace, name: p.name },
      origin: originOf(p.policy),
    });
  }
  return out;
}

export const policyShadowed: FindingRule<NetworkModel> = {
  id: "network.policy-shadowed",
  plane: "network",
  severity: "info",
  title: "NetworkPolicy fully shadowed",
  description:
    "Every pod the policy selects is isolated by other policies whose rules allow at least everything it allows: removing it would change no connection.",
  help: "Delete the policy, or keep it deliberately as a safety net and say so in an annotation.",
  remediation: "Delete it, or keep it deliberately as a safety net and say so in an annotation.",
  references: ["https://kubernetes.io/docs/concepts/services-networking/network-policies/"],
  find,
};
