/**
 * Access matrices, computed from the authorizer (never approximated): a subject's resources × verbs grid
 * in a namespace (rakkess-style), and a resource's subjects × namespaces grid.
 */
import type { Subject } from "../model/objects.js";
import {
  ALL_AUTHENTICATED,
  type RequestAttributes,
  resourceAttributes,
  serviceAccountUser,
  type UserInfo,
} from "./attributes.js";
import type { Authorizer } from "./authorizer.js";
import { STANDARD_RESOURCES, type StandardResource } from "./resources.js";

export const DEFAULT_MATRIX_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"] as const;

export interface ResourceRow {
  resource: string;
  group: string;
  namespaced: boolean;
  /** verb → allowed */
  verbs: Record<string, boolean>;
}

/**
 * For each standard resource (namespaced ones in `namespace`, cluster-scoped ones at cluster scope; only
 * namespaced ones when `namespacedOnly`), which verbs the user may use. Subresources are not listed.
 */
export function subjectMatrix(
  authorizer: Authorizer,
  user: UserInfo,
  namespace: string,
  options: {
    verbs?: readonly string[];
    resources?: readonly StandardResource[];
    namespacedOnly?: boolean;
  } = {},
): ResourceRow[] {
  const verbs = options.verbs ?? DEFAULT_MATRIX_VERBS;
  const resources = (options.resources ?? STANDARD_RESOURCES).filter(
    (r) => !options.namespacedOnly || r.namespaced,
  );
  return resources.map((r) => {
    const cells: Record<string, boolean> = Object.create(null); // keyed by verb or namespace name
    for (const verb of verbs) {
      // prototype-safe: cells is a null-prototype object
      cells[verb] = authorizer.authorize(
        resourceAttributes(user, {
          verb,
          apiGroup: r.group,
          resource: r.resource,
          namespace: r.namespaced ? namespace : "",
        }),
      ).allowed;
    }
    return { resource: r.resource, group: r.group, namespaced: r.namespaced, verbs: cells };
  });
}

export interface MatrixSubject {
  kind: "User" | "Group" | "ServiceAccount";
  name: string;
  namespace?: string;
  /** The user the checks are made as. */
  user: UserInfo;
}

/**
 * Every distinct subject named by a binding, as the user the checks are made for: a User with group
 * system:authenticated, a member of a Group (plus system:authenticated, except for system:unauthenticated),
 * a ServiceAccount with its token's groups. Namespace-less ServiceAccounts of RoleBindings take the binding's
 * namespace; those of ClusterRoleBindings name nobody and are skipped.
 */
export function bindingSubjects(authorizer: Authorizer): MatrixSubject[] {
  const out = new Map<string, MatrixSubject>();
  const add = (subject: Subject, bindingNamespace: string) => {
    let entry: MatrixSubject | undefined;
    if (subject.kind === "User")
      entry = { kind: "User", name: subject.name, user: { name: subject.name, groups: [ALL_AUTHENTICATED] } };
    else if (subject.kind === "Group")
      entry = {
        kind: "Group",
        name: subject.name,
        user: {
          name: "",
          groups:
            subject.name === "system:unauthenticated" ? [subject.name] : [subject.name, ALL_AUTHENTICATED],
        },
      };
    else if (subject.kind === "ServiceAccount") {
      const namespace = subject.namespace || bindingNamespace;
      if (namespace)
        entry = {
          kind: "ServiceAccount",
          name: subject.name,
          namespace,
          user: serviceAccountUser(namespace, subject.name),
        };
    }
    if (entry) out.set(`${entry.kind}/${entry.namespace ?? ""}/${entry.name}`, entry);
  };
  for (const b of authorizer.policy.clusterRoleBindings) for (const s of b.subjects ?? []) add(s, "");
  for (const [namespace, list] of authorizer.policy.roleBindingsByNamespace)
    for (const b of list) for (const s of b.subjects ?? []) add(s, namespace);
  return [...out.values()].sort((a, b) =>
    `${a.kind}/${a.namespace ?? ""}/${a.name}` < `${b.kind}/${b.namespace ?? ""}/${b.name}` ? -1 : 1,
  );
}

export interface SubjectNamespaceRow {
  subject: MatrixSubject;
  /** namespace ("" = cluster scope) → allowed */
  namespaces: Record<string, boolean>;
}

/** Which subjects may `request` in which namespaces ("" is cluster scope). */
export function resourceMatrix(
  authorizer: Authorizer,
  request: Omit<RequestAttributes, "user" | "namespace">,
  namespaces: readonly string[],
  subjects: readonly MatrixSubject[] = bindingSubjects(authorizer),
): SubjectNamespaceRow[] {
  return subjects.map((subject) => {
    const cells: Record<string, boolean> = Object.create(null); // keyed by verb or namespace name
    for (const namespace of namespaces) {
      // prototype-safe: cells is a null-prototype object
      cells[namespace] = authorizer.authorize({
        ...request,
        namespace,
        user: subject.user,
      } as RequestAttributes).allowed;
    }
    return { subject, namespaces: cells };
  });
}
