/**
 * The rule matchers, one per PolicyRule field, composed by `ruleAllows`. Mirrors kubernetes/kubernetes
 * `pkg/apis/rbac/v1/evaluation_helpers.go` (VerbMatches, APIGroupMatches, ResourceMatches,
 * ResourceNameMatches, NonResourceURLMatches) and `plugin/pkg/auth/authorizer/rbac/rbac.go` (RuleAllows).
 * Every comparison is exact and case-sensitive; `*` is the only wildcard.
 */
import type { PolicyRule } from "../model/objects.js";
import type { RequestAttributes } from "./attributes.js";

export const ALL = "*";

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  for (const v of rule.verbs ?? []) if (v === ALL || v === verb) return true;
  return false;
}

/** `""` is the core group. */
export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  for (const g of rule.apiGroups ?? []) if (g === ALL || g === group) return true;
  return false;
}

/**
 * `combined` is `resource` or `resource/subresource`. `*` matches everything including subresources;
 * `*​/sub` matches subresource `sub` of any resource; `pods/*` is NOT a wildcard (it matches only a request
 * whose subresource is literally `*`).
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === combined) return true;
    // Go: len(r) == len(sub)+2 && HasPrefix(r, "*/") && HasSuffix(r, sub)
    if (
      subresource.length > 0 &&
      r.length === subresource.length + 2 &&
      r.startsWith("*/") &&
      r.endsWith(subresource)
    )
      return true;
  }
  return false;
}

/** An empty list allows every name; otherwise the request name must be listed (so never an unnamed create/list). */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames;
  if (!names || names.length === 0) return true;
  for (const n of names) if (n === name) return true;
  return false;
}

/** Exact, or a prefix match when the rule URL ends in `*` (Go strips every trailing `*` before comparing). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === ALL || u === path) return true;
    if (u.endsWith("*") && path.startsWith(u.replace(/\*+$/, ""))) return true;
  }
  return false;
}

export function combinedResource(attributes: RequestAttributes): string {
  return attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
}

export function ruleAllows(
  attributes: RequestAttributes,
  rule: PolicyRule,
  combined: string = combinedResource(attributes),
): boolean {
  if (attributes.resourceRequest) {
    return (
      verbMatches(rule, attributes.verb) &&
      apiGroupMatches(rule, attributes.apiGroup) &&
      resourceMatches(rule, combined, attributes.subresource) &&
      resourceNameMatches(rule, attributes.name)
    );
  }
  return verbMatches(rule, attributes.verb) && nonResourceURLMatches(rule, attributes.path);
}

/** rbac.go `RulesAllow`: any rule allows. */
export function rulesAllow(attributes: RequestAttributes, rules: readonly PolicyRule[]): boolean {
  for (const rule of rules) if (ruleAllows(attributes, rule)) return true;
  return false;
}
