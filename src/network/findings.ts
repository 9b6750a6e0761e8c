/**
 * Network findings for `audit`, in the one Finding shape (src/model/finding.ts), each with the evidence chain
 * (policy → rule → port) and the NetworkPolicy manifest that would close the gap: the rules of ./rules/, run in
 * their registry's order.
 */
import type { Finding } from "../model/finding.js";
import { runRules, toFinding } from "../model/rule.js";
import type { Snapshot } from "../model/snapshot.js";
import { analyzeNetwork, type NetworkModel } from "./model.js";
import type { NetworkOptions } from "./options.js";
import { crossNamespaceByNamespace as byNamespace, crossNamespace } from "./rules/cross-namespace.js";
import { NETWORK_RULES } from "./rules/index.js";

export { PER_WORKLOAD_CLASS_LIMIT } from "./rules/cross-namespace.js";
export { ALLOW_DNS_SPEC } from "./rules/support.js";
export { NETWORK_RULES };

export function networkFindings(snapshot: Snapshot, options: NetworkOptions = {}): Finding[] {
  return findingsOf(analyzeNetwork(snapshot, options));
}

export function findingsOf(model: NetworkModel): Finding[] {
  return runRules(NETWORK_RULES, model);
}

/** Cross-namespace reachability per destination namespace, as huge clusters report it. */
export function crossNamespaceByNamespace(model: NetworkModel): Finding[] {
  return byNamespace(model).map((draft) => toFinding(crossNamespace, draft));
}
