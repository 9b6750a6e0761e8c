/**
 * What the authorizer sees: apiserver `authorizer.AttributesRecord`, built from a SubjectAccessReview
 * (`pkg/registry/authorization/util/helpers.go`) or from kubectl-style arguments. Every string is present
 * ("" when absent) so the matchers compare plain strings, as Go does.
 */

/** `user.Info`: name and groups, exactly as authentication (or the SubjectAccessReview) gave them. */
export interface UserInfo {
  name: string;
  groups: readonly string[];
}

export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  /** true: an API object request; false: a non-resource URL (`path`). */
  resourceRequest: boolean;
  namespace: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
  path: string;
}

export const ALL_AUTHENTICATED = "system:authenticated";
export const ALL_UNAUTHENTICATED = "system:unauthenticated";
export const ANONYMOUS = "system:anonymous";
export const MASTERS = "system:masters";
export const SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
export const ALL_SERVICE_ACCOUNTS = "system:serviceaccounts";

export interface ResourceRequest {
  verb: string;
  namespace?: string;
  apiGroup?: string;
  resource: string;
  subresource?: string;
  name?: string;
}

export function resourceAttributes(user: UserInfo, request: ResourceRequest): RequestAttributes {
  return {
    user,
    verb: request.verb,
    resourceRequest: true,
    namespace: request.namespace ?? "",
    apiGroup: request.apiGroup ?? "",
    resource: request.resource,
    subresource: request.subresource ?? "",
    name: request.name ?? "",
    path: "",
  };
}

export function nonResourceAttributes(user: UserInfo, verb: string, path: string): RequestAttributes {
  return {
    user,
    verb,
    resourceRequest: false,
    namespace: "",
    apiGroup: "",
    resource: "",
    subresource: "",
    name: "",
    path,
  };
}

/** apiserver `serviceaccount.MakeUsername`. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

/** apiserver `serviceaccount.SplitUsername`: `system:serviceaccount:NS:NAME` → [NS, NAME], else undefined. */
export function splitServiceAccountUsername(username: string): [string, string] | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(":");
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return [parts[0], parts[1]];
}

/** The user a service account token authenticates as (apiserver `serviceaccount.UserInfo` + the group adder). */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    name: serviceAccountUsername(namespace, name),
    groups: [ALL_SERVICE_ACCOUNTS, `${ALL_SERVICE_ACCOUNTS}:${namespace}`, ALL_AUTHENTICATED],
  };
}

/**
 * The user kubectl `--as USER --as-group G…` becomes (apiserver `filters/impersonation.go`): a service
 * account username without --as-group gets its fixed groups; then `system:authenticated` is appended
 * (`system:unauthenticated` for system:anonymous) unless already present.
 */
export function impersonatedUser(name: string, groups: readonly string[] = []): UserInfo {
  let result = [...groups];
  const sa = splitServiceAccountUsername(name);
  if (sa && groups.length === 0) result = [ALL_SERVICE_ACCOUNTS, `${ALL_SERVICE_ACCOUNTS}:${sa[0]}`];
  if (name !== ANONYMOUS) {
    if (!result.includes(ALL_AUTHENTICATED) && !result.includes(ALL_UNAUTHENTICATED))
      result.push(ALL_AUTHENTICATED);
  } else if (!result.includes(ALL_UNAUTHENTICATED)) result.push(ALL_UNAUTHENTICATED);
  return { name, groups: result };
}
