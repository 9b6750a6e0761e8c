/**
 * Does a binding subject name this user? kubernetes/kubernetes `pkg/registry/rbac/validation/rule.go`
 * (`appliesTo`, `appliesToUser`, `describeSubject`).
 */

import { goQuote } from "../model/go-format.js";
import type { Subject } from "../model/objects.js";
import { serviceAccountUsername, type UserInfo } from "./attributes.js";

/**
 * The username a subject stands for, when it stands for one: a User by name, a ServiceAccount as
 * `system:serviceaccount:NS:NAME` where NS defaults to the binding namespace ("" for ClusterRoleBindings,
 * in which case the subject never matches). Groups and unknown kinds: undefined.
 */
export function subjectUsername(subject: Subject, bindingNamespace: string): string | undefined {
  switch (subject.kind) {
    case "User":
      return subject.name;
    case "ServiceAccount": {
      const namespace = subject.namespace || bindingNamespace;
      return namespace ? serviceAccountUsername(namespace, subject.name) : undefined;
    }
    default:
      return undefined;
  }
}

/** rule.go `appliesToUser`. User names and groups compare exactly; `*` is not a wildcard. */
export function appliesToUser(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  if (subject.kind === "Group") return user.groups.includes(subject.name);
  const username = subjectUsername(subject, bindingNamespace);
  return username !== undefined && username === user.name;
}

/** rule.go `appliesTo`: the index of the first subject that applies, or -1. */
export function appliesTo(
  user: UserInfo,
  subjects: readonly Subject[] | undefined,
  bindingNamespace: string,
): number {
  if (!subjects) return -1;
  for (let i = 0; i < subjects.length; i++) if (appliesToUser(user, subjects[i]!, bindingNamespace)) return i;
  return -1;
}

/** rule.go `describeSubject`: `User "bob"`, `ServiceAccount "name/namespace"` (name first). */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === "ServiceAccount")
    return `${subject.kind} ${goQuote(`${subject.name}/${subject.namespace || bindingNamespace}`)}`;
  return `${subject.kind} ${goQuote(subject.name)}`;
}
