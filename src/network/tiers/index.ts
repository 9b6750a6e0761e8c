/**
 * The policy tiers, in evaluation order (../tier.ts): admin, NetworkPolicy, baseline. Each entry builds its
 * tier from what the model read, or nothing when there is no policy of its kind. A new tier is one file in
 * this directory and one line here.
 */

import type { PolicyTier, TierName } from "../tier.js";
import { buildAdminTier } from "./admin.js";
import { buildBaselineTier } from "./baseline.js";
import type { TierContext } from "./context.js";
import { NetworkPolicyTier } from "./network-policy.js";

export type { TierContext } from "./context.js";

export interface TierEntry {
  name: TierName;
  build(context: TierContext): PolicyTier | undefined;
}

export const TIERS: readonly TierEntry[] = [
  { name: "admin", build: buildAdminTier },
  {
    name: "networkpolicy",
    build: (c) => new NetworkPolicyTier(c.table, c.networkPolicies, c.ipBlockMatchesPods, c.peers),
  },
  { name: "baseline", build: buildBaselineTier },
];
