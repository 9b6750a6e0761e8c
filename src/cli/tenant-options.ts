/**
 * The flags that say who the tenants are (--tenants FILE, --tenant-label KEY, --tenants-from PLATFORM), shared
 * by audit and fix.
 */

import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { Snapshot } from "../model/snapshot.js";
import { terminalSafe } from "../report/terminal.js";
import { parseTenantConfig, parseWebhookSettings } from "../sources/tenants-file.js";
import type { GuardrailMode } from "../tenancy/enforcement.js";
import { PLATFORM_IDS, type PlatformId } from "../tenancy/platforms/index.js";
import { resolveTenants, type Tenancy, type TenantSource } from "../tenancy/tenants.js";
import { GUARDRAIL_IDS } from "../webhook/guardrails/index.js";
import { UsageError } from "./errors.js";
import { formatDiagnostic } from "./source-options.js";

export interface TenantOptions {
  tenants?: string;
  tenantLabel?: string;
  tenantsFrom?: string;
}

export function addTenantOptions(command: Command): Command {
  return command
    .option(
      "--tenants <file>",
      "tenants file (TenantConfig): tenants, their namespaces and owners, platform admins",
    )
    .option("--tenant-label <key>", "group namespaces into tenants by this namespace label")
    .option(
      "--tenants-from <platform>",
      `tenants as a multi-tenancy platform defines them: ${PLATFORM_IDS.join(", ")} (several comma-separated), or auto (each platform found, saying which)`,
    );
}

/** Read and validate the tenants file before anything else is loaded, so a typo fails fast. */
export function readTenantSource(options: TenantOptions): TenantSource {
  const given = [
    options.tenants && "--tenants",
    options.tenantLabel && "--tenant-label",
    options.tenantsFrom && "--tenants-from",
  ].filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(" and ")} cannot be used together`);
  if (options.tenantsFrom !== undefined)
    return { from: "platform", platforms: platformsOf(options.tenantsFrom) };
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

function platformsOf(text: string): PlatformId[] | "auto" {
  if (text === "auto") return "auto";
  const names = text.split(",").map((s) => s.trim());
  const unknown = names.filter((n) => !(PLATFORM_IDS as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0)
    throw new UsageError(
      `--tenants-from ${JSON.stringify(text)}: must be auto or one or more of ${PLATFORM_IDS.join(", ")} (comma-separated)`,
    );
  return [...new Set(names)] as PlatformId[];
}

/** The webhook's guardrail modes from the tenants file (its `guardrails:` section), for crediting enforcement. */
export function guardrailModesOf(
  tenantsFile: string | undefined,
): ReadonlyMap<string, GuardrailMode> | undefined {
  if (!tenantsFile) return undefined;
  const { settings } = parseWebhookSettings(readFileSync(tenantsFile, "utf8"), tenantsFile, GUARDRAIL_IDS);
  return settings?.modes;
}
