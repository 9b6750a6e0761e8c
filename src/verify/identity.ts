/**
 * Acting as a tenant's owner through impersonation (upstream: staging/src/k8s.io/apiserver/pkg/endpoints/
 * filters/impersonation.go). A User is impersonated by name; the server then adds system:authenticated.
 * A ServiceAccount is impersonated by its username `system:serviceaccount:NS:NAME`; the server adds its
 * groups (system:serviceaccounts, system:serviceaccounts:NS, system:authenticated). A Group needs a user
 * too (Impersonate-Group without Impersonate-User is refused), and once groups are given they are the whole
 * list, so system:authenticated is named explicitly, as every real member of the group would have it.
 */
import type { SubjectRef } from "../tenancy/config.js";

export interface Impersonation {
  user: string;
  /** Empty: the server derives the groups (system:authenticated; a ServiceAccount's groups). */
  groups: string[];
}

/** The user name a Group owner is acted out by; it has no bindings of its own. */
export function groupMemberName(tenant: string): string {
  return `kubefence:verify:${tenant}`;
}

export function impersonationOf(subject: SubjectRef, tenant: string): Impersonation {
  switch (subject.kind) {
    case "User":
      return { user: subject.name, groups: [] };
    case "ServiceAccount":
      return { user: `system:serviceaccount:${subject.namespace}:${subject.name}`, groups: [] };
    case "Group":
      return { user: groupMemberName(tenant), groups: [subject.name, "system:authenticated"] };
  }
}

export function impersonationHeaders(impersonation: Impersonation): Record<string, string | string[]> {
  return {
    "Impersonate-User": impersonation.user,
    ...(impersonation.groups.length > 0 ? { "Impersonate-Group": impersonation.groups } : {}),
  };
}

/** The RBAC subject that names the identity acted as, for the bindings the attempts try to create. */
export function rbacSubject(subject: SubjectRef): Record<string, string> {
  return subject.kind === "ServiceAccount"
    ? { kind: "ServiceAccount", name: subject.name, namespace: subject.namespace ?? "" }
    : { kind: subject.kind, name: subject.name, apiGroup: "rbac.authorization.k8s.io" };
}
