/**
 * What every RBAC rule reads about one binding the user wrote: its subjects and scope, the role it refers to
 * (or why it refers to none), the evidence lines of the chain binding → role → rule, and memoized answers that
 * many bindings share (every binding to one ClusterRole shares its role's rules array).
 */
import type { ObjectRef } from "../../model/finding.js";
import { formatSubject } from "../../model/format.js";
import type { ClusterRole, PolicyRule, Role, Subject } from "../../model/objects.js";
import type { Origin } from "../../model/origin.js";
import type { RequestAttributes } from "../attributes.js";
import { combinedResource, ruleAllows } from "../matchers.js";
import type { Binding } from "../policy.js";
import { STANDARD_RESOURCES } from "../resources.js";

export interface RiskRequest {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** "own": the binding's namespace (for namespaces); "some": any name, incl. names a rule lists; "": none. */
  name?: "" | "some" | "own";
}

/** The requests that prove a risky permission (src/rbac/rules/risk.ts). */
export interface RiskRequests {
  /** Any one of these allowed is the risk. */
  anyOf: readonly RiskRequest[];
  /** Additionally required (all): e.g. CSR approval needs both update approval and approve signers. */
  allOf?: readonly RiskRequest[];
}

export interface ClusterWideAccess {
  /** Some verb beyond reading. */
  writes: boolean;
  /** `get, list pods; create deployments.apps`. */
  summary: string;
  /** The rules that grant it. */
  rules: PolicyRule[];
}

export interface BindingContext {
  binding: Binding;
  /** The RoleBinding's namespace; "" for a ClusterRoleBinding. */
  namespace: string;
  /** Its subjects, less ServiceAccounts that name no namespace (they bind no one). */
  subjects: readonly Subject[];
  /** `in namespace team-a` or `in every namespace and at cluster scope`. */
  where: string;
  resource: ObjectRef;
  origin: Origin | undefined;
  /** `ClusterRoleBinding x (file:line)`. */
  bindingLine: string;
  /** The role it refers to, or why there is none. */
  role:
    | { ok: true; role: Role | ClusterRole; rules: readonly PolicyRule[]; line: string }
    | { ok: false; error: string };
  /** `rule: …`, one per rule, made once. */
  ruleLine(rule: PolicyRule): string;
  /** The rule by which the role carries the risk in the binding's scope, if it does. */
  carries(risk: RiskRequests): PolicyRule | undefined;
  /** What the role allows on namespaced resources when bound cluster-wide. */
  clusterWideAccess(): ClusterWideAccess | undefined;
  /** Whether the ServiceAccount exists; undefined when the snapshot cannot say (none read). */
  serviceAccountExists(namespace: string, name: string): boolean | undefined;
}

/** A binding's subject (model/format.ts); a ServiceAccount without a namespace is in the binding's. */
export function subjectLabel(subject: Subject, bindingNamespace: string): string {
  return formatSubject(
    subject.kind === "ServiceAccount"
      ? { ...subject, namespace: subject.namespace || bindingNamespace }
      : subject,
  );
}

/** `User bob`, `ServiceAccount ns/name`: for messages. */
export function subjectText(subject: Subject, bindingNamespace: string): string {
  return subjectLabel(subject, bindingNamespace).replace(":", " ");
}

/** The first rule that allows one of the requests (names: "some" also tries every listed name). */
export function ruleFor(
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
export function riskRule(
  rules: readonly PolicyRule[],
  risk: RiskRequests,
  namespace: string,
): PolicyRule | undefined {
  const rule = ruleFor(rules, risk.anyOf, namespace);
  if (!rule) return undefined;
  if (risk.allOf && !risk.allOf.every((r) => ruleFor(rules, [r], namespace))) return undefined;
  return rule;
}

/** Whether a risk's requests name the binding's own namespace: then its answer depends on it. */
export function namespaceDependent(risk: RiskRequests): boolean {
  return [...risk.anyOf, ...(risk.allOf ?? [])].some((r) => r.name === "own");
}

const VERB_ORDER = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const READ_VERBS = new Set(["get", "list", "watch"]);

/** What rules bound cluster-wide allow on namespaced resources (in every namespace, kube-system included). */
export function clusterWideAccess(rules: readonly PolicyRule[]): ClusterWideAccess | undefined {
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
