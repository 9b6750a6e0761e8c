/**
 * ClusterRole aggregation, computed to the fixed point the controller reaches. Mirrors kubernetes/kubernetes
 * `pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go` (`syncClusterRole`): for each
 * selector in order, the matching ClusterRoles sorted by name (skipping the role itself), each rule appended
 * unless an equal one (nil and empty lists equal) is already there; the result REPLACES the role's rules.
 * The controller re-syncs every aggregating role on any change, so nested aggregation settles; we iterate
 * the same sync until nothing changes.
 *
 * Since v1.21 (kubernetes#99462) the controller writes with a forced server-side apply of `rules` only
 * (`applyClusterRoles`), and an empty result is an apply with no `rules` at all: that takes nothing away
 * from the role's creator, so a role whose selectors select no rules keeps the rules it was created with
 * (they are only dropped if the controller itself had set them). v1.20's controller replaced them with an
 * empty list by Update; kubefence follows v1.21+ (the snapshot does not say its version here, and the
 * difference needs an aggregating role created with rules of its own that selects nothing).
 */
import type { ClusterRole, PolicyRule } from "../model/objects.js";
import { compileSelector } from "../model/selector.js";

export interface AggregationResult {
  /** Every ClusterRole, in input order; aggregating ones are copies with their computed rules. */
  clusterRoles: ClusterRole[];
  /** Aggregating roles whose selectors are invalid (the controller leaves their rules as they are). */
  invalid: { name: string; error: string }[];
  /** false when rules still changed after the iteration bound (a cycle that does not settle). */
  converged: boolean;
}

/** `equality.Semantic.DeepEqual` on a PolicyRule: nil and empty slices are equal. */
export function ruleKey(rule: PolicyRule): string {
  return JSON.stringify([
    rule.verbs ?? [],
    rule.apiGroups ?? [],
    rule.resources ?? [],
    rule.resourceNames ?? [],
    rule.nonResourceURLs ?? [],
  ]);
}

export function aggregateClusterRoles(input: readonly ClusterRole[]): AggregationResult {
  const clusterRoles = input.map((role) => (role.aggregationRule ? { ...role } : role));
  const byName = [...clusterRoles].sort((a, b) => compareStrings(a.metadata.name, b.metadata.name));
  const invalid: AggregationResult["invalid"] = [];
  const aggregating: {
    role: ClusterRole;
    selectors: ((labels: Record<string, string> | undefined) => boolean)[];
  }[] = [];
  for (const role of clusterRoles) {
    if (!role.aggregationRule) continue;
    const selectors = [];
    let error: string | undefined;
    for (const selector of role.aggregationRule.clusterRoleSelectors ?? []) {
      const compiled = compileSelector(selector);
      if (!compiled.ok) {
        error = compiled.error;
        break;
      }
      selectors.push((labels: Record<string, string> | undefined) => compiled.selector.matches(labels));
    }
    if (error !== undefined) invalid.push({ name: role.metadata.name, error });
    else aggregating.push({ role, selectors });
  }

  const bound = aggregating.length + 2;
  let converged = aggregating.length === 0;
  // Roles whose `rules` the controller has applied (server-side apply field ownership).
  const applied = new Set<ClusterRole>();
  for (let round = 0; round < bound && !converged; round++) {
    converged = true;
    for (const { role, selectors } of aggregating) {
      const rules: PolicyRule[] = [];
      const seen = new Set<string>();
      for (const matches of selectors) {
        for (const other of byName) {
          if (other.metadata.name === role.metadata.name || !matches(other.metadata.labels)) continue;
          for (const rule of other.rules ?? []) {
            const key = ruleKey(rule);
            if (seen.has(key)) continue;
            seen.add(key);
            rules.push(rule);
          }
        }
      }
      if (sameRules(rules, role.rules ?? [])) continue;
      if (rules.length === 0 && !applied.has(role)) continue; // an apply without rules leaves the creator's
      if (rules.length > 0) applied.add(role);
      role.rules = rules;
      converged = false;
    }
  }
  return { clusterRoles, invalid, converged };
}

function sameRules(a: readonly PolicyRule[], b: readonly PolicyRule[]): boolean {
  return a.length === b.length && a.every((rule, i) => ruleKey(rule) === ruleKey(b[i]!));
}

/** Go's byte-wise string order (code point order), which `sort.Sort(byName)` uses. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
