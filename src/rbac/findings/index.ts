/**
 * Risky-permission findings for `audit`: for every binding the user wrote (the built-in bootstrap bindings
 * are the platform's own and not reported), the rules of ../rules/ in their registry's order, with the
 * evidence chain binding → role → rule: each risk its role grants in the binding's scope, one finding per
 * subject; bindings to missing roles or service accounts; grants to broad groups; and ClusterRoleBindings
 * that reach namespaced resources in every namespace.
 */
import type { Finding, ObjectRef } from "../../model/finding.js";
import { formatPolicyRule } from "../../model/format.js";
import type { PolicyRule } from "../../model/objects.js";
import { formatOrigin, originOf } from "../../model/origin.js";
import { runRules } from "../../model/rule.js";
import type { Snapshot } from "../../model/snapshot.js";
import { type Authorizer, buildAuthorizer } from "../authorizer.js";
import { isBuiltin } from "../builtin.js";
import { bindingName } from "../explain.js";
import { type Binding, type RoleReference, roleReference } from "../policy.js";
import {
  type BindingContext,
  type ClusterWideAccess,
  clusterWideAccess,
  namespaceDependent,
  type RiskRequests,
  riskRule,
} from "../rules/context.js";
import { RBAC_RULES } from "../rules/index.js";

export { subjectLabel } from "../rules/context.js";
export { RBAC_RULES };

function refOf(binding: Binding): ObjectRef {
  return {
    kind: binding.kind,
    name: binding.metadata.name,
    ...(binding.metadata.namespace ? { namespace: binding.metadata.namespace } : {}),
  };
}

/** What a binding's findings were made of, to keep them while none of it changed (the controller's judgments). */
export interface BindingFindings {
  namespace: string;
  ref: RoleReference;
  /** The ServiceAccounts the rules asked about, and the answers. */
  accounts: [namespace: string, name: string, exists: boolean | undefined][];
  findings: Finding[];
}
/** Each binding's findings, kept from one call to the next by whoever passes the same memo (the controller). */
export type RbacFindingsMemo = WeakMap<Binding, BindingFindings>;

/**
 * Whether a binding's role reference reads as it did: the same role (or the same role's aggregated copy: its
 * metadata) with the very same rules, or the same error.
 */
function sameReference(a: RoleReference, b: RoleReference): boolean {
  if (!a.ok || !b.ok) return !a.ok && !b.ok && a.error === b.error;
  return (
    a.role.kind === b.role.kind &&
    a.role.metadata === b.role.metadata &&
    a.rules.length === b.rules.length &&
    a.rules.every((rule, i) => rule === b.rules[i])
  );
}

export function rbacFindings(
  snapshot: Snapshot,
  authorizer: Authorizer = buildAuthorizer(snapshot),
  byBinding: RbacFindingsMemo = new WeakMap(),
): Finding[] {
  const findings: Finding[] = [];
  const serviceAccounts = new Set(
    snapshot.serviceAccounts.map((sa) => `${sa.metadata.namespace}/${sa.metadata.name}`),
  );
  const knowsServiceAccounts =
    !snapshot.missingKinds.includes("ServiceAccount") && snapshot.serviceAccounts.length > 0;
  const serviceAccountExists = (namespace: string, name: string) =>
    knowsServiceAccounts ? serviceAccounts.has(`${namespace}/${name}`) : undefined;

  const bindings: [Binding, string][] = [
    ...authorizer.policy.clusterRoleBindings.map((b): [Binding, string] => [b, ""]),
    ...[...authorizer.policy.roleBindingsByNamespace].flatMap(([ns, list]) =>
      list.map((b): [Binding, string] => [b, ns]),
    ),
  ];
  // Which rule carries a risk depends on the rules array alone (but for risks naming the binding's namespace),
  // and arrays repeat (every binding to one ClusterRole shares its role's): each is worked out once. So are
  // the evidence lines of rules and roles.
  const riskRules = new Map<readonly PolicyRule[], Map<RiskRequests, PolicyRule | undefined>>();
  const dependent = new Map<RiskRequests, boolean>();
  const riskRuleOf = (rules: readonly PolicyRule[], risk: RiskRequests, namespace: string) => {
    let depends = dependent.get(risk);
    if (depends === undefined) {
      depends = namespaceDependent(risk);
      dependent.set(risk, depends);
    }
    if (depends) return riskRule(rules, risk, namespace);
    let known = riskRules.get(rules);
    if (!known) {
      known = new Map();
      riskRules.set(rules, known);
    }
    if (!known.has(risk)) known.set(risk, riskRule(rules, risk, namespace));
    return known.get(risk);
  };
  const ruleLines = new Map<PolicyRule, string>();
  const ruleLine = (rule: PolicyRule) => {
    let line = ruleLines.get(rule);
    if (line === undefined) {
      line = `rule: ${formatPolicyRule(rule)}`;
      ruleLines.set(rule, line);
    }
    return line;
  };
  const roleLines = new Map<object, string>();
  const clusterWide = new Map<readonly PolicyRule[], ClusterWideAccess | undefined>();

  for (const [binding, namespace] of bindings) {
    if (isBuiltin(binding)) continue;
    const ref = roleReference(authorizer.policy, binding);
    // A role kind the source could not read is unknown, not missing (the load said it was not read).
    if (!ref.ok && snapshot.missingKinds.includes(binding.roleRef.kind)) continue;
    // A binding, its role and the ServiceAccounts it asked about as they were: its findings as they were.
    const known = byBinding.get(binding);
    if (
      known &&
      known.namespace === namespace &&
      sameReference(known.ref, ref) &&
      known.accounts.every(([ns, name, exists]) => serviceAccountExists(ns, name) === exists)
    ) {
      findings.push(...known.findings);
      continue;
    }
    let role: BindingContext["role"];
    if (ref.ok) {
      let line = roleLines.get(ref.role);
      if (line === undefined) {
        line = `${ref.role.kind} ${ref.role.metadata.namespace ? `${ref.role.metadata.namespace}/` : ""}${ref.role.metadata.name} (${isBuiltin(ref.role) ? "built-in" : formatOrigin(originOf(ref.role))})`;
        roleLines.set(ref.role, line);
      }
      role = { ok: true, role: ref.role, rules: ref.rules, line };
    } else role = ref;
    const rules = ref.ok ? ref.rules : [];
    const accounts: BindingFindings["accounts"] = [];
    const context: BindingContext = {
      binding,
      namespace,
      subjects: (binding.subjects ?? []).filter(
        (s) => !(s.kind === "ServiceAccount" && !(s.namespace || namespace)),
      ),
      where: namespace ? `in namespace ${namespace}` : "in every namespace and at cluster scope",
      resource: refOf(binding),
      origin: originOf(binding),
      bindingLine: `${bindingName(binding)} (${formatOrigin(originOf(binding))})`,
      role,
      ruleLine,
      carries: (risk) => riskRuleOf(rules, risk, namespace || "kube-system"),
      clusterWideAccess: () => {
        if (!clusterWide.has(rules)) clusterWide.set(rules, clusterWideAccess(rules));
        return clusterWide.get(rules);
      },
      serviceAccountExists: (ns, name) => {
        const exists = serviceAccountExists(ns, name);
        accounts.push([ns, name, exists]);
        return exists;
      },
    };
    const own = runRules(RBAC_RULES, context);
    byBinding.set(binding, { namespace, ref, accounts, findings: own });
    findings.push(...own);
  }
  return findings;
}
