/**
 * The API server's authorization decision for a request, as kube-apiserver makes it with RBAC: the
 * privileged-group authorizer first (`system:masters` may do anything; apiserver
 * `authorizerfactory.NewPrivilegedGroups`), then RBAC (`plugin/pkg/auth/authorizer/rbac/rbac.go`
 * `Authorize`): the first rule that allows wins with reason `RBAC: allowed by <source>`; otherwise no
 * opinion (a denial), with reason `RBAC: <resolution errors>` when some binding could not be resolved.
 * When no authorizer allows, apiserver's union authorizer (`pkg/authorization/union`) joins the reasons
 * and, since v1.37 (kubernetes#137513, named authorizers), prefixes each with its authorizer's name —
 * `rbac` for `--authorization-mode=RBAC` — so a v1.37 denial says `rbac: RBAC: …`; an allow's reason is
 * the allowing authorizer's own, unprefixed.
 */

import { aggregateErrors } from "../model/go-format.js";
import { atLeast, DEFAULT_KUBE_VERSION, type KubeVersion } from "../model/kube-version.js";
import type { PolicyRule } from "../model/objects.js";
import type { Snapshot } from "../model/snapshot.js";
import { MASTERS, type RequestAttributes, type UserInfo } from "./attributes.js";
import { compiledAllows } from "./compiled-rule.js";
import { type BindingIndex, candidates, indexedResolver } from "./indexed-resolver.js";
import { combinedResource, ruleAllows } from "./matchers.js";
import { buildPolicy, describeSource, type Policy, type RuleSource } from "./policy.js";
import { plainResolver, type RuleResolver } from "./resolver.js";
import { appliesTo } from "./subjects.js";

export interface Grant extends RuleSource {
  rule: PolicyRule;
  /** rule.go's describer: `ClusterRoleBinding "x" of ClusterRole "y" to User "bob"`. */
  description: string;
}

export interface Decision {
  allowed: boolean;
  /** SubjectAccessReview `status.reason` as the API server gives it; "" when it gives none. */
  reason: string;
  /** The rule that allowed it (RBAC allows only). */
  via?: Grant;
  /** Allowed by membership of `system:masters`, before RBAC. */
  superuser?: boolean;
  /** Bindings whose role could not be resolved, in visiting order (only collected when denied). */
  errors: string[];
}

export interface RulesForResult {
  rules: Grant[];
  errors: string[];
}

export interface Authorizer {
  policy: Policy;
  authorize(attributes: RequestAttributes): Decision;
  /** rule.go `RulesFor`: every rule that applies to the user in the namespace ("" = cluster scope), with its source. */
  rulesFor(user: UserInfo, namespace: string): RulesForResult;
  resolve: RuleResolver;
}

export interface AuthorizerOptions {
  /** Use the plain resolver (every binding each time); the indexed one is the default. */
  plain?: boolean;
  /** The API server version whose wording reasons follow (default DEFAULT_KUBE_VERSION). */
  kubeVersion?: KubeVersion;
}

/** A denial's reason as the union authorizer of `version` words RBAC's resolution errors ("" for none). */
export function denialReason(errors: readonly string[], version: KubeVersion = DEFAULT_KUBE_VERSION): string {
  if (errors.length === 0) return "";
  const rbac = `RBAC: ${aggregateErrors(errors)}`;
  return atLeast(version, 37) ? `rbac: ${rbac}` : rbac;
}

export function buildAuthorizer(
  snapshot: Pick<Snapshot, "roles" | "clusterRoles" | "roleBindings" | "clusterRoleBindings">,
  options: AuthorizerOptions = {},
): Authorizer {
  const policy = buildPolicy(snapshot);
  const version = options.kubeVersion ?? DEFAULT_KUBE_VERSION;
  if (options.plain) return authorizerFor(policy, plainResolver(policy), undefined, version);
  const indexed = indexedResolver(policy);
  return authorizerFor(policy, indexed.resolve, indexed.scopes, version);
}

/** describeSource per binding and subject index, computed once. */
const descriptions = new WeakMap<object, string[]>();

function describeOnce(source: RuleSource): string {
  let list = descriptions.get(source.binding);
  if (!list) {
    list = [];
    descriptions.set(source.binding, list);
  }
  list[source.subjectIndex] ??= describeSource(source);
  return list[source.subjectIndex]!;
}

/**
 * The authorizer over a resolver. `scopes` (from the indexed resolver) is the fast path: the same visit
 * over only the bindings naming the user or its groups, with no callback per rule and no allocation
 * unless something allows.
 */
export function authorizerFor(
  policy: Policy,
  resolve: RuleResolver,
  scopes?: (namespace: string) => readonly BindingIndex[],
  version: KubeVersion = DEFAULT_KUBE_VERSION,
): Authorizer {
  const fast = (attributes: RequestAttributes): Decision => {
    const combined = combinedResource(attributes);
    const user = attributes.user;
    let errors: string[] | undefined;
    for (const index of scopes!(attributes.namespace))
      for (const position of candidates(index, user)) {
        const ref = index.refs[position]!;
        if (!ref.ok) {
          if (errors) errors.push(ref.error);
          else errors = [ref.error];
          continue;
        }
        const compiled = index.compiled[position]!;
        for (let r = 0; r < compiled.length; r++)
          if (compiledAllows(attributes, compiled[r]!, combined)) {
            const rule = ref.rules[r]!;
            const binding = index.bindings[position]!;
            const source = {
              binding,
              subjectIndex: appliesTo(user, binding.subjects, index.namespace),
              role: ref.role,
            };
            const description = describeOnce(source);
            return {
              allowed: true,
              reason: `RBAC: allowed by ${description}`,
              via: { ...source, rule, description },
              errors: [],
            };
          }
      }
    return errors
      ? { allowed: false, reason: denialReason(errors, version), errors }
      : { allowed: false, reason: "", errors: [] };
  };
  return {
    policy,
    resolve,
    authorize(attributes) {
      if (attributes.user.groups.includes(MASTERS))
        return { allowed: true, reason: "", superuser: true, errors: [] };
      if (scopes) return fast(attributes);
      let via: Grant | undefined;
      const errors: string[] = [];
      resolve(attributes.user, attributes.namespace, (source, rule, error) => {
        if (rule && source && ruleAllows(attributes, rule)) {
          via = { ...source, rule, description: describeSource(source) };
          return false;
        }
        if (error !== undefined) errors.push(error);
        return true;
      });
      if (via) return { allowed: true, reason: `RBAC: allowed by ${via.description}`, via, errors: [] };
      return { allowed: false, reason: denialReason(errors, version), errors };
    },
    rulesFor(user, namespace) {
      const rules: Grant[] = [];
      const errors: string[] = [];
      resolve(user, namespace, (source, rule, error) => {
        if (rule && source) rules.push({ ...source, rule, description: describeSource(source) });
        if (error !== undefined) errors.push(error);
        return true;
      });
      return { rules, errors };
    },
  };
}
