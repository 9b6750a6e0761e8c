/**
 * Who may make a request: every subject of every binding whose role allows it, plus `system:masters`.
 * Follows kubernetes/kubernetes `plugin/pkg/auth/authorizer/rbac/subject_locator.go` (`AllowedSubjects`),
 * corrected where that function is loose: ServiceAccount subjects are resolved to the account they name
 * (a namespace-less one in a ClusterRoleBinding names none and is left out), duplicates are merged, and
 * every subject carries the binding and role that grant it. Group subjects are listed as groups (whoever
 * is in `system:authenticated` is allowed — that is the answer, not an expansion).
 */
import type { Subject } from "../model/objects.js";
import { MASTERS, type RequestAttributes } from "./attributes.js";
import type { Authorizer } from "./authorizer.js";
import { rulesAllow } from "./matchers.js";
import { type Binding, roleReference } from "./policy.js";

export interface AllowedSubject {
  kind: "User" | "Group" | "ServiceAccount";
  name: string;
  /** ServiceAccounts only. */
  namespace?: string;
  /** `ClusterRoleBinding/name` or `RoleBinding/namespace/name`; absent for system:masters. */
  binding?: { kind: "ClusterRoleBinding" | "RoleBinding"; name: string; namespace?: string };
  role?: { kind: string; name: string; namespace?: string };
  /** system:masters: allowed before RBAC. */
  superuser?: boolean;
}

export interface WhoCanResult {
  subjects: AllowedSubject[];
  /** Bindings the answer may be missing because their role does not exist. */
  errors: { binding: string; error: string }[];
}

/** `attributes.user` is ignored. */
export function whoCan(authorizer: Authorizer, attributes: Omit<RequestAttributes, "user">): WhoCanResult {
  const request = { ...attributes, user: { name: "", groups: [] } } as RequestAttributes;
  const subjects: AllowedSubject[] = [{ kind: "Group", name: MASTERS, superuser: true }];
  const errors: WhoCanResult["errors"] = [];
  const seen = new Set<string>();
  // Many bindings share a role (admin, edit, view): decide each role once per query.
  const roleAllows = new Map<object, boolean>();
  const visit = (binding: Binding, namespace: string) => {
    const ref = roleReference(authorizer.policy, binding);
    const bindingName = binding.metadata.namespace
      ? `${binding.metadata.namespace}/${binding.metadata.name}`
      : binding.metadata.name;
    if (!ref.ok) {
      if ((binding.subjects ?? []).length > 0)
        errors.push({ binding: `${binding.kind}/${bindingName}`, error: ref.error });
      return;
    }
    let allows = roleAllows.get(ref.role);
    if (allows === undefined) {
      allows = rulesAllow(request, ref.rules);
      roleAllows.set(ref.role, allows);
    }
    if (!allows) return;
    for (const subject of binding.subjects ?? []) {
      const allowed = allowedSubject(subject, namespace);
      if (!allowed) continue;
      const key = `${allowed.kind}\u0000${allowed.namespace ?? ""}\u0000${allowed.name}\u0000${binding.kind}\u0000${bindingName}`;
      if (seen.has(key)) continue;
      seen.add(key);
      subjects.push({
        ...allowed,
        binding: {
          kind: binding.kind,
          name: binding.metadata.name,
          ...(binding.metadata.namespace ? { namespace: binding.metadata.namespace } : {}),
        },
        role: {
          kind: binding.roleRef.kind,
          name: binding.roleRef.name,
          ...(binding.roleRef.kind === "Role" ? { namespace } : {}),
        },
      });
    }
  };
  for (const binding of authorizer.policy.clusterRoleBindings) visit(binding, "");
  if (attributes.namespace !== "")
    for (const binding of authorizer.policy.roleBindingsByNamespace.get(attributes.namespace) ?? [])
      visit(binding, attributes.namespace);
  return { subjects, errors };
}

function allowedSubject(
  subject: Subject,
  bindingNamespace: string,
): Omit<AllowedSubject, "binding" | "role"> | undefined {
  switch (subject.kind) {
    case "User":
    case "Group":
      return { kind: subject.kind, name: subject.name };
    case "ServiceAccount": {
      const namespace = subject.namespace || bindingNamespace;
      return namespace ? { kind: "ServiceAccount", name: subject.name, namespace } : undefined;
    }
    default:
      return undefined;
  }
}
