/**
 * A core/v1 Event for each new breach: a matrix cell (from → to on a plane, "*" for every tenant) that was not
 * in breach at the last judgment. The Event is about the reached tenant's PolicyReport in its first namespace, so
 * `kubectl get events -n NS` (and `kubectl describe policyreport kubefence`) shows it to that tenant; a breach of
 * every tenant is about the ClusterPolicyReport, and so, as the API server requires of an Event about a
 * cluster-scoped object, in namespace "default". Each carries the breach's key as a label, so a
 * restarted controller reads which breaches were already announced (Events live an hour by default) and does not
 * announce them twice. Pure: the breaches in, the Events out; the controller writes them.
 */
import { createHash } from "node:crypto";
import type { AuditReport } from "../tenancy/audit.js";
import { ALL_TENANTS, type MatrixCell } from "../tenancy/matrix.js";
import { MANAGED_BY, MANAGED_BY_LABEL, POLICY_REPORT_API_VERSION, REPORT_NAME } from "./policy-reports.js";

export const BREACH_LABEL = "kubefence.io/breach";
export const BREACH_REASON = "IsolationBreach";
/** core/v1 Event messages are cut at 1 KiB here (the API server allows 4 KiB; a screen does not). */
const MAX_MESSAGE = 1024;

/** A breach's identity, short enough for a label value: a hash of plane, from and to. */
export function breachKey(cell: Pick<MatrixCell, "plane" | "from" | "to">): string {
  return createHash("sha256")
    .update(`${cell.plane}\u0000${cell.from}\u0000${cell.to}`)
    .digest("hex")
    .slice(0, 40);
}

export type BreachEnds = Pick<MatrixCell, "plane" | "from" | "to">;

/** The breaches of a report, by plane, from and to (ends only: no cell, no evidence, no hash). */
export function breachesOf(report: AuditReport): Map<string, BreachEnds> {
  const out = new Map<string, BreachEnds>();
  for (const [from, to, plane] of report.matrix.breachEnds())
    out.set(`${plane}\u0000${from}\u0000${to}`, { plane, from, to });
  return out;
}

/** The cells (with their evidence) of the breaches whose keys (as breachesOf makes them) are wanted. */
export function breachCells(report: AuditReport, wanted: ReadonlySet<string>): MatrixCell[] {
  if (wanted.size === 0) return [];
  const out: MatrixCell[] = [];
  for (const cell of report.matrix.stored())
    if (wanted.has(`${cell.plane}\u0000${cell.from}\u0000${cell.to}`)) out.push(cell);
  return out;
}

export interface BreachEvent {
  apiVersion: "v1";
  kind: "Event";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  involvedObject: { apiVersion: string; kind: string; name: string; namespace?: string };
  reason: typeof BREACH_REASON;
  message: string;
  type: "Warning";
  source: { component: "kubefence-controller" };
  firstTimestamp: string;
  lastTimestamp: string;
  count: 1;
}

export function breachEvent(cell: MatrixCell, report: AuditReport, at: Date): BreachEvent {
  const key = breachKey(cell);
  const reached = cell.to === ALL_TENANTS ? undefined : report.tenants.find((t) => t.name === cell.to);
  const namespace = reached?.namespaces[0];
  const from = cell.from === ALL_TENANTS ? "every tenant" : `tenant ${cell.from}`;
  const to = cell.to === ALL_TENANTS ? "every tenant" : `tenant ${cell.to}`;
  const evidence = cell.evidence.length > 0 ? `: ${cell.evidence.join(" → ")}` : "";
  let message = `${from} reaches ${to} on the ${cell.plane} plane${evidence}`;
  if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE - 1)}…`;
  const time = `${at.toISOString().slice(0, 19)}Z`;
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      // Unique per announcement: a breach that clears and comes back is announced again.
      name: `kubefence-breach.${key.slice(0, 16)}.${at.getTime().toString(16)}`,
      namespace: namespace ?? "default",
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [BREACH_LABEL]: key },
    },
    involvedObject: namespace
      ? { apiVersion: POLICY_REPORT_API_VERSION, kind: "PolicyReport", name: REPORT_NAME, namespace }
      : { apiVersion: POLICY_REPORT_API_VERSION, kind: "ClusterPolicyReport", name: REPORT_NAME },
    reason: BREACH_REASON,
    message,
    type: "Warning",
    source: { component: "kubefence-controller" },
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
  };
}
