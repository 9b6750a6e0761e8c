/**
 * Risky-permission findings for `audit`: for every binding the user wrote (the built-in bootstrap bindings
 * are the platform's own and not reported), each risk its role grants in the binding's scope, one finding per
 * subject, with the evidence chain binding → role → rule. Plus bindings to missing roles or service accounts,
 * grants to broad groups, and ClusterRoleBindings that reach namespaced resources in every namespace.
 */
import type { Finding, ObjectRef, Severity } from "../../model/finding.js";
import type { PolicyRule, Subject } from "../../model/objects.js";
import { formatOrigin, originOf } from "../../model/origin.js";
import type { Snapshot } from "../../model/snapshot.js";
import { type RequestAttributes, serviceAccountUsername } from "../attributes.js";
import { type Authorizer, buildAuthorizer } from "../authorizer.js";
import { isBuiltin } from "../builtin.js";
import { bindingName, describeRule } from "../explain.js";
import { combinedResource, ruleAllows } from "../matchers.js";
import { type Binding, roleReference } from "../policy.js";
import { STANDARD_RESOURCES } from "../resources.js";
import { RISKS, type Risk, type RiskRequest } from "./risks.js";

// A Map, not an object: a group named `constructor` or `__proto__` must not find Object.prototype's members.
const BROAD_GROUPS = new Map<string, Severity>([
  ["system:unauthenticated", "critical"],
  ["system:authenticated", "high"],
  ["system:serviceaccounts", "high"],
]);

export function subjectLabel(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === "ServiceAccount")
    return `ServiceAccount:${subject.namespace || bindingNamespace}/${subject.name}`;
  return `${subject.kind}:${subject.name}`;
}

/** `User bob`, `ServiceAccount ns/name`: for messages. */
function subjectText(subject: Subject, bindingNamespace: string): string {
  return subjectLabel(subject, bindingNamespace).replace(":", " ");
}

function refOf(binding: Binding): ObjectRef {
  return {
    kind: binding.kind,
    name: binding.metadata.name,
    ...(binding.metadata.namespace ? { namespace: binding.metadata.namespace } : {}),
  };
}

/** The first rule that allows one of the risk's requests (names: "some" also tries every listed name). */
function ruleFor(
  rules: readonly PolicyRule[],
  requests: readonly RiskRequest[],
  namespace: string,
): PolicyRule | undefined {
  for (const request of requests) {
    const attributes: RequestAttributes = {
      user: { name: "", groups: [] },
      verb: request.verb,
      resourceRequest: true,
      namespace,
      apiGroup: request.group,
      resource: request.resource,
      subresource: request.subresource ?? "",
      name: request.name === "own" ? namespace : "",
      path: "",
    };
    const combined = combinedResource(attributes);
    for (const rule of rules) {
      if (ruleAllows(attributes, rule, combined)) return rule;
      if (request.name !== "some") continue;
      for (const name of rule.resourceNames ?? [])
        if (ruleAllows({ ...attributes, name }, rule, combined)) return rule;
    }
  }
  return undefined;
}

/** The rule by which these rules carry the risk in the namespace, if they do. */
function riskRule(rules: readonly PolicyRule[], risk: Risk, namespace: string): PolicyRule | undefined {
  const rule = ruleFor(rules, risk.anyOf, namespace);
  if (!rule) return undefined;
  if (risk.allOf && !risk.allOf.every((r) => ruleFor(rules, [r], namespace))) return undefined;
  return rule;
}

/** Risks whose requests name the binding's own namespace: their answer depends on it. */
const NAMESPACE_DEPENDENT = new Set(
  RISKS.filter((risk) => [...risk.anyOf, ...(risk.allOf ?? [])].some((r) => r.name === "own")),
);

const VERB_ORDER = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const READ_VERBS = new Set(["get", "list", "watch"]);

export function rbacFindings(
  snapshot: Snapshot,
  authorizer: Authorizer = buildAuthorizer(snapshot),
): Finding[] {
  const findings: Finding[] = [];
  const serviceAccounts = new Set(
    snapshot.serviceAccounts.map((sa) => `${sa.metadata.namespace}/${sa.metadata.name}`),
  );
  const knowsServiceAccounts =
    !snapshot.missingKinds.includes("ServiceAccount") && snapshot.serviceAccounts.length > 0;

  const bindings: [Binding, string][] = [
    ...authorizer.policy.clusterRoleBindings.map((b): [Binding, string] => [b, ""]),
    ...[...authorizer.policy.roleBindingsByNamespace].flatMap(([ns, list]) =>
      list.map((b): [Binding, string] => [b, ns]),
    ),
  ];
  // Which rule carries a risk depends on the rules array alone (but for risks naming the binding's namespace),
  // and arrays repeat (every binding to one ClusterRole shares its role's): each is worked out once. So are
  // the evidence lines of rules and roles.
  const riskRules = new Map<readonly PolicyRule[], Map<Risk, PolicyRule | undefined>>();
  const riskRuleOf = (rules: readonly PolicyRule[], risk: Risk, namespace: string) => {
    if (NAMESPACE_DEPENDENT.has(risk)) return riskRule(rules, risk, namespace);
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
      line = `rule: ${describeRule(rule)}`;
      ruleLines.set(rule, line);
    }
    return line;
  };
  const roleLines = new Map<object, string>();
  const clusterWide = new Map<readonly PolicyRule[], ClusterWideAccess | undefined>();

  for (const [binding, namespace] of bindings) {
    if (isBuiltin(binding)) continue;
    const subjects = (binding.subjects ?? []).filter(
      (s) => !(s.kind === "ServiceAccount" && !(s.namespace || namespace)),
    );
    const where = namespace ? `in namespace ${namespace}` : "in every namespace and at cluster scope";
    const resource = refOf(binding);
    const origin = originOf(binding);
    // Not `{ ...base, id, … }`: V8 builds objects that start with a spread many times slower, and there are 10⁵.
    const finding = (fields: Omit<Finding, "plane" | "resource" | "origin">): Finding => ({
      plane: "api",
      resource,
      origin,
      ...fields,
    });
    const bindingLine = `${bindingName(binding)} (${formatOrigin(originOf(binding))})`;
    const ref = roleReference(authorizer.policy, binding);
    if (!ref.ok) {
      // A role kind the source could not read is unknown, not missing (the load said it was not read).
      if (snapshot.missingKinds.includes(binding.roleRef.kind)) continue;
      for (const subject of subjects)
        findings.push(
          finding({
            id: "rbac.missing-role",
            severity: "medium",
            subject: subjectLabel(subject, namespace),
            object: `${binding.roleRef.kind} ${binding.roleRef.name}`,
            message: `${bindingName(binding)} refers to ${binding.roleRef.kind} ${binding.roleRef.name}, which does not exist: it grants nothing now, and whatever a role of that name will hold once someone creates it`,
            evidence: [bindingLine, `roleRef: ${binding.roleRef.kind} ${binding.roleRef.name}: ${ref.error}`],
            remediation: `Create the ${binding.roleRef.kind} ${binding.roleRef.name} with the intended rules, or delete the binding.`,
          }),
        );
      continue;
    }
    let roleLine = roleLines.get(ref.role);
    if (roleLine === undefined) {
      roleLine = `${ref.role.kind} ${ref.role.metadata.namespace ? `${ref.role.metadata.namespace}/` : ""}${ref.role.metadata.name} (${isBuiltin(ref.role) ? "built-in" : formatOrigin(originOf(ref.role))})`;
      roleLines.set(ref.role, roleLine);
    }
    const chain = (rule: PolicyRule) => [bindingLine, roleLine, ruleLine(rule)];
    const fired = new Set<string>();

    for (const risk of RISKS) {
      if (namespace && !risk.namespaced) continue;
      const rule = riskRuleOf(ref.rules, risk, namespace || "kube-system");
      if (!rule) continue;
      fired.add(risk.id);
      const severity = namespace ? (risk.severity.namespace ?? risk.severity.cluster) : risk.severity.cluster;
      for (const subject of subjects)
        findings.push(
          finding({
            id: risk.id,
            severity,
            subject: subjectLabel(subject, namespace),
            object: namespace ? `namespace ${namespace}` : "cluster",
            message: `${subjectText(subject, namespace)} can ${risk.what} ${where}`,
            evidence: chain(rule),
            remediation: risk.remediation,
          }),
        );
    }

    // A ClusterRoleBinding reaches namespaced resources in every namespace, kube-system and other tenants included.
    if (!namespace && !fired.has("rbac.cluster-admin")) {
      if (!clusterWide.has(ref.rules)) clusterWide.set(ref.rules, clusterWideAccess(ref.rules));
      const access = clusterWide.get(ref.rules);
      if (access)
        for (const subject of subjects)
          findings.push(
            finding({
              id: "rbac.cluster-wide-namespaced-access",
              severity: access.writes ? "high" : "medium",
              subject: subjectLabel(subject, ""),
              object: "every namespace",
              message: `${subjectText(subject, "")} can ${access.summary} in every namespace, kube-system and every tenant's included (${bindingName(binding)})`,
              evidence: [bindingLine, roleLine, ...access.rules.map(ruleLine)],
              remediation: `Replace the ClusterRoleBinding with RoleBindings (to the same ClusterRole) in the namespaces ${subjects.length === 1 ? "this subject" : "these subjects"} should reach.`,
            }),
          );
    }

    for (const subject of subjects) {
      const broad = subject.kind === "Group" ? BROAD_GROUPS.get(subject.name) : undefined;
      if (broad && ref.rules.length > 0)
        findings.push(
          finding({
            id: "rbac.broad-group",
            severity: broad,
            subject: subjectLabel(subject, namespace),
            object: namespace ? `namespace ${namespace}` : "cluster",
            message: `${bindingName(binding)} grants ${ref.role.kind} ${ref.role.metadata.name} to every member of ${subject.name} ${where}`,
            evidence: [bindingLine, roleLine, ...ref.rules.map(ruleLine)],
            remediation: `Bind the role to the specific users, groups or service accounts that need it instead of ${subject.name}.`,
          }),
        );
      if (subject.kind === "ServiceAccount" && knowsServiceAccounts) {
        const ns = subject.namespace || namespace;
        if (subject.name !== "default" && !serviceAccounts.has(`${ns}/${subject.name}`))
          findings.push(
            finding({
              id: "rbac.missing-service-account",
              severity: "low",
              subject: subjectLabel(subject, namespace),
              object: `ServiceAccount ${ns}/${subject.name}`,
              message: `${bindingName(binding)} grants to ServiceAccount ${ns}/${subject.name}, which does not exist: whoever can create service accounts in ${ns} can claim these permissions (${serviceAccountUsername(ns, subject.name)})`,
              evidence: [bindingLine, roleLine],
              remediation: `Create the ServiceAccount ${ns}/${subject.name} or remove it from the binding.`,
            }),
          );
      }
    }
  }
  return findings;
}

interface ClusterWideAccess {
  /** Some verb beyond reading. */
  writes: boolean;
  /** `get, list pods; create deployments.apps`. */
  summary: string;
  /** The rules that grant it. */
  rules: PolicyRule[];
}

/** What rules bound cluster-wide allow on namespaced resources (in every namespace, kube-system included). */
function clusterWideAccess(rules: readonly PolicyRule[]): ClusterWideAccess | undefined {
  const grants = new Map<string, { verbs: string[]; rule: PolicyRule }>();
  for (const resource of STANDARD_RESOURCES) {
    if (!resource.namespaced) continue;
    for (const verb of VERB_ORDER) {
      const rule = ruleFor(
        rules,
        [{ verb, group: resource.group, resource: resource.resource, name: "" }],
        "kube-system",
      );
      if (!rule) continue;
      const key = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
      const entry = grants.get(key) ?? { verbs: [], rule };
      entry.verbs.push(verb);
      grants.set(key, entry);
    }
  }
  if (grants.size === 0) return undefined;
  return {
    writes: [...grants.values()].some((g) => g.verbs.some((v) => !READ_VERBS.has(v))),
    summary: [...grants].map(([resource, g]) => `${g.verbs.join(", ")} ${resource}`).join("; "),
    rules: [...new Set([...grants.values()].map((g) => g.rule))],
  };
}
