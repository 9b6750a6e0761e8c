/** The fixture cluster and tenants file, resolved as the CLI resolves them. */
import { readFileSync } from "node:fs";
import type { Snapshot } from "../../src/model/snapshot.js";
import { buildSnapshot } from "../../src/sources/build.js";
import { parseDocuments } from "../../src/sources/documents.js";
import { parseTenantConfig } from "../../src/sources/tenants-file.js";
import type { TenantConfig } from "../../src/tenancy/config.js";
import { resolveTenants, type Tenancy } from "../../src/tenancy/tenants.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

export function snapshotOf(yaml: string): Snapshot {
  return buildSnapshot(parseDocuments(yaml, "cluster.yaml").documents, { synthesizeNamespaces: false })
    .snapshot;
}

export function configOf(yaml: string): TenantConfig {
  const { config, diagnostics } = parseTenantConfig(yaml, "tenants.yaml");
  if (!config) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return config;
}

export function fixtureTenancy(
  clusterYaml = fixture("cluster.yaml"),
  tenantsYaml = fixture("tenants.yaml"),
): { snapshot: Snapshot; tenancy: Tenancy; config: TenantConfig } {
  const snapshot = snapshotOf(clusterYaml);
  const config = configOf(tenantsYaml);
  return { snapshot, config, tenancy: resolveTenants(snapshot, { from: "file", config }).tenancy };
}
