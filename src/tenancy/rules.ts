/**
 * Every finding rule `audit` runs, plane by plane, each engine's registry in its own order: what `kubefence
 * rules`, SARIF's rule metadata and the README's finding tables are made from. The engines' registries
 * (src/rbac/rules, src/network/rules, src/podsecurity/rules, and the multi-tenancy platforms' in
 * src/tenancy/platforms/rules) decide what runs; this one only lists them.
 */
import { type RuleInfo, ruleInfo } from "../model/rule.js";
import { NETWORK_RULES } from "../network/rules/index.js";
import { NODE_RULES } from "../podsecurity/rules/index.js";
import { RBAC_RULES } from "../rbac/rules/index.js";
import { PLATFORM_RULES } from "./platforms/rules/index.js";
import { UNUSED_ACCEPTANCE_RULES as UNUSED } from "./unused-acceptance.js";

export const RULES: readonly RuleInfo[] = [
  ...RBAC_RULES,
  UNUSED.api,
  ...NETWORK_RULES,
  UNUSED.network,
  ...NODE_RULES,
  UNUSED.node,
  ...PLATFORM_RULES,
].map(ruleInfo);

const BY_ID = new Map(RULES.map((rule) => [rule.id, rule]));

/** The rule of a finding id; undefined for an id no registry holds. */
export function ruleOf(id: string): RuleInfo | undefined {
  return BY_ID.get(id);
}
