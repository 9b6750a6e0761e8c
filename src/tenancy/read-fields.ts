/**
 * Which fields of an object the audit reads, so that an update changing none of them need not be judged
 * again: a cluster of 100 000 pods updates their status (conditions, container states, restarts) and its
 * workloads' status (replica counts) all the time, and a relist after a watch restart sends every object
 * again unchanged. No engine reads `metadata.resourceVersion`, `metadata.generation` or
 * `metadata.managedFields`, nor an object's `status` but for the fields READ_STATUS lists (the network
 * reads pods' addresses and nodes' addresses; platforms read Capsule's and HNC's status lists).
 * test/tenancy/read-fields.test.ts checks that the audit's report is the same whatever the unread fields
 * hold, and that no source file reads another status field.
 */
import { isDeepStrictEqual } from "node:util";
import type { KubeObject } from "../model/objects.js";

/** Metadata no engine reads. */
const UNREAD_METADATA: ReadonlySet<string> = new Set(["resourceVersion", "generation", "managedFields"]);

/** The status fields the audit reads, by kind; a kind not listed has none read. */
export const READ_STATUS: ReadonlyMap<string, readonly string[]> = new Map([
  ["Pod", ["podIP", "podIPs"]],
  ["Node", ["addresses"]],
  ["Tenant", ["namespaces"]],
  ["HierarchyConfiguration", ["children"]],
]);

/** Whether the audit reads both objects (of one kind, admitted alike) the same: no field it reads differs. */
export function sameToTheAudit(a: KubeObject, b: KubeObject): boolean {
  return a === b || isDeepStrictEqual(asTheAuditReadsIt(a), asTheAuditReadsIt(b));
}

/** The object without what the audit does not read (a shallow copy: the object itself is left as it is). */
function asTheAuditReadsIt(object: KubeObject): Record<string, unknown> {
  const { status, metadata, ...rest } = object as unknown as Record<string, unknown>;
  const meta: Record<string, unknown> = { ...(metadata as Record<string, unknown>) };
  // prototype-safe: the keys are UNREAD_METADATA's, kubefence's own names
  for (const key of UNREAD_METADATA) delete meta[key];
  const read: Record<string, unknown> = {};
  const fields = typeof status === "object" && status !== null ? (status as Record<string, unknown>) : {};
  for (const field of READ_STATUS.get(object.kind) ?? [])
    if (Object.hasOwn(fields, field)) read[field] = fields[field];
  return { ...rest, metadata: meta, status: read };
}
