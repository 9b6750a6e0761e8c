import type { Origin } from "./origin.js";

export type Plane = "api" | "network" | "node";

export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** A Kubernetes object named in a finding. */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * The one shape every engine reports in; renderers only format it.
 * `subject` is who or what acts (`User:bob`, `default/busybox[Pod]`), `object` what it reaches.
 */
export interface Finding {
  /** Stable rule id, e.g. `rbac.cluster-wide-read`, `network.no-default-deny`, `node.host-path`. */
  id: string;
  plane: Plane;
  severity: Severity;
  subject: string;
  object: string;
  message: string;
  /** The chain that proves it, one link per line: binding → role → rule; policy → rule → port; field → node. */
  evidence: string[];
  remediation: string;
  /** The object the finding is about, and where it was read from. */
  resource?: ObjectRef;
  origin?: Origin;
  /** Set when an acceptance (src/tenancy/acceptance.ts) matches: accepted, or accepted once and expired since. */
  acceptance?: FindingAcceptance;
}

/** Where an acceptance was declared: an entry of the tenants file's `accepted:`, or annotations on an object. */
export type AcceptanceSource =
  | { kind: "tenants-file"; origin: Origin }
  | { kind: "annotation"; object: ObjectRef; origin?: Origin };

/**
 * An accepted risk as a finding carries it. "expired": the acceptance ran out, so the finding counts again
 * (`--fail-on`), and every output says it expired; "accepted": shown as accepted, never hidden.
 */
export interface FindingAcceptance {
  status: "accepted" | "expired";
  reason: string;
  owner: string;
  /** As written (RFC 3339 full-date or date-time); none: until the acceptance is removed. */
  expires?: string;
  source: AcceptanceSource;
}
