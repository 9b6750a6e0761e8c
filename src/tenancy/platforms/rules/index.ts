/**
 * The multi-tenancy platforms' finding rules, in the order they run: what each platform leaves open on each
 * plane. A new rule: one file in this directory, one line here.
 */
import type { FindingRule } from "../../../model/rule.js";
import { capsuleTenantNotIsolated } from "./capsule-tenant-not-isolated.js";
import { capsuleTenantSharesNodes } from "./capsule-tenant-shares-nodes.js";
import { hncGrantCrossesSubtrees } from "./hnc-grant-crosses-subtrees.js";
import type { PlatformRuleInput } from "./input.js";
import { vclusterHostWithoutNetworkPolicy } from "./vcluster-host-without-network-policy.js";
import { vclusterHostWithoutPodSecurity } from "./vcluster-host-without-pod-security.js";
import { vclusterSyncerBeyondNamespace } from "./vcluster-syncer-beyond-namespace.js";

export type { PlatformRuleInput } from "./input.js";

export const PLATFORM_RULES: readonly FindingRule<PlatformRuleInput>[] = [
  capsuleTenantNotIsolated,
  capsuleTenantSharesNodes,
  vclusterHostWithoutNetworkPolicy,
  vclusterHostWithoutPodSecurity,
  vclusterSyncerBeyondNamespace,
  hncGrantCrossesSubtrees,
];
