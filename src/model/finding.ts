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
}
