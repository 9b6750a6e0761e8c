/**
 * CEL building blocks shared by the generated ValidatingAdmissionPolicies: literals, label selectors, the
 * tenant a namespace belongs to and who counts as the platform — each the CEL twin of one TypeScript
 * function the webhook runs (src/tenancy/tenants.ts resolveTenants, src/webhook/context.ts). The tenants
 * file is baked in as literals: CEL literals are type-checked when the policy is created and cost nothing
 * to parse at admission time, where a ConfigMap parameter would hold only strings to split on every request.
 */
import type { LabelSelector } from "../../model/objects.js";
import type { SubjectRef } from "../../tenancy/config.js";
import { PLATFORM } from "../../tenancy/tenants.js";
import { CONTROL_PLANE_USERS } from "../context.js";
import type { WebhookSettings } from "../settings.js";

/** A CEL string literal (CEL accepts JSON's escapes). */
export function str(value: string): string {
  return JSON.stringify(value);
}

export function strList(values: readonly string[]): string {
  return `[${values.map(str).join(", ")}]`;
}

/** A `map(string, string)` literal. */
export function strMap(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([k, v]) => `${str(k)}: ${str(v)}`).join(", ")}}`;
}

/** A label selector over the CEL map `labels` (src/model/selector.ts): `{}` selects everything. */
export function selectorCel(selector: LabelSelector, labels: string): string {
  const terms: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    terms.push(`(${str(key)} in ${labels} && ${labels}[${str(key)}] == ${str(value)})`);
  for (const e of selector.matchExpressions ?? []) {
    const k = str(e.key);
    const values = strList(e.values ?? []);
    if (e.operator === "In") terms.push(`(${k} in ${labels} && ${labels}[${k}] in ${values})`);
    else if (e.operator === "NotIn") terms.push(`(!(${k} in ${labels}) || !(${labels}[${k}] in ${values}))`);
    else if (e.operator === "Exists") terms.push(`(${k} in ${labels})`);
    else if (e.operator === "DoesNotExist") terms.push(`!(${k} in ${labels})`);
    else terms.push("false"); // the tenants file was validated; an unknown operator selects nothing
  }
  return terms.length === 0 ? "true" : terms.join(" && ");
}

/** Whether a namespace is the platform's by name: the file's platform namespaces, else every `kube-*`. */
export function platformNamespaceCel(settings: WebhookSettings, name: string): string {
  const names = settings.fromFile ? settings.config.platformNamespaces : undefined;
  return names ? `${name} in ${strList(names)}` : `${name}.startsWith("kube-")`;
}

/**
 * The tenant of namespace `name` with labels `labels` (resolveTenants for one namespace): the platform by
 * name, then the first tenant of the file claiming it by name or namespaceSelector, else the namespace itself.
 * The claims are a flat list, not nested conditionals: CEL refuses expressions nested deeper than 250.
 */
export function tenantOfCel(settings: WebhookSettings, name: string, labels: string): string {
  const claims: string[] = [];
  for (const spec of settings.fromFile ? settings.config.tenants : []) {
    const terms: string[] = [];
    if (spec.namespaces.length > 0) terms.push(`${name} in ${strList(spec.namespaces)}`);
    if (spec.namespaceSelector) terms.push(`(${selectorCel(spec.namespaceSelector, labels)})`);
    if (terms.length > 0) claims.push(`(${terms.join(" || ")}) ? ${str(spec.name)} : ""`);
  }
  return `((${platformNamespaceCel(settings, name)}) ? ${str(PLATFORM)} : ${firstClaim(claims, name)})`;
}

/** The first non-empty claim, else `fallback`. */
function firstClaim(claims: readonly string[], fallback: string): string {
  return claims.length === 0
    ? fallback
    : `[${claims.join(", ")}].filter(t, t != "").first().orValue(${fallback})`;
}

/** `a || b || …`, flat for many terms (CEL refuses expressions nested deeper than 250). */
export function anyOf(terms: readonly string[]): string {
  if (terms.length === 0) return "false";
  return terms.length <= 16 ? terms.join(" || ") : `[${terms.join(", ")}].exists(x, x)`;
}

/**
 * Whether the tenant of a namespace CEL cannot see the labels of (a service account's, a binding subject's)
 * is decided by its name alone: true when no tenant is declared by namespaceSelector.
 */
export function tenantsByName(settings: WebhookSettings): boolean {
  return !settings.fromFile || settings.config.tenants.every((t) => !t.namespaceSelector);
}

/**
 * The tenant of a namespace known only by name: the platform's, or the tenant that names it; else, where some
 * tenant is declared by namespaceSelector, "" — it depends on labels CEL cannot read — and the namespace itself
 * otherwise. (A namespace both named by one tenant and selected by an earlier one is a conflict the tenants
 * file's loader reports; here the naming tenant wins.)
 */
export function tenantOfNameCel(settings: WebhookSettings, name: string): string {
  const specs = settings.fromFile ? settings.config.tenants : [];
  const claims = specs
    .filter((spec) => spec.namespaces.length > 0)
    .map((spec) => `${name} in ${strList(spec.namespaces)} ? ${str(spec.name)} : ""`);
  return `((${platformNamespaceCel(settings, name)}) ? ${str(PLATFORM)} : ${firstClaim(claims, tenantsByName(settings) ? name : '""')})`;
}

/** The labels of the request's namespace. */
export const NAMESPACE_LABELS =
  "(has(namespaceObject.metadata.labels) ? namespaceObject.metadata.labels : {})";

/** Labels of `object` or `oldObject` (dyn). */
export function labelsOf(object: string): string {
  return `${object}.metadata.?labels.orValue({})`;
}

const USER = "request.userInfo.username";
const GROUPS = "request.userInfo.?groups.orValue([])";

function subjectIsCel(subject: SubjectRef): string {
  switch (subject.kind) {
    case "User":
      return `${USER} == ${str(subject.name)}`;
    case "Group":
      return `${str(subject.name)} in ${GROUPS}`;
    case "ServiceAccount":
      return `${USER} == ${str(`system:serviceaccount:${subject.namespace}:${subject.name}`)}`;
  }
}

/** `^system:serviceaccount:NS:NAME$` (serviceAccountOf in src/webhook/context.ts). */
export const SERVICE_ACCOUNT_USER = "^system:serviceaccount:[^:]+:[^:]+$";

/** isPlatformUser: administrators, control-plane components, service accounts of platform namespaces. */
export function platformUserCel(settings: WebhookSettings): string {
  return [
    anyOf(settings.config.admins.map(subjectIsCel)),
    `${USER} in ${strList(CONTROL_PLANE_USERS)}`,
    `(${USER}.matches(${str(SERVICE_ACCOUNT_USER)}) && ${tenantOfNameCel(settings, `${USER}.split(":")[2]`)} == ${str(PLATFORM)})`,
  ].join(" || ");
}

/**
 * tenantsOfUser: tenants whose owners include the requester, the tenant of its service account's namespace and
 * of each `system:serviceaccounts:NS` group, in that order, without duplicates or the platform.
 */
export function requesterTenantsCel(settings: WebhookSettings): string {
  const owned = settings.config.tenants
    .filter((t) => t.owners.length > 0)
    .map((t) => `(${anyOf(t.owners.map(subjectIsCel))}) ? ${str(t.name)} : ""`);
  const parts = [
    `[${owned.join(", ")}]`,
    `(${USER}.matches(${str(SERVICE_ACCOUNT_USER)}) ? [${tenantOfNameCel(settings, `${USER}.split(":")[2]`)}] : [])`,
    `${GROUPS}.filter(g, g.matches("^system:serviceaccounts:.+$")).map(g, ${tenantOfNameCel(settings, "g.substring(23)")})`,
  ];
  return `(${parts.join(" + ")}).filter(t, t != ${str(PLATFORM)} && t != "").distinct()`;
}

/** `the platform` or `tenant "x"` (owner() in the guardrails). */
export function ownerCel(tenant: string): string {
  return `(${tenant} == ${str(PLATFORM)} ? "the platform" : "tenant \\"" + ${tenant} + "\\"")`;
}
