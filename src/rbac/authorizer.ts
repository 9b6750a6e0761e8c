/**
 * The API server's authorization decision for a request, as kube-apiserver makes it with RBAC: the
 * privileged-group authorizer first (`system:masters` may do anything; apiserver
 * `authorizerfactory.NewPrivilegedGroups`), then RBAC (`plugin/pkg/auth/authorizer/rbac/rbac.go`
 * `Authorize`): the first rule that allows wins with reason `RBAC: allowed by <source>`; otherwise no
 * opinion (a denial), with reason `RBAC: <resolution errors>` when some binding could not be resolved.
 */
import type { PolicyRule } from "../model/objects.js";
import type { Snapshot } from "../model/snapshot.js";
import { MASTERS, type RequestAttributes, type UserInfo } from "./attributes.js";
import { aggregateErrors } from "./go-format.js";
import { indexedResolver } from "./indexed-resolver.js";
import { ruleAllows } from "./matchers.js";
import { buildPolicy, describeSource, type Policy, type RuleSource } from "./policy.js";
import { plainResolver, type RuleResolver } from "./resolver.js";

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
}

export function buildAuthorizer(
  snapshot: Pick<Snapshot, "roles" | "clusterRoles" | "roleBindings" | "clusterRoleBindings">,
  options: AuthorizerOptions = {},
): Authorizer {
  const policy = buildPolicy(snapshot);
  return authorizerFor(policy, options.plain ? plainResolver(policy) : indexedResolver(policy).resolve);
}

export function authorizerFor(policy: Policy, resolve: RuleResolver): Authorizer {
  return {
    policy,
    resolve,
    authorize(attributes) {
      if (attributes.user.groups.includes(MASTERS))
        return { allowed: true, reason: "", superuser: true, errors: [] };
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
      return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregateErrors(errors)}` : "", errors };
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
