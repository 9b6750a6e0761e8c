/**
 * Accepted risks: a finding someone has decided to live with, for a reason, by an owner, until a date. An
 * acceptance is declared in the tenants file's `accepted:` section or by annotations on the object a finding
 * is about:
 *
 *   metadata:
 *     annotations:
 *       kubefence.io/accept: rbac.cluster-wide-namespaced-access   # finding ids, comma-separated
 *       kubefence.io/accept-reason: the webhook's cache lists roles, bindings and policies everywhere
 *       kubefence.io/accept-owner: platform-team
 *       kubefence.io/accept-expires: "2027-06-30"                  # optional, RFC 3339 date or date-time
 *
 * Accepting never hides: the finding stays in every output, marked accepted; only `--fail-on` passes it by.
 * An acceptance that has expired leaves the finding failing again (and says so); one that matches nothing is
 * itself a finding (./unused-acceptance.ts). Pure: the time it is judged at is an argument, never the clock.
 */
import type { AcceptanceSource, Finding, ObjectRef, Plane } from "../model/finding.js";
import { formatOrigin, type Origin, originOf } from "../model/origin.js";
import { runRules } from "../model/rule.js";
import { allObjects, type Snapshot } from "../model/snapshot.js";
import { type Acceptance, parseSubject } from "./config.js";
import { ruleOf } from "./rules.js";
import type { Tenancy } from "./tenants.js";
import { planeOfId, UNUSED_ACCEPTANCE_RULES, type UnusedAcceptance } from "./unused-acceptance.js";

export type { Acceptance };

export const ACCEPT_ANNOTATION = "kubefence.io/accept";
export const ACCEPT_REASON_ANNOTATION = "kubefence.io/accept-reason";
export const ACCEPT_OWNER_ANNOTATION = "kubefence.io/accept-owner";
export const ACCEPT_EXPIRES_ANNOTATION = "kubefence.io/accept-expires";

export type AcceptanceStatus = "accepted" | "expired" | "unused" | "invalid";

/** An acceptance as the report lists it (`audit --show-accepted`, JSON's `acceptances`). */
export interface AcceptanceResult extends Acceptance {
  /** accepted/expired: it matches findings (expired: they fail again); unused: none; invalid: unreadable. */
  status: AcceptanceStatus;
  /** How many findings it matches. */
  findings: number;
  /** Why an invalid acceptance cannot be used. */
  problem?: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 full-date (`2027-06-30`, read as its first instant in UTC) or date-time, or undefined when the
 * text is neither (a day that does not exist included).
 */
export function parseInstant(text: string): { instant: Date; dateOnly: boolean } | undefined {
  const date = DATE.exec(text);
  const match = date ?? DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2027-02-30 over into March: a day that does not exist is not a date.
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day
  )
    return undefined;
  if (date) return { instant: calendar, dateOnly: true };
  const [hour, minute, second] = [Number(match[4]), Number(match[5]), Number(match[6])];
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const instant = Date.parse(text.toUpperCase());
  return Number.isNaN(instant) ? undefined : { instant: new Date(instant), dateOnly: false };
}

/** The instant an expiry ends at: a full-date holds through that day in UTC, so it ends at the next midnight. */
export function expiryInstant(text: string): Date | undefined {
  const parsed = parseInstant(text);
  if (!parsed?.dateOnly) return parsed?.instant;
  return new Date(parsed.instant.getTime() + 24 * 60 * 60 * 1000);
}

/** Where an acceptance was declared, as every output names it. */
export function formatAcceptanceSource(source: AcceptanceSource): string {
  return source.kind === "tenants-file"
    ? `tenants file ${formatOrigin(source.origin)}`
    : `annotation on ${formatObjectRef(source.object)}`;
}

/** `ClusterRoleBinding name`, `Pod ns/name`. */
export function formatObjectRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/** What an acceptance would match, for people: `ClusterRoleBinding x`, `tenant team-a, namespace a`, `every finding`. */
function scopeOf(a: { tenant?: string; namespace?: string; resource?: ObjectRef }): string {
  const parts = [
    a.tenant !== undefined ? `tenant ${a.tenant}` : "",
    a.namespace !== undefined ? `namespace ${a.namespace}` : "",
    a.resource ? formatObjectRef(a.resource) : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "every finding of the id";
}

/**
 * The acceptances annotated on the snapshot's objects, and those that cannot be used (reported as findings):
 * each scoped to the object that carries it.
 */
export function annotationAcceptances(snapshot: Snapshot): {
  accepted: Acceptance[];
  invalid: AcceptanceResult[];
} {
  const accepted: Acceptance[] = [];
  const invalid: AcceptanceResult[] = [];
  for (const object of allObjects(snapshot)) {
    const annotations = object.metadata.annotations;
    if (!annotations) continue;
    const get = (key: string) => (Object.hasOwn(annotations, key) ? annotations[key] : undefined);
    const ids = get(ACCEPT_ANNOTATION);
    const reason = get(ACCEPT_REASON_ANNOTATION)?.trim() ?? "";
    const owner = get(ACCEPT_OWNER_ANNOTATION)?.trim() ?? "";
    const expires = get(ACCEPT_EXPIRES_ANNOTATION)?.trim();
    if (ids === undefined && !reason && !owner && expires === undefined) continue;
    const resource: ObjectRef = {
      kind: object.kind,
      ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
      name: object.metadata.name,
    };
    const origin = originOf(object);
    const source: AcceptanceSource = { kind: "annotation", object: resource, ...(origin ? { origin } : {}) };
    const list = (ids ?? "")
      .split(",")
      .map((id) => id.trim())
      .filter(Boolean);
    const problems = [
      list.length === 0 ? `${ACCEPT_ANNOTATION} names no finding id` : "",
      reason ? "" : `${ACCEPT_REASON_ANNOTATION} is missing`,
      owner ? "" : `${ACCEPT_OWNER_ANNOTATION} is missing`,
      expires !== undefined && !expiryInstant(expires)
        ? `${ACCEPT_EXPIRES_ANNOTATION} ${JSON.stringify(expires)} is not an RFC 3339 date (2027-06-30) or date-time (2027-06-30T12:00:00Z)`
        : "",
    ].filter(Boolean);
    for (const id of list.length > 0 ? list : [ids ?? ""]) {
      const unknown = ruleOf(id) ? "" : `${JSON.stringify(id)} is no finding id (kubefence rules lists them)`;
      const all = list.length > 0 && unknown ? [unknown, ...problems] : problems;
      const entry = { id, resource, reason, owner, ...(expires !== undefined ? { expires } : {}), source };
      if (all.length > 0) invalid.push({ ...entry, status: "invalid", findings: 0, problem: all.join("; ") });
      else accepted.push(entry);
    }
  }
  return { accepted, invalid };
}

/** The namespace a finding is in: its object's (a Namespace: itself), or else its ServiceAccount subject's. */
function namespaceOf(finding: Finding): string | undefined {
  if (finding.resource?.namespace) return finding.resource.namespace;
  if (finding.resource?.kind === "Namespace") return finding.resource.name;
  const subject = parseSubject(finding.subject);
  return subject?.kind === "ServiceAccount" ? subject.namespace : undefined;
}

function matches(a: Acceptance, f: Finding, tenancy: Tenancy): boolean {
  if (a.id !== f.id) return false;
  const namespace = namespaceOf(f);
  if (a.namespace !== undefined && a.namespace !== namespace) return false;
  if (a.tenant !== undefined && (namespace === undefined || tenancy.tenantOf.get(namespace) !== a.tenant))
    return false;
  if (a.resource) {
    const r = f.resource;
    if (!r || r.kind !== a.resource.kind || r.name !== a.resource.name) return false;
    if ((r.namespace ?? "") !== (a.resource.namespace ?? "")) return false;
  }
  return true;
}

/**
 * The findings with their acceptances applied (a copy of each matched finding, `acceptance` set: a live one
 * wins over an expired one, then the first declared), followed by a finding for each acceptance that accepts
 * nothing; and every acceptance with its status. `now` decides what has expired.
 */
export function applyAcceptances(
  findings: readonly Finding[],
  acceptances: readonly Acceptance[],
  invalid: readonly AcceptanceResult[],
  tenancy: Tenancy,
  now: Date,
): { findings: Finding[]; acceptances: AcceptanceResult[] } {
  const expired = acceptances.map((a) => a.expires !== undefined && now >= expiryInstant(a.expires)!);
  const counts = acceptances.map(() => 0);
  // Indexed so each finding meets only the acceptances that can match it: those of one object (annotations,
  // `resource:`) by id and object, the others by id. 100 000 findings and as many annotations stay linear.
  const byObject = new Map<string, number[]>();
  const byId = new Map<string, number[]>();
  acceptances.forEach((a, i) => {
    const [index, key] = a.resource ? [byObject, objectKey(a.id, a.resource)] : [byId, a.id];
    const list = index.get(key);
    if (list) list.push(i);
    else index.set(key, [i]);
  });
  const none: number[] = [];
  const out = findings.map((f) => {
    const ofObject = f.resource ? (byObject.get(objectKey(f.id, f.resource)) ?? none) : none;
    const ofId = byId.get(f.id) ?? none;
    if (ofObject.length === 0 && ofId.length === 0) return f;
    let chosen: number | undefined;
    for (const list of [ofObject, ofId])
      for (const i of list) {
        if (!matches(acceptances[i]!, f, tenancy)) continue;
        counts[i]!++;
        // A live acceptance wins over an expired one; between equals, the first declared.
        if (
          chosen === undefined ||
          (expired[chosen] && !expired[i]) ||
          (expired[chosen] === expired[i] && i < chosen)
        )
          chosen = i;
      }
    if (chosen === undefined) return f;
    const a = acceptances[chosen]!;
    return {
      ...f,
      acceptance: {
        status: expired[chosen] ? ("expired" as const) : ("accepted" as const),
        reason: a.reason,
        owner: a.owner,
        ...(a.expires !== undefined ? { expires: a.expires } : {}),
        source: a.source,
      },
    };
  });
  const results: AcceptanceResult[] = acceptances.map((a, i) => ({
    ...a,
    status: counts[i] === 0 ? "unused" : expired[i] ? "expired" : "accepted",
    findings: counts[i]!,
  }));
  const unused: UnusedAcceptance[] = [...results, ...invalid]
    .filter((r) => r.status === "unused" || r.status === "invalid")
    .map((r) => {
      const where = formatAcceptanceSource(r.source);
      const expiredToo = r.status === "unused" && r.expires !== undefined && now >= expiryInstant(r.expires)!;
      const origin: Origin | undefined = r.source.origin;
      return {
        plane: planeOfId(r.id) ?? planeOfKind(r.resource?.kind),
        id: r.id,
        where,
        scope: scopeOf(r),
        problem:
          r.status === "invalid"
            ? `cannot be used: ${r.problem}`
            : `matches no finding${expiredToo ? ` (and expired ${r.expires})` : ""}: remove it once its risk is fixed, or correct its id or scope`,
        evidence: [
          `declared: ${where}`,
          ...(r.reason ? [`reason: ${r.reason}`] : []),
          ...(r.owner ? [`owner: ${r.owner}`] : []),
          ...(r.expires !== undefined ? [`expires: ${r.expires}`] : []),
        ],
        ...(r.source.kind === "annotation" ? { resource: r.source.object } : {}),
        ...(origin ? { origin } : {}),
      };
    });
  const reported = runRules(Object.values(UNUSED_ACCEPTANCE_RULES), unused, out);
  return { findings: reported, acceptances: [...results, ...invalid] };
}

function objectKey(id: string, ref: ObjectRef): string {
  return `${id}\u0000${ref.kind}\u0000${ref.namespace ?? ""}\u0000${ref.name}`;
}

/** The plane an annotated object's findings are on, for an acceptance whose id names none. */
function planeOfKind(kind: string | undefined): Plane {
  if (kind === "NetworkPolicy" || kind === "Service") return "network";
  if (kind === "Role" || kind === "ClusterRole" || kind === "RoleBinding" || kind === "ClusterRoleBinding")
    return "api";
  return kind === undefined ? "api" : "node";
}
