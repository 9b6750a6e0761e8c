/**
 * The network plane's finding rules, in the order they run (and their findings are listed before the audit
 * sorts them). A new rule: one file in this directory, one line here.
 */
import type { FindingRule } from "../../model/rule.js";
import type { NetworkModel } from "../model.js";
import { clusterPassToNothing } from "./cluster-pass-to-nothing.js";
import { clusterPolicyIsolation } from "./cluster-policy-isolation.js";
import { clusterPolicySamePriority } from "./cluster-policy-same-priority.js";
import { clusterRuleShadowed } from "./cluster-rule-shadowed.js";
import { crossNamespace } from "./cross-namespace.js";
import { dnsEgressBlocked } from "./dns-egress-blocked.js";
import { invalidClusterPolicy } from "./invalid-cluster-policy.js";
import { invalidPolicy } from "./invalid-policy.js";
import { noDefaultDenyEgress } from "./no-default-deny-egress.js";
import { noDefaultDenyIngress } from "./no-default-deny-ingress.js";
import { peerMatchesNothing } from "./peer-matches-nothing.js";
import { policySelectsNothing } from "./policy-selects-nothing.js";
import { policyShadowed } from "./policy-shadowed.js";
import { unmodelledPolicies } from "./unmodelled-policies.js";

export const NETWORK_RULES: readonly FindingRule<NetworkModel>[] = [
  invalidPolicy,
  crossNamespace,
  noDefaultDenyIngress,
  noDefaultDenyEgress,
  dnsEgressBlocked,
  policySelectsNothing,
  peerMatchesNothing,
  policyShadowed,
  invalidClusterPolicy,
  clusterPolicySamePriority,
  clusterPassToNothing,
  clusterRuleShadowed,
  clusterPolicyIsolation,
  unmodelledPolicies,
];
