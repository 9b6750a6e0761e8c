/** The flags that say who the tenants are (--tenants FILE, --tenant-label KEY), shared by audit and fix. */

import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { Snapshot } from "../model/snapshot.js";
import { terminalSafe } from "../report/terminal.js";
import { parseTenantConfig } from "../sources/tenants-file.js";
import { resolveTenants, type Tenancy, type TenantSource } from "../tenancy/tenants.js";
import { UsageError } from "./errors.js";
import { formatDiagnostic } from "./source-options.js";

export interface TenantOptions {
  tenants?: string;
  tenantLabel?: string;
}

export function addTenantOptions(command: Command): Command {
  return command
    .option(
      "--tenants <file>",
      "tenants file (TenantConfig): tenants, their namespaces and owners, platform admins",
    )
    .option("--tenant-label <key>", "group namespaces into tenants by this namespace label");
}

/** Read and validate the tenants file before anything else is loaded, so a typo fails fast. */
export function readTenantSource(options: TenantOptions): TenantSource {
  if (options.tenants && options.tenantLabel)
    throw new UsageError("--tenants and --tenant-label cannot be used together");
  if (options.tenantLabel) return { from: "label", key: options.tenantLabel };
  if (!options.tenants) return { from: "namespace", byTenantLabel: true };
  let text: string;
  try {
    text = readFileSync(options.tenants, "utf8");
  } catch {
    throw new UsageError(`the tenants file "${options.tenants}" cannot be read`);
  }
  const { config, diagnostics } = parseTenantConfig(text, options.tenants);
  if (!config) throw new UsageError(`invalid tenants file:\n${diagnostics.map(formatDiagnostic).join("\n")}`);
  return { from: "file", config };
}

export function tenantsOf(snapshot: Snapshot, source: TenantSource): Tenancy {
  const resolved = resolveTenants(snapshot, source);
  for (const d of resolved.diagnostics) process.stderr.write(`${terminalSafe(formatDiagnostic(d))}\n`);
  return resolved.tenancy;
}
