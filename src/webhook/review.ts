/**
 * admission.k8s.io/v1 AdmissionReview: the untrusted JSON the API server posts, narrowed once into a typed
 * request, and the response it expects back. Shapes from k8s.io/api/admission/v1/types.go; the API server
 * rejects a response whose uid differs from the request's (webhook/request/admissionreview.go).
 */

export const ADMISSION_API_VERSION = "admission.k8s.io/v1";

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
const OPERATIONS: readonly string[] = ["CREATE", "UPDATE", "DELETE", "CONNECT"];

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: Operation;
  userInfo: UserInfo;
  /** The object after the change (absent on DELETE). Untyped: guardrails admit it through src/model/admission/admit.ts. */
  object?: unknown;
  /** The object before the change (UPDATE, DELETE). */
  oldObject?: unknown;
  dryRun?: boolean;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; reason: string };
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: "AdmissionReview";
  response: AdmissionResponse;
}

export type ParsedReview = { ok: true; request: AdmissionRequest } | { ok: false; reason: string };

/** Narrows a parsed JSON body to an AdmissionRequest, or says which field is wrong. */
export function parseAdmissionReview(body: unknown): ParsedReview {
  const fail = (reason: string): ParsedReview => ({ ok: false, reason });
  if (!isRecord(body)) return fail("body is not a JSON object");
  if (body.kind !== "AdmissionReview") return fail(`kind must be "AdmissionReview" (got ${show(body.kind)})`);
  if (body.apiVersion !== ADMISSION_API_VERSION)
    return fail(`apiVersion must be "${ADMISSION_API_VERSION}" (got ${show(body.apiVersion)})`);
  const r = body.request;
  if (!isRecord(r)) return fail("request is missing or not an object");
  if (typeof r.uid !== "string" || r.uid === "") return fail("request.uid must be a non-empty string");
  if (typeof r.operation !== "string" || !OPERATIONS.includes(r.operation))
    return fail(`request.operation must be one of ${OPERATIONS.join(", ")} (got ${show(r.operation)})`);
  const kind = r.kind;
  if (!isRecord(kind) || typeof kind.kind !== "string" || typeof kind.version !== "string")
    return fail("request.kind must be {group, version, kind}");
  const resource = r.resource;
  if (!isRecord(resource) || typeof resource.resource !== "string")
    return fail("request.resource must be {group, version, resource}");
  const user = r.userInfo;
  if (!isRecord(user)) return fail("request.userInfo must be an object");
  if (user.username !== undefined && typeof user.username !== "string")
    return fail("request.userInfo.username must be a string");
  if (
    user.groups !== undefined &&
    !(Array.isArray(user.groups) && user.groups.every((g) => typeof g === "string"))
  )
    return fail("request.userInfo.groups must be a list of strings");
  for (const field of ["name", "namespace", "subResource"] as const)
    if (r[field] !== undefined && typeof r[field] !== "string")
      return fail(`request.${field} must be a string`);
  for (const field of ["object", "oldObject"] as const)
    if (r[field] != null && !isRecord(r[field])) return fail(`request.${field} must be an object`);
  return {
    ok: true,
    request: {
      uid: r.uid,
      kind: { group: stringOr(kind.group), version: kind.version, kind: kind.kind },
      resource: {
        group: stringOr(resource.group),
        version: stringOr(resource.version),
        resource: resource.resource,
      },
      subResource: nonEmpty(r.subResource),
      name: nonEmpty(r.name),
      namespace: nonEmpty(r.namespace),
      operation: r.operation as Operation,
      userInfo: {
        username: stringOr(user.username),
        uid: typeof user.uid === "string" ? user.uid : undefined,
        groups: (user.groups as string[] | undefined) ?? [],
        extra: isRecord(user.extra) ? (user.extra as Record<string, string[]>) : undefined,
      },
      object: r.object ?? undefined,
      oldObject: r.oldObject ?? undefined,
      dryRun: r.dryRun === true,
    },
  };
}

export function reviewResponse(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: "AdmissionReview", response };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
