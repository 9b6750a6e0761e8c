/**
 * `can-i --list`: the SelfSubjectRulesReview the API server answers (kubernetes/kubernetes
 * `pkg/registry/authorization/selfsubjectrulesreview/rest.go` over rbac.go `RulesFor`), printed as
 * `kubectl auth can-i --list` prints it (kubectl `pkg/cmd/auth/cani.go` `printStatus`, `pkg/util/rbac`
 * `BreakdownRule`/`CompactRules`, `SortableRuleSlice` by `PolicyRule.String()`, `describe.CombineResourceGroup`,
 * cli-runtime's tabwriter). system:masters is not a rule resolver upstream, so its power is not listed.
 */

import { aggregateErrors, goList } from "../model/go-format.js";
import type { PolicyRule } from "../model/objects.js";
import type { UserInfo } from "./attributes.js";
import type { Authorizer } from "./authorizer.js";

export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

/** authorization.k8s.io/v1 `SubjectRulesReviewStatus`. */
export interface SubjectRulesReviewStatus {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  evaluationError?: string;
}

const nonEmpty = (values: string[] | undefined) => (values && values.length > 0 ? values : undefined);

/**
 * The SelfSubjectRulesReview the API server answers for the user in the namespace: the rules in the
 * order its rule resolver visits them. ClusterRoleBindings come before RoleBindings, but within each the
 * server lists bindings from its informer cache, a Go map: their order changes from one review to the next,
 * and with it the verb order kubectl prints where several bindings grant one resource. kubefence visits
 * them in the snapshot's order (a live cluster lists them by name), one of the orders the server may take.
 */
export function subjectRulesReview(
  authorizer: Authorizer,
  user: UserInfo,
  namespace: string,
): SubjectRulesReviewStatus {
  const { rules, errors } = authorizer.rulesFor(user, namespace);
  return rulesReviewStatus(
    rules.map((g) => g.rule),
    errors,
  );
}

/** rbac.go `RulesFor` → `SubjectRulesReviewStatus`: each rule as a resource rule and/or a URL rule. */
export function rulesReviewStatus(
  rules: readonly PolicyRule[],
  errors: readonly string[],
): SubjectRulesReviewStatus {
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  for (const rule of rules) {
    if ((rule.resources ?? []).length > 0) {
      const out: ResourceRule = { verbs: rule.verbs ?? [] };
      for (const field of ["apiGroups", "resources", "resourceNames"] as const) {
        const values = nonEmpty(rule[field]);
        if (values) out[field] = values;
      }
      resourceRules.push(out);
    }
    if ((rule.nonResourceURLs ?? []).length > 0)
      nonResourceRules.push({ verbs: rule.verbs ?? [], nonResourceURLs: rule.nonResourceURLs ?? [] });
  }
  // RBAC reports resolution errors but not incompleteness; kubectl warns only when incomplete.
  return {
    resourceRules,
    nonResourceRules,
    incomplete: false,
    ...(errors.length > 0 ? { evaluationError: aggregateErrors(errors) } : {}),
  };
}

/** kubectl `pkg/util/rbac` `BreakdownRule`: one rule per group × resource × verb (× name), and URL × verb. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? [])
    for (const resource of rule.resources ?? [])
      for (const verb of rule.verbs ?? []) {
        if ((rule.resourceNames ?? []).length > 0)
          for (const name of rule.resourceNames!)
            out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        else out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
      }
  for (const url of rule.nonResourceURLs ?? [])
    for (const verb of rule.verbs ?? []) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

/**
 * kubectl `CompactRules`: "simple" rules (one group, one resource, at most one name, no URLs) with the same
 * group/resource/name merge their verbs in first-seen order; every other rule is kept as-is, duplicates
 * included. Simple rules follow the others (Go appends them from a map afterwards; the sort fixes the order).
 */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const names = rule.resourceNames ?? [];
    const isSimple =
      names.length <= 1 &&
      (rule.nonResourceURLs ?? []).length === 0 &&
      (rule.apiGroups ?? []).length === 1 &&
      (rule.resources ?? []).length === 1;
    if (!isSimple) {
      compacted.push(rule);
      continue;
    }
    const key = JSON.stringify([rule.apiGroups![0], rule.resources![0], names.length > 0, names[0] ?? ""]);
    const existing = simple.get(key);
    if (!existing) {
      simple.set(key, { ...rule, verbs: [...(rule.verbs ?? [])] });
      continue;
    }
    for (const verb of rule.verbs ?? []) if (!existing.verbs.includes(verb)) existing.verbs.push(verb);
  }
  return [...compacted, ...simple.values()];
}

/** `PolicyRule.String()` from k8s.io/api generated.pb.go, the sort key kubectl uses. */
export function policyRuleString(rule: PolicyRule): string {
  return `&PolicyRule{Verbs:${goList(rule.verbs)},APIGroups:${goList(rule.apiGroups)},Resources:${goList(rule.resources)},ResourceNames:${goList(rule.resourceNames)},NonResourceURLs:${goList(rule.nonResourceURLs)},}`;
}

/** The rules `kubectl auth can-i --list` prints, in its order. */
export function accessListRules(status: SubjectRulesReviewStatus): PolicyRule[] {
  const rules: PolicyRule[] = [
    ...status.resourceRules.map((r) => ({
      verbs: r.verbs,
      apiGroups: r.apiGroups,
      resources: r.resources,
      resourceNames: r.resourceNames,
    })),
    ...status.nonResourceRules.map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
  ];
  const compact = compactRules(rules.flatMap(breakdownRule));
  const keyed = compact.map((rule) => ({ rule, key: policyRuleString(rule) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.rule);
}

/** kubectl `describe.CombineResourceGroup`: `pods`, `deployments.apps/scale`, `*.*`. */
export function combineResourceGroup(
  resources: readonly string[] | undefined,
  groups: readonly string[] | undefined,
): string {
  if (!resources || resources.length === 0) return "";
  const [resource, sub] = splitOnce(resources[0]!, "/");
  let combined = resource;
  if (groups && groups.length > 0 && groups[0] !== "") combined += `.${groups[0]}`;
  if (sub !== undefined) combined += `/${sub}`;
  return combined;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
