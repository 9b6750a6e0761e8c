/**
 * The API plane of the matrix: which tenant's identities can read or change objects in another tenant's
 * namespaces, by which binding → role → rule. Grants are walked from the bindings (not per identity ×
 * namespace), so the cost grows with bindings, not with tenants².
 *
 * Identities are binding subjects (User, Group, ServiceAccount) and the tenants file's owners. An identity
 * belongs to a tenant when the file names it an owner, when it is a ServiceAccount of the tenant's
 * namespaces, or when every grant it holds lies inside one tenant's namespaces. Platform administrators
 * (the file's admins, and Kubernetes' own `system:` identities) are never reported. Grants to
 * `system:authenticated` or `system:serviceaccounts` reach every tenant's identities at once.
 */
import type { PolicyRule, Subject } from "../model/objects.js";
import type { Snapshot } from "../model/snapshot.js";
import { POD_CONTROLLER_RESOURCES } from "../model/workloads.js";
import {
  ALL_AUTHENTICATED,
  ALL_SERVICE_ACCOUNTS,
  ALL_UNAUTHENTICATED,
  resourceAttributes,
} from "../rbac/attributes.js";
import { ruleAllows } from "../rbac/matchers.js";
import { type Binding, describeSource, type Policy, roleReference } from "../rbac/policy.js";
import { standardResource } from "../rbac/resources.js";
import { formatSubject } from "./config.js";
import { ALL_TENANTS, BreachMap, NO_TENANT } from "./matrix.js";
import { PLATFORM, type Tenancy } from "./tenants.js";

/** Groups every identity of some kind belongs to: a grant to them is a grant to every tenant. */
const EVERYONE_GROUPS = new Set([ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ALL_SERVICE_ACCOUNTS]);

export interface ApiGrant {
  identity: string;
  binding: Binding;
  subjectIndex: number;
  /** The namespace the grant applies in, or ALL_TENANTS for a ClusterRoleBinding. */
  namespace: string;
  rule: PolicyRule;
  evidence: string[];
}

export interface ApiPlane {
  breaches: BreachMap;
  /** Identity (`User:bob`) → tenant name, NO_TENANT, or PLATFORM for administrators. */
  tenantOfIdentity: Map<string, string>;
  grants: ApiGrant[];
  /** The grants behind some breach: what a fix must take away. */
  crossing: Set<ApiGrant>;
}

export function apiPlane(policy: Policy, tenancy: Tenancy): ApiPlane {
  const grants = collectGrants(policy);
  const tenantOfIdentity = assignIdentities(grants, tenancy);
  const breaches = new BreachMap();
  const crossing = new Set<ApiGrant>();
  const tenantRows = tenancy.tenants.filter((t) => !t.platform).map((t) => t.name);

  for (const grant of grants) {
    const fromTenants = grantHolders(grant.identity, tenantOfIdentity, tenantRows);
    for (const from of fromTenants) {
      if (grant.namespace === ALL_TENANTS) {
        breaches.add(from, ALL_TENANTS, [...grant.evidence, `in every namespace, so in every tenant's`]);
        crossing.add(grant);
        continue;
      }
      const to = tenancy.tenantOf.get(grant.namespace);
      if (to && to !== from) {
        breaches.add(from, to, [...grant.evidence, `in namespace ${grant.namespace} (tenant ${to})`]);
        crossing.add(grant);
      }
    }
  }
  return { breaches, tenantOfIdentity, grants, crossing };
}

/**
 * Breaches through another identity's hands: a row that can exec into (or attach to) a pod, or create pods,
 * in some namespace acts as that namespace's ServiceAccounts, and so reaches wherever they reach.
 * (Identities of the row's own namespaces are its own already: this adds what crosses tenants.)
 */
export function addBorrowedBreaches(plane: ApiPlane, snapshot: Snapshot, tenancy: Tenancy): void {
  const tenantRows = tenancy.tenants.filter((t) => !t.platform).map((t) => t.name);
  const accountsUsedByPods = new Map<string, Map<string, string>>(); // namespace → SA → an example pod
  for (const pod of snapshot.pods) {
    const account = pod.spec?.serviceAccountName || "default";
    const used = accountsUsedByPods.get(pod.metadata.namespace) ?? new Map<string, string>();
    accountsUsedByPods.set(pod.metadata.namespace, used);
    if (!used.has(account)) used.set(account, pod.metadata.name);
  }
  const accountsIn = new Map<string, Set<string>>();
  for (const sa of snapshot.serviceAccounts) {
    const set = accountsIn.get(sa.metadata.namespace) ?? new Set<string>(["default"]);
    accountsIn.set(sa.metadata.namespace, set);
    set.add(sa.metadata.name);
  }
  const crossingBy = new Map<string, ApiGrant[]>();
  for (const grant of plane.crossing)
    crossingBy.set(grant.identity, [...(crossingBy.get(grant.identity) ?? []), grant]);
  if (crossingBy.size === 0) return;

  const verbs = [
    ["create", "pods", "exec"],
    ["create", "pods", "attach"],
    ["create", "pods", ""],
  ] as const;
  for (const grant of plane.grants) {
    // A cluster-wide grant to exec or create pods already reaches every tenant directly.
    if (grant.namespace === ALL_TENANTS) continue;
    const namespace = grant.namespace;
    const via = verbs.find(([verb, resource, subresource]) =>
      ruleAllows(resourceAttributes(NOBODY, { verb, resource, subresource, namespace }), grant.rule),
    );
    if (!via) continue;
    const borrowed: [string, string][] =
      via[2] === ""
        ? [...(accountsIn.get(namespace) ?? new Set(["default"]))].map((sa) => [
            sa,
            `a new pod that runs as it`,
          ])
        : [...(accountsUsedByPods.get(namespace) ?? new Map<string, string>())].map(([sa, pod]) => [
            sa,
            `pod ${namespace}/${pod}, which runs as it`,
          ]);
    for (const [account, how] of borrowed) {
      const identity = formatSubject({ kind: "ServiceAccount", namespace, name: account });
      if (identity === grant.identity) continue;
      for (const theirs of crossingBy.get(identity) ?? []) {
        const action = via[2] === "" ? "create pods" : `${via[2]} into pods`;
        for (const from of grantHolders(grant.identity, plane.tenantOfIdentity, tenantRows)) {
          const target =
            theirs.namespace === ALL_TENANTS ? ALL_TENANTS : tenancy.tenantOf.get(theirs.namespace);
          if (!target || target === from) continue;
          plane.breaches.add(from, target, [
            ...grant.evidence,
            `so ${grant.identity} can ${action} in namespace ${namespace}: ${how} (${identity})`,
            ...theirs.evidence.slice(1),
            theirs.namespace === ALL_TENANTS
              ? "in every namespace, so in every tenant's"
              : `in namespace ${theirs.namespace} (tenant ${target})`,
          ]);
        }
      }
    }
  }
}

/**
 * For each matrix row: the namespaces whose Namespace object (and so its Pod Security labels) some identity of
 * it may patch; the key ALL_TENANTS when it may patch every namespace.
 */
export function namespacePatchers(plane: ApiPlane, tenancy: Tenancy): Map<string, Map<string, string[]>> {
  const tenantRows = tenancy.tenants.filter((t) => !t.platform).map((t) => t.name);
  const out = new Map<string, Map<string, string[]>>();
  for (const grant of plane.grants) {
    // Cluster-wide: every namespace when the rule names none, else the namespaces it names.
    const namespaces =
      grant.namespace !== ALL_TENANTS
        ? [grant.namespace]
        : (grant.rule.resourceNames ?? []).length > 0
          ? (grant.rule.resourceNames ?? [])
          : [ALL_TENANTS];
    for (const namespace of namespaces) {
      const name = namespace === ALL_TENANTS ? "" : namespace;
      const verb = ["patch", "update"].find((v) =>
        ruleAllows(
          resourceAttributes(NOBODY, { verb: v, resource: "namespaces", name, namespace: name }),
          grant.rule,
        ),
      );
      if (!verb) continue;
      for (const row of grantHolders(grant.identity, plane.tenantOfIdentity, tenantRows)) {
        const byNamespace = out.get(row) ?? new Map<string, string[]>();
        out.set(row, byNamespace);
        if (!byNamespace.has(namespace))
          byNamespace.set(namespace, [
            ...grant.evidence,
            `so ${grant.identity} can ${verb} ${namespace === ALL_TENANTS ? "every namespace" : `namespace ${namespace}`} and set pod-security.kubernetes.io/enforce=privileged`,
          ]);
      }
    }
  }
  return out;
}

/** Every binding subject × rule that reaches objects in a namespace, with its evidence chain. */
function collectGrants(policy: Policy): ApiGrant[] {
  const grants: ApiGrant[] = [];
  const visit = (binding: Binding, namespace: string) => {
    const reference = roleReference(policy, binding);
    if (!reference.ok) return;
    const rules = reference.rules.filter(reachesNamespacedObjects);
    if (rules.length === 0) return;
    (binding.subjects ?? []).forEach((subject, subjectIndex) => {
      const identity = identityOf(subject, binding.metadata.namespace ?? "");
      if (!identity) return;
      const via = describeSource({ binding, subjectIndex, role: reference.role });
      for (const rule of rules)
        grants.push({
          identity,
          binding,
          subjectIndex,
          namespace,
          rule,
          evidence: [identity, via, `rule: ${formatRule(rule)}`],
        });
    });
  };
  for (const binding of policy.clusterRoleBindings) visit(binding, ALL_TENANTS);
  for (const [namespace, bindings] of policy.roleBindingsByNamespace)
    for (const binding of bindings) visit(binding, namespace);
  return grants;
}

/**
 * Whether a rule grants some verb on objects that live in namespaces (or, cluster-wide, on Namespace
 * objects themselves, which belong to their tenant). Unknown resources count: custom resources are
 * usually namespaced, and missing a breach is worse than reporting one.
 */
function reachesNamespacedObjects(rule: PolicyRule): boolean {
  if ((rule.verbs ?? []).length === 0) return false;
  const groups = rule.apiGroups ?? [];
  return (rule.resources ?? []).some((resource) => {
    if (resource === "*" || resource.startsWith("*/")) return true;
    const base = resource.split("/")[0]!;
    const known = groups.map((group) => (group === "*" ? undefined : standardResource(base, group)));
    if (known.some((entry) => entry === undefined)) return true;
    // A RoleBinding in namespace N can grant rights on the Namespace object N itself (the request carries N).
    return known.some((entry) => entry!.namespaced || entry!.resource === "namespaces");
  });
}

function identityOf(subject: Subject, bindingNamespace: string): string | undefined {
  switch (subject.kind) {
    case "User":
    case "Group":
      return formatSubject({ kind: subject.kind, name: subject.name });
    case "ServiceAccount": {
      const namespace = subject.namespace || bindingNamespace;
      return namespace ? formatSubject({ kind: "ServiceAccount", namespace, name: subject.name }) : undefined;
    }
    default:
      return undefined;
  }
}

function assignIdentities(grants: ApiGrant[], tenancy: Tenancy): Map<string, string> {
  const tenantOfIdentity = new Map<string, string>();
  for (const admin of tenancy.admins) tenantOfIdentity.set(formatSubject(admin), PLATFORM);
  for (const tenant of tenancy.tenants)
    for (const owner of tenant.owners)
      if (!tenantOfIdentity.has(formatSubject(owner)))
        tenantOfIdentity.set(formatSubject(owner), tenant.name);

  const scopes = new Map<string, Set<string>>();
  for (const grant of grants) {
    const set = scopes.get(grant.identity) ?? new Set<string>();
    scopes.set(grant.identity, set);
    set.add(
      grant.namespace === ALL_TENANTS
        ? ALL_TENANTS
        : (tenancy.tenantOf.get(grant.namespace) ?? grant.namespace),
    );
  }
  for (const [identity, tenants] of scopes) {
    if (tenantOfIdentity.has(identity)) continue;
    tenantOfIdentity.set(identity, ownerTenant(identity, tenants, tenancy));
  }
  return tenantOfIdentity;
}

function ownerTenant(identity: string, reached: Set<string>, tenancy: Tenancy): string {
  const [kind, ...rest] = identity.split(":");
  if (kind === "ServiceAccount") return tenancy.tenantOf.get(rest[0]!) ?? NO_TENANT;
  const name = rest.join(":");
  if (kind === "Group" && name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`))
    return tenancy.tenantOf.get(name.slice(ALL_SERVICE_ACCOUNTS.length + 1)) ?? NO_TENANT;
  // Kubernetes' own users and groups (controllers, nodes, the scheduler) are the platform.
  if (name.startsWith("system:") && !EVERYONE_GROUPS.has(name)) return PLATFORM;
  if (reached.size === 1 && !reached.has(ALL_TENANTS)) return [...reached][0]!;
  return NO_TENANT;
}

/** The matrix rows a grant to this identity speaks for. */
function grantHolders(
  identity: string,
  tenantOfIdentity: Map<string, string>,
  tenantRows: string[],
): string[] {
  const [kind, ...rest] = identity.split(":");
  if (kind === "Group" && EVERYONE_GROUPS.has(rest.join(":"))) return [...tenantRows, NO_TENANT];
  const tenant = tenantOfIdentity.get(identity);
  if (!tenant || tenant === PLATFORM) return [];
  return [tenant];
}

/** `get, list, watch pods (API group core)` — a rule in one line, for evidence. */
export function formatRule(rule: PolicyRule): string {
  const groups = (rule.apiGroups ?? []).map((g) => (g === "" ? "core" : g));
  const resources = (rule.resources ?? []).join(", ");
  const names =
    (rule.resourceNames ?? []).length > 0
      ? ` named ${(rule.resourceNames ?? []).map((n) => JSON.stringify(n)).join(", ")}`
      : "";
  return `${(rule.verbs ?? []).join(", ")} ${resources}${names} (API group ${groups.join(", ") || "none"})`;
}

/** Resources whose create runs a pod of the creator's choosing. */
const POD_CREATING: readonly (readonly [string, string])[] = [["", "pods"], ...POD_CONTROLLER_RESOURCES];

/** For each matrix row: the namespaces where some identity of it can create pods or pod controllers. */
export function podCreators(
  plane: ApiPlane,
  tenancy: Tenancy,
): Map<string, { namespace: string; evidence: string[] }[]> {
  const tenantRows = tenancy.tenants.filter((t) => !t.platform).map((t) => t.name);
  const out = new Map<string, { namespace: string; evidence: string[] }[]>();
  for (const grant of plane.grants) {
    const creates = POD_CREATING.find(([group, resource]) =>
      ruleAllows(
        resourceAttributes(NOBODY, {
          verb: "create",
          apiGroup: group,
          resource,
          namespace: grant.namespace === ALL_TENANTS ? "" : grant.namespace,
        }),
        grant.rule,
      ),
    );
    if (!creates) continue;
    const where = grant.namespace === ALL_TENANTS ? "any namespace" : `namespace ${grant.namespace}`;
    for (const row of grantHolders(grant.identity, plane.tenantOfIdentity, tenantRows)) {
      const list = out.get(row) ?? [];
      out.set(row, list);
      list.push({
        namespace: grant.namespace,
        evidence: [...grant.evidence, `so ${grant.identity} can create ${creates[1]} in ${where}`],
      });
    }
  }
  return out;
}

const NOBODY = { name: "", groups: [] };
