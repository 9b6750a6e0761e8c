/**
 * SubjectAccessReview (authorization.k8s.io/v1, and v1beta1's `group` field) in, the same object with
 * `status` filled out — the API server's answer. Conversion as kubernetes/kubernetes
 * `pkg/registry/authorization/util/helpers.go` (`AuthorizationAttributesFrom`): the user is exactly
 * spec.user/spec.groups, nothing is added; validation as `pkg/apis/authorization/validation`.
 */

import { goQuote } from "../model/go-format.js";
import type { RequestAttributes } from "./attributes.js";
import type { Authorizer } from "./authorizer.js";

export interface ResourceAttributesSpec {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export interface SubjectAccessReview {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
  spec?: {
    resourceAttributes?: ResourceAttributesSpec | null;
    nonResourceAttributes?: { path?: string; verb?: string } | null;
    user?: string;
    groups?: string[];
    /** v1beta1 spelling of `groups`. */
    group?: string[];
    uid?: string;
    extra?: Record<string, string[]>;
  };
  status?: SubjectAccessReviewStatus;
}

export interface SubjectAccessReviewStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

export type ReviewAttributes = { ok: true; attributes: RequestAttributes } | { ok: false; errors: string[] };

const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** The request attributes of a review, or the validation errors the API server would answer 422 with. */
export function reviewAttributes(review: SubjectAccessReview): ReviewAttributes {
  const spec = review.spec ?? {};
  const errors: string[] = [];
  const resource = spec.resourceAttributes ?? undefined;
  const nonResource = spec.nonResourceAttributes ?? undefined;
  if (resource && nonResource)
    errors.push(
      "spec.nonResourceAttributes: Invalid value: …: cannot be specified in combination with resourceAttributes",
    );
  if (!resource && !nonResource)
    errors.push(
      'spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  const user = str(spec.user);
  const groupList = spec.groups ?? spec.group ?? [];
  const groups = Array.isArray(groupList) ? groupList.filter((g): g is string => typeof g === "string") : [];
  if (user === "" && groups.length === 0)
    errors.push(
      `spec.user: Invalid value: ${goQuote(user)}: at least one of user or group must be specified`,
    );
  if (errors.length > 0) return { ok: false, errors };
  const info = { name: user, groups };
  if (resource)
    return {
      ok: true,
      attributes: {
        user: info,
        verb: str(resource.verb),
        resourceRequest: true,
        namespace: str(resource.namespace),
        apiGroup: str(resource.group),
        resource: str(resource.resource),
        subresource: str(resource.subresource),
        name: str(resource.name),
        path: "",
      },
    };
  return {
    ok: true,
    attributes: {
      user: info,
      verb: str(nonResource!.verb),
      resourceRequest: false,
      namespace: "",
      apiGroup: "",
      resource: "",
      subresource: "",
      name: "",
      path: str(nonResource!.path),
    },
  };
}

/** The status the API server returns: `allowed`, and `reason` only when non-empty (omitempty). */
export function reviewStatus(
  authorizer: Authorizer,
  attributes: RequestAttributes,
): SubjectAccessReviewStatus {
  const decision = authorizer.authorize(attributes);
  return decision.reason
    ? { allowed: decision.allowed, reason: decision.reason }
    : { allowed: decision.allowed };
}

/** The review with its status filled in (a new object; the input is not changed). */
export function answerReview(
  authorizer: Authorizer,
  review: SubjectAccessReview,
): { ok: true; review: SubjectAccessReview } | { ok: false; errors: string[] } {
  const attributes = reviewAttributes(review);
  if (!attributes.ok) return attributes;
  return { ok: true, review: { ...review, status: reviewStatus(authorizer, attributes.attributes) } };
}

export type LineAnswer =
  | { ok: true; line: string }
  | { ok: false; errors: string[]; review: SubjectAccessReview };

/**
 * One JSON line in, the answered JSON line out — the `review` hot path. The status is spliced in before the
 * closing brace, so the rest of the line stays byte-for-byte as given; a line that already has a `status`
 * is re-serialised instead.
 */
export function answerReviewLine(authorizer: Authorizer, line: string): LineAnswer {
  const review = JSON.parse(line) as SubjectAccessReview;
  const attributes = reviewAttributes(review);
  if (!attributes.ok) return { ok: false, errors: attributes.errors, review };
  const status = reviewStatus(authorizer, attributes.attributes);
  const end = line.lastIndexOf("}");
  if (review.status !== undefined || end < 0)
    return { ok: true, line: JSON.stringify({ ...review, status }) };
  const body = line.slice(0, end).trimEnd();
  const separator = body.endsWith("{") ? "" : ",";
  return { ok: true, line: `${body}${separator}"status":${JSON.stringify(status)}}` };
}
