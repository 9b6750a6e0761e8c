/**
 * The API server's Forbidden message for a denied request: kubernetes/apiserver
 * `pkg/endpoints/handlers/responsewriters/errors.go` (`forbiddenMessage`, `ForbiddenStatusError`) and
 * apimachinery `errors.NewForbidden` with `GroupResource.String()`.
 */

import { goQuote } from "../model/go-format.js";
import type { RequestAttributes } from "./attributes.js";
import { standardResource } from "./resources.js";

/** errors.go's sanitizer, applied to the message before the reason is appended. */
function sanitize(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The attributes the API server's RequestInfo (apiserver `pkg/endpoints/request/requestinfo.go`) gives
 * the REST request a question stands for — what its 403 describes. kubectl's SubjectAccessReview carries
 * the current namespace even for a cluster-scoped resource, but `GET /api/v1/nodes` has none (`at the
 * cluster scope`); a request for one Namespace (`/api/v1/namespaces/foo`, `…/foo/status`) carries that
 * namespace. Unknown resources are taken as namespaced, as kubectl does.
 */
export function servedAttributes(attributes: RequestAttributes): RequestAttributes {
  if (!attributes.resourceRequest) return attributes;
  const known = standardResource(attributes.resource, attributes.apiGroup);
  if (!known || known.namespaced) return attributes;
  const namespace = known.resource === "namespaces" && known.group === "" ? attributes.name : "";
  return { ...attributes, namespace };
}

export function forbiddenDetail(attributes: RequestAttributes): string {
  const user = goQuote(attributes.user.name);
  const verb = attributes.verb;
  if (!attributes.resourceRequest) return `User ${user} cannot ${verb} path ${goQuote(attributes.path)}`;
  const resource = attributes.subresource
    ? `${attributes.resource}/${attributes.subresource}`
    : attributes.resource;
  const where = attributes.namespace
    ? `in the namespace ${goQuote(attributes.namespace)}`
    : "at the cluster scope";
  return `User ${user} cannot ${verb} resource ${goQuote(resource)} in API group ${goQuote(attributes.apiGroup)} ${where}`;
}

/**
 * `pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"`,
 * `pods "web" is forbidden: …`, `deployments.apps is forbidden: …`, `forbidden: User "x" cannot get path "/metrics"`;
 * `: <reason>` appended when the authorizer gave one.
 */
export function forbiddenMessage(attributes: RequestAttributes, reason = ""): string {
  let inner = sanitize(forbiddenDetail(attributes));
  if (reason) inner += `: ${reason}`;
  const group = attributes.resourceRequest ? attributes.apiGroup : "";
  const resource = attributes.resourceRequest ? attributes.resource : "";
  if (group === "" && resource === "") return `forbidden: ${inner}`;
  const groupResource = group === "" ? resource : `${resource}.${group}`;
  if (!attributes.name) return `${groupResource} is forbidden: ${inner}`;
  return `${groupResource} ${goQuote(attributes.name)} is forbidden: ${inner}`;
}
