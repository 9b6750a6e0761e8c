/** Snapshots for the platform tests: the examples/platforms fixtures, or a few documents written inline. */
import { join } from "node:path";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { buildSnapshot } from "../../../src/sources/build.js";
import { parseDocuments } from "../../../src/sources/documents.js";
import { loadManifests } from "../../../src/sources/manifests.js";

export const EXAMPLES = join(import.meta.dirname, "..", "..", "..", "examples", "platforms");

export function example(name: "capsule" | "hnc" | "vcluster"): Snapshot {
  return loadManifests([join(EXAMPLES, `${name}.yaml`)]).snapshot;
}

export function snapshotOf(yaml: string): Snapshot {
  const { documents, diagnostics } = parseDocuments(yaml, "inline.yaml");
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return buildSnapshot(documents, { synthesizeNamespaces: true }).snapshot;
}
