/** Snapshots for the platform tests: the examples/platforms fixtures, or a few documents written inline. */
import { join } from "node:path";
import type { Finding } from "../../../src/model/finding.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { withBuiltinRbac } from "../../../src/rbac/builtin.js";
import { buildSnapshot } from "../../../src/sources/build.js";
import { parseDocuments } from "../../../src/sources/documents.js";
import { loadManifests } from "../../../src/sources/manifests.js";
import { runAudit } from "../../../src/tenancy/audit.js";
import type { PlatformId } from "../../../src/tenancy/platforms/index.js";
import { resolveTenants } from "../../../src/tenancy/tenants.js";

export const EXAMPLES = join(import.meta.dirname, "..", "..", "..", "examples", "platforms");

/** A fixture as `-f` reads it: with the built-in RBAC (admin, edit, view, …) every cluster has. */
export function example(name: "capsule" | "hnc" | "vcluster"): Snapshot {
  return withBuiltinRbac(loadManifests([join(EXAMPLES, `${name}.yaml`)]).snapshot);
}

export function snapshotOf(yaml: string): Snapshot {
  const { documents, diagnostics } = parseDocuments(yaml, "inline.yaml");
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return buildSnapshot(documents, { synthesizeNamespaces: true }).snapshot;
}

/** The findings of one rule when the audit takes its tenants from `platform`. */
export function findingsOf(snapshot: Snapshot, platform: PlatformId, id: string): Finding[] {
  const { tenancy } = resolveTenants(snapshot, { from: "platform", platforms: [platform] });
  return runAudit(snapshot, tenancy).findings.filter((f) => f.id === id);
}
