/**
 * The API plane of the matrix: which tenant's identities can read or change objects in another tenant's
 * namespaces, by which binding → role → rule. Grants are walked from the bindings (not per identity ×
 * namespace), so the cost grows with bindings, not with tenants².
 *
 * Identities are binding subjects (User, Group, ServiceAccount) and the tenants' owners. An identity
 * belongs to a tenant when the file or the platform names it an owner (or, for a virtual cluster, its
 * syncer), when it is a ServiceAccount of the tenant's
 * namespaces, or when every grant it holds lies inside one tenant's namespaces. Platform administrators
 * (the file's admins, and Kubernetes' own `system:` identities) are never reported. Grants to
 * `system:authenticated` or `system:serviceaccounts` reach every tenant's identities at once.
 */

import { formatPolicyRule, formatSubject } from "../model/format.js";
import type { ClusterRole, PolicyRule, Role, Subject } from "../model/objects.js";
import type { Snapshot } from "../model/snapshot.js";
import { POD_CONTROLLER_RESOURCES } from "../model/workloads.js";
import {
  ALL_AUTHENTICATED,
  ALL_SERVICE_ACCOUNTS,
  ALL_UNAUTHENTICATED,
  resourceAttributes,
} from "../rbac/attributes.js";
import {
  apiGroupMatches,
  resourceMatches,
  resourceNameMatches,
  ruleAllows,
  verbMatches,
} from "../rbac/matchers.js";
import { type Binding, describeSource, type Policy, roleReference } from "../rbac/policy.js";
import { standardResource } from "../rbac/resources.js";
import { ALL_TENANTS, BreachMap, LazyEvidence, NO_TENANT } from "./matrix.js";
import type { PodCreator, PodCreators } from "./node-plane.js";
import { INHERITED_FROM_LABEL } from "./platforms/hnc.js";
import { PLATFORM, type Tenancy } from "./tenants.js";

/** Groups every identity of some kind belongs to: a grant to them is a grant to every tenant. */
const EVERYONE_GROUPS = new Set([ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ALL_SERVICE_ACCOUNTS]);

export interface ApiGrant {
  identity: string;
  binding: Binding;
  subjectIndex: number;
  role: Role | ClusterRole;
  /** The namespace the grant applies in, or ALL_TENANTS for a ClusterRoleBinding. */
  namespace: string;
  rule: PolicyRule;
}

export interface ApiPlane {
  breaches: BreachMap;
  /** Identity (`User:bob`) → tenant name, NO_TENANT, or PLATFORM for administrators. */
  tenantOfIdentity: Map<string, string>;
  grants: ApiGrant[];
  /** The grants behind some breach: what a fix must take away. */
  crossing: Set<ApiGrant>;
}

/**
 * identity → binding → rule, the links every API-plane chain starts with. Made only when a chain is read:
 * a large cluster has hundreds of thousands of grants, and few are ever explained.
 */
function grantEvidence(grant: ApiGrant): string[] {
  return [
    grant.identity,
    `${describeSource(grant)}${propagation(grant.binding)}`,
    `rule: ${formatPolicyRule(grant.rule)}`,
  ];
}

/** A RoleBinding HNC copied down the hierarchy is attributed to the namespace it came from. */
function propagation(binding: Binding): string {
  const source = inheritedFrom(binding);
  return source === undefined ? "" : `, propagated by HNC from namespace ${source}`;
}

export function inheritedFrom(binding: Binding): string | undefined {
  const labels = binding.kind === "RoleBinding" ? binding.metadata.labels : undefined;
  return labels && Object.hasOwn(labels, INHERITED_FROM_LABEL) ? labels[INHERITED_FROM_LABEL] : undefined;
}
/** The length of grantEvidence, known without making it. */
const GRANT_LINKS = 3;

/** The last link of a breach by a grant: where it applies. */
function reachText(namespace: string, tenant: string): string {
  return namespace === ALL_TENANTS
    ? "in every namespace, so in every tenant's"
    : `in namespace ${namespace} (tenant ${tenant})`;
}

export function apiPlane(policy: Policy, tenancy: Tenancy): ApiPlane {
  const grants = collectGrants(policy);
  const tenantOfIdentity = assignIdentities(grants, tenancy);
  const breaches = new BreachMap();
  const crossing = new Set<ApiGrant>();
  const holders = grantHolders(tenantOfIdentity, tenancy);

  // Columns already reached from every row by a grant to a group everyone is in (the only grants that speak
  // for several rows): another such grant adds nothing, as its chain is no shorter and the first is kept.
  const reachedByEveryone = new Set<string>();
  for (const grant of grants) {
    const to = grant.namespace === ALL_TENANTS ? ALL_TENANTS : tenancy.tenantOf.get(grant.namespace);
    if (!to) continue;
    const rows = holders(grant.identity);
    if (rows.length > 1 && reachedByEveryone.has(to)) {
      crossing.add(grant);
      continue;
    }
    if (rows.length > 1) reachedByEveryone.add(to);
    // One chain per grant, shared by every row it speaks for; a grant to everyone is stored once per column
    // (every tenant row, and the row of no tenant), not once per row.
    let evidence: LazyEvidence | undefined;
    for (const from of rows.length > 1 ? [ALL_TENANTS, NO_TENANT] : rows) {
      if (to === from && from !== ALL_TENANTS) continue;
      evidence ??= new LazyEvidence(GRANT_LINKS + 1, () => [
        ...grantEvidence(grant),
        reachText(grant.namespace, to),
      ]);
      breaches.add(from, to, evidence);
      crossing.add(grant);
    }
  }
  return { breaches, tenantOfIdentity, grants, crossing };
}

/** How a rule lets its holder act as a namespace's ServiceAccounts, if it does. */
const BORROWING = [
  { verb: "create", subresource: "exec", action: "exec into pods" },
  { verb: "create", subresource: "attach", action: "attach into pods" },
  { verb: "create", subresource: "", action: "create pods" },
] as const;

/**
 * Breaches through another identity's hands: a row that can exec into (or attach to) a pod, or create pods,
 * in some namespace acts as that namespace's ServiceAccounts, and so reaches wherever they reach.
 * (Identities of the row's own namespaces are its own already: this adds what crosses tenants.)
 */
export function addBorrowedBreaches(plane: ApiPlane, snapshot: Snapshot, tenancy: Tenancy): void {
  // Only ServiceAccounts that cross tenants themselves can lend anything: namespace → account → their grants.
  const crossingAccounts = new Map<string, Map<string, ApiGrant[]>>();
  for (const grant of plane.crossing) {
    const subject = grant.binding.subjects![grant.subjectIndex]!;
    if (subject.kind !== "ServiceAccount") continue;
    const namespace = subject.namespace || (grant.binding.metadata.namespace ?? "");
    const accounts = crossingAccounts.get(namespace) ?? new Map<string, ApiGrant[]>();
    crossingAccounts.set(namespace, accounts);
    const theirs = accounts.get(subject.name);
    if (theirs) theirs.push(grant);
    else accounts.set(subject.name, [grant]);
  }
  if (crossingAccounts.size === 0) return;

  const accountsUsedByPods = new Map<string, Map<string, string>>(); // namespace → SA → an example pod
  for (const pod of snapshot.pods) {
    if (!crossingAccounts.has(pod.metadata.namespace)) continue;
    const account = pod.spec?.serviceAccountName || "default";
    const used = accountsUsedByPods.get(pod.metadata.namespace) ?? new Map<string, string>();
    accountsUsedByPods.set(pod.metadata.namespace, used);
    if (!used.has(account)) used.set(account, pod.metadata.name);
  }
  const accountsIn = new Map<string, Set<string>>();
  for (const sa of snapshot.serviceAccounts) {
    if (!crossingAccounts.has(sa.metadata.namespace)) continue;
    const set = accountsIn.get(sa.metadata.namespace) ?? new Set<string>(["default"]);
    accountsIn.set(sa.metadata.namespace, set);
    set.add(sa.metadata.name);
  }

  const holders = grantHolders(plane.tenantOfIdentity, tenancy);
  const borrowingOf = verdictPerRule((rule) =>
    BORROWING.find(({ verb, subresource }) =>
      ruleAllows(resourceAttributes(NOBODY, { verb, resource: "pods", subresource }), rule),
    ),
  );
  for (const grant of plane.grants) {
    // A cluster-wide grant to exec or create pods already reaches every tenant directly.
    if (grant.namespace === ALL_TENANTS) continue;
    const namespace = grant.namespace;
    const lenders = crossingAccounts.get(namespace);
    if (!lenders) continue;
    const via = borrowingOf(grant.rule);
    if (!via) continue;
    const borrowed: [string, string][] =
      via.subresource === ""
        ? [...(accountsIn.get(namespace) ?? ["default"])].map((sa) => [sa, "a new pod that runs as it"])
        : [...(accountsUsedByPods.get(namespace) ?? [])].map(([sa, pod]) => [
            sa,
            `pod ${namespace}/${pod}, which runs as it`,
          ]);
    for (const [account, how] of borrowed) {
      const theirGrants = lenders.get(account);
      if (!theirGrants) continue;
      const identity = formatSubject({ kind: "ServiceAccount", namespace, name: account });
      if (identity === grant.identity) continue;
      for (const theirs of theirGrants) {
        const target =
          theirs.namespace === ALL_TENANTS ? ALL_TENANTS : tenancy.tenantOf.get(theirs.namespace);
        if (!target) continue;
        let evidence: LazyEvidence | undefined;
        for (const from of holders(grant.identity)) {
          if (target === from) continue;
          evidence ??= new LazyEvidence(GRANT_LINKS + 1 + (GRANT_LINKS - 1) + 1, () => [
            ...grantEvidence(grant),
            `so ${grant.identity} can ${via.action} in namespace ${namespace}: ${how} (${identity})`,
            ...grantEvidence(theirs).slice(1),
            reachText(theirs.namespace, target),
          ]);
          plane.breaches.add(from, target, evidence);
        }
      }
    }
  }
}

/**
 * For each matrix row: the namespaces whose Namespace object (and so its Pod Security labels) some identity of
 * it may patch; the key ALL_TENANTS when it may patch every namespace.
 */
export function namespacePatchers(plane: ApiPlane, tenancy: Tenancy): Map<string, Map<string, LazyEvidence>> {
  const holders = grantHolders(plane.tenantOfIdentity, tenancy);
  // ruleAllows on Namespace objects, split: the rule's verb, group and resource once per rule; its names
  // (the namespace's own name is the request's) per namespace below.
  const patchVerbOf = verdictPerRule((rule) =>
    apiGroupMatches(rule, "") && resourceMatches(rule, "namespaces", "")
      ? ["patch", "update"].find((verb) => verbMatches(rule, verb))
      : undefined,
  );
  const out = new Map<string, Map<string, LazyEvidence>>();
  for (const grant of plane.grants) {
    const verb = patchVerbOf(grant.rule);
    if (!verb) continue;
    const rows = holders(grant.identity);
    if (rows.length === 0) continue;
    // Cluster-wide: every namespace when the rule names none, else the namespaces it names.
    const names = grant.rule.resourceNames ?? [];
    const namespaces =
      grant.namespace !== ALL_TENANTS ? [grant.namespace] : names.length > 0 ? names : [ALL_TENANTS];
    for (const namespace of namespaces) {
      if (!resourceNameMatches(grant.rule, namespace === ALL_TENANTS ? "" : namespace)) continue;
      let evidence: LazyEvidence | undefined;
      for (const row of rows) {
        const byNamespace = out.get(row) ?? new Map<string, LazyEvidence>();
        out.set(row, byNamespace);
        if (byNamespace.has(namespace)) continue;
        evidence ??= new LazyEvidence(GRANT_LINKS + 1, () => [
          ...grantEvidence(grant),
          `so ${grant.identity} can ${verb} ${namespace === ALL_TENANTS ? "every namespace" : `namespace ${namespace}`} and set pod-security.kubernetes.io/enforce=privileged`,
        ]);
        byNamespace.set(namespace, evidence);
      }
    }
  }
  return out;
}

/** Every binding subject × rule that reaches objects in a namespace. */
function collectGrants(policy: Policy): ApiGrant[] {
  const grants: ApiGrant[] = [];
  // Bindings to one ClusterRole share its rules array: filter it once.
  const reaching = new Map<readonly PolicyRule[], PolicyRule[]>();
  const visit = (binding: Binding, namespace: string) => {
    const reference = roleReference(policy, binding);
    if (!reference.ok) return;
    let rules = reaching.get(reference.rules);
    if (!rules) {
      rules = reference.rules.filter(reachesNamespacedObjects);
      reaching.set(reference.rules, rules);
    }
    if (rules.length === 0) return;
    const role = reference.role;
    (binding.subjects ?? []).forEach((subject, subjectIndex) => {
      const identity = identityOf(subject, binding.metadata.namespace ?? "");
      if (!identity) return;
      for (const rule of rules) grants.push({ identity, binding, subjectIndex, role, namespace, rule });
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
  // Owners (the tenants file's, Capsule's), then the identities a platform acts as for a tenant (a vcluster's syncer).
  for (const tenant of tenancy.tenants)
    for (const owner of [...tenant.owners, ...(tenant.from?.identities ?? []).map((i) => i.subject)])
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
  // A namespace the snapshot lacks is still the platform's by name (kube-system, for the built-in bindings).
  const ofNamespace = (namespace: string) =>
    tenancy.tenantOf.get(namespace) ?? (tenancy.isPlatformNamespace(namespace) ? PLATFORM : NO_TENANT);
  const name = rest.join(":");
  // `ServiceAccount:ns/name` (model/format.ts): a namespace has no slash.
  if (kind === "ServiceAccount") return ofNamespace(name.slice(0, name.indexOf("/")));
  if (kind === "Group" && name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`))
    return ofNamespace(name.slice(ALL_SERVICE_ACCOUNTS.length + 1));
  // Kubernetes' own users and groups (controllers, nodes, the scheduler) are the platform.
  if (name.startsWith("system:") && !EVERYONE_GROUPS.has(name)) return PLATFORM;
  if (reached.size === 1 && !reached.has(ALL_TENANTS)) return [...reached][0]!;
  return NO_TENANT;
}

/**
 * The matrix rows a grant to an identity speaks for, worked out once per identity: every row for the
 * groups everyone is in, else the identity's tenant (none for administrators).
 */
function grantHolders(
  tenantOfIdentity: Map<string, string>,
  tenancy: Tenancy,
): (identity: string) => readonly string[] {
  const everyone = [...tenancy.tenants.filter((t) => !t.platform).map((t) => t.name), NO_TENANT];
  const known = new Map<string, readonly string[]>();
  return (identity) => {
    let rows = known.get(identity);
    if (!rows) {
      const tenant = tenantOfIdentity.get(identity);
      if (identity.startsWith("Group:") && EVERYONE_GROUPS.has(identity.slice("Group:".length)))
        rows = everyone;
      else rows = !tenant || tenant === PLATFORM ? [] : [tenant];
      known.set(identity, rows);
    }
    return rows;
  };
}

/** A verdict that depends on the rule alone, made once per rule object: rules repeat across thousands of bindings. */
function verdictPerRule<T>(verdict: (rule: PolicyRule) => T): (rule: PolicyRule) => T {
  const known = new Map<PolicyRule, T>();
  return (rule) => {
    if (known.has(rule)) return known.get(rule) as T;
    const made = verdict(rule);
    known.set(rule, made);
    return made;
  };
}

/** Resources whose create runs a pod of the creator's choosing. */
const POD_CREATING: readonly (readonly [string, string])[] = [["", "pods"], ...POD_CONTROLLER_RESOURCES];

/** Where some identity of a matrix row can create pods (or pod controllers), and how. */
/** For each matrix row: the namespaces where some identity of it can create pods or pod controllers. */
export function podCreators(plane: ApiPlane, tenancy: Tenancy): PodCreators {
  const holders = grantHolders(plane.tenantOfIdentity, tenancy);
  // The request's namespace plays no part in matching a rule.
  const createsOf = verdictPerRule((rule) =>
    POD_CREATING.find(([group, resource]) =>
      ruleAllows(resourceAttributes(NOBODY, { verb: "create", apiGroup: group, resource }), rule),
    ),
  );
  const byRow = new Map<string, PodCreator[]>();
  const everyone: PodCreator[] = [];
  plane.grants.forEach((grant, order) => {
    const creates = createsOf(grant.rule);
    if (!creates) return;
    const rows = holders(grant.identity);
    if (rows.length === 0) return;
    // One entry per grant, shared by every row it speaks for.
    const entry: PodCreator = {
      namespace: grant.namespace,
      order,
      evidence: new LazyEvidence(GRANT_LINKS + 1, () => [
        ...grantEvidence(grant),
        `so ${grant.identity} can create ${creates[1]} in ${grant.namespace === ALL_TENANTS ? "any namespace" : `namespace ${grant.namespace}`}`,
      ]),
    };
    // Held by every row (system:authenticated and the like): kept once, not in each of thousands of rows.
    if (rows.length > 1) {
      for (const row of rows) if (!byRow.has(row)) byRow.set(row, []);
      everyone.push(entry);
      return;
    }
    const list = byRow.get(rows[0]!);
    if (list) list.push(entry);
    else byRow.set(rows[0]!, [entry]);
  });
  return { byRow, everyone };
}

const NOBODY = { name: "", groups: [] };
