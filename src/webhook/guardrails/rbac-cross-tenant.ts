/**
 * An RBAC write may not give an identity of one tenant access into another tenant or the platform. The
 * RBAC state after the change is evaluated with the RBAC engine (src/rbac, the upstream authorizer's
 * rule resolution): for each identity whose grants the change can touch, the rules that apply to it in
 * namespaces outside its own tenant — and at cluster scope — are compared before and after; any new one is
 * a breach. Bindings to `system:authenticated`, `system:unauthenticated` or `system:serviceaccounts`
 * reach the identities of every tenant and are denied outright.
 */
import { formatPolicyRule } from "../../model/format.js";
import type { ClusterRole, KubeObject, Subject } from "../../model/objects.js";
import type { Snapshot } from "../../model/snapshot.js";
import {
  ALL_AUTHENTICATED,
  ALL_SERVICE_ACCOUNTS,
  ALL_UNAUTHENTICATED,
  type UserInfo,
} from "../../rbac/attributes.js";
import { type Authorizer, buildAuthorizer } from "../../rbac/authorizer.js";
import { subjectLabel } from "../../rbac/findings/index.js";
import type { Policy } from "../../rbac/policy.js";
import { PLATFORM } from "../../tenancy/tenants.js";
import { afterStateAuthorizer } from "../after-state.js";
import type { AdmissionContext } from "../context.js";
import { ALLOW, deny, type Guardrail } from "../guardrail.js";

const EVERYONE = new Set([ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ALL_SERVICE_ACCOUNTS]);
const MAX_LISTED = 3;

export const rbacCrossTenant: Guardrail = {
  id: "rbac-cross-tenant",
  summary: "RBAC changes may not give one tenant's identities access into another tenant or the platform",
  kinds: ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"],
  operations: ["CREATE", "UPDATE"],
  check(request, context) {
    const after = request.object;
    if (!after) return ALLOW;
    if (after.kind === "RoleBinding" || after.kind === "ClusterRoleBinding") {
      const broad = (after.subjects ?? []).filter((s) => s.kind === "Group" && EVERYONE.has(s.name));
      if (broad.length > 0)
        return deny(
          `${after.kind} "${after.metadata.name}" binds ${broad.map((s) => `Group "${s.name}"`).join(", ")}, which includes the identities of every tenant`,
          "bind specific users, groups or service accounts of your own tenant",
        );
    }
    const before = authorizerOf(context.snapshot);
    const scopes = scopesTouched(context.snapshot, after);
    const next = afterStateAuthorizer(before, context.snapshot, after, scopes);
    const breaches: string[] = [];
    for (const { subject, namespace } of affectedSubjects(
      context.snapshot,
      before.policy,
      request.oldObject,
      after,
    )) {
      const homes = subjectTenants(subject, namespace, context);
      if (homes.size === 0) continue; // not a tenant's identity
      const user = subjectUser(subject, namespace);
      for (const scope of scopes) {
        if (scope !== "" && homes.has(context.tenantOfNamespace(scope))) continue;
        const known = new Set(before.rulesFor(user, scope).rules.map(grantKey));
        for (const grant of next.rulesFor(user, scope).rules) {
          if (known.has(grantKey(grant))) continue;
          const where =
            scope === ""
              ? "at cluster scope (every namespace)"
              : `in namespace "${scope}" (${owner(context.tenantOfNamespace(scope))})`;
          breaches.push(
            `${subjectLabel(subject, namespace)} of ${[...homes].map(owner).join(", ")} would gain ${formatPolicyRule(grant.rule)} ${where} via ${grant.description}`,
          );
          break;
        }
      }
    }
    if (breaches.length === 0) return ALLOW;
    const more = breaches.length > MAX_LISTED ? ` and ${breaches.length - MAX_LISTED} more` : "";
    return deny(
      `${after.kind} "${after.metadata.name}" would give identities of one tenant access into another tenant or the platform: ${breaches.slice(0, MAX_LISTED).join("; ")}${more}`,
      "grant roles only to identities of the tenant that owns the namespace, with RoleBindings in that tenant's namespaces",
    );
  },
};

const authorizers = new WeakMap<Snapshot, Authorizer>();

/** The authorizer of the cached state, built once per snapshot. */
export function authorizerOf(snapshot: Snapshot): Authorizer {
  let authorizer = authorizers.get(snapshot);
  if (!authorizer) {
    authorizer = buildAuthorizer(snapshot);
    authorizers.set(snapshot, authorizer);
  }
  return authorizer;
}

function owner(tenant: string): string {
  return tenant === PLATFORM ? "the platform" : `tenant "${tenant}"`;
}

function grantKey(grant: { description: string; rule: unknown }): string {
  return `${grant.description}|${JSON.stringify(grant.rule)}`;
}

interface BoundSubject {
  subject: Subject;
  /** Namespace of the binding ("" for ClusterRoleBindings): a ServiceAccount subject's default namespace. */
  namespace: string;
}

/** Subjects of the changed binding, or of every binding that references the changed role. */
function affectedSubjects(
  snapshot: Snapshot,
  policy: Policy,
  old: KubeObject | undefined,
  after: KubeObject,
): BoundSubject[] {
  const out: BoundSubject[] = [];
  const add = (binding: { subjects?: Subject[]; metadata: { namespace?: string } }) => {
    for (const subject of binding.subjects ?? [])
      out.push({ subject, namespace: binding.metadata.namespace ?? "" });
  };
  switch (after.kind) {
    case "RoleBinding":
    case "ClusterRoleBinding":
      add(after);
      if (old && (old.kind === "RoleBinding" || old.kind === "ClusterRoleBinding")) add(old);
      break;
    case "Role":
      for (const b of policy.roleBindingsByNamespace.get(after.metadata.namespace) ?? [])
        if (b.roleRef.kind === "Role" && b.roleRef.name === after.metadata.name) add(b);
      break;
    case "ClusterRole": {
      const names = clusterRolesReached(snapshot, after);
      for (const b of [...snapshot.roleBindings, ...snapshot.clusterRoleBindings])
        if (b.roleRef.kind === "ClusterRole" && names.has(b.roleRef.name)) add(b);
      break;
    }
    default:
      break;
  }
  return out;
}

/** The changed ClusterRole and every ClusterRole that aggregates rules (it may aggregate this one). */
function clusterRolesReached(snapshot: Snapshot, role: ClusterRole): Set<string> {
  const names = new Set([role.metadata.name]);
  for (const r of snapshot.clusterRoles) if (r.aggregationRule) names.add(r.metadata.name);
  return names;
}

/** Where grants can change: cluster scope, and the namespaces of the RoleBindings involved. */
function scopesTouched(snapshot: Snapshot, after: KubeObject): string[] {
  const scopes = new Set<string>([""]);
  if (after.kind === "RoleBinding" || after.kind === "Role") scopes.add(after.metadata.namespace);
  if (after.kind === "ClusterRole") {
    const names = clusterRolesReached(snapshot, after);
    for (const b of snapshot.roleBindings)
      if (b.roleRef.kind === "ClusterRole" && names.has(b.roleRef.name)) scopes.add(b.metadata.namespace);
  }
  return [...scopes];
}

/** The tenants whose identity a binding subject is: owners by the tenants file, service accounts by namespace. */
export function subjectTenants(
  subject: Subject,
  bindingNamespace: string,
  context: AdmissionContext,
): Set<string> {
  const tenants = new Set<string>();
  const owners = (kind: "User" | "Group", name: string) => {
    for (const spec of context.settings.config.tenants)
      if (spec.owners.some((o) => o.kind === kind && o.name === name)) tenants.add(spec.name);
  };
  if (subject.kind === "ServiceAccount") {
    const ns = subject.namespace || bindingNamespace;
    if (ns) tenants.add(context.tenantOfNamespace(ns));
  } else if (subject.kind === "Group") {
    const ns = /^system:serviceaccounts:(.+)$/.exec(subject.name)?.[1];
    if (ns) tenants.add(context.tenantOfNamespace(ns));
    owners("Group", subject.name);
  } else if (subject.kind === "User") {
    const sa = /^system:serviceaccount:([^:]+):[^:]+$/.exec(subject.name)?.[1];
    if (sa) tenants.add(context.tenantOfNamespace(sa));
    owners("User", subject.name);
  }
  tenants.delete(PLATFORM);
  return tenants;
}

/** A user the subject stands for, as the authorizer matches it. */
function subjectUser(subject: Subject, bindingNamespace: string): UserInfo {
  if (subject.kind === "Group")
    return { name: `kubefence:member-of:${subject.name}`, groups: [subject.name] };
  if (subject.kind === "ServiceAccount")
    return {
      name: `system:serviceaccount:${subject.namespace || bindingNamespace}:${subject.name}`,
      groups: [],
    };
  return { name: subject.name, groups: [] };
}
