/**
 * The webhook's configuration: the tenants file (src/tenancy/config.ts) plus one optional top-level section
 * of its own, the mode of each guardrail:
 *
 *   guardrails:
 *     pod-security: enforce      # enforce (deny) | warn (kubectl shows a warning) | audit (log only)
 *     service-exposure: warn
 *
 * Without a tenants file the webhook is safe by default: every namespace outside `kube-*` is its own tenant
 * at Pod Security baseline, and every guardrail enforces.
 */
import type { Diagnostic } from "../model/diagnostic.js";
import { parseDocuments } from "../sources/documents.js";
import {
  defaultTenantConfig,
  type PodSecurityLevel,
  parseTenantConfig,
  type TenantConfig,
} from "../tenancy/config.js";
import { isMode, MODES, type Mode } from "./mode.js";

export interface WebhookSettings {
  config: TenantConfig;
  /** Tenants come from the file (true) or one per namespace (false). */
  fromFile: boolean;
  /** Guardrail id → mode; a guardrail not listed enforces. */
  modes: ReadonlyMap<string, Mode>;
  /** Pod Security level of tenants the file does not declare (and of every tenant without a file). */
  defaultPodSecurity: PodSecurityLevel;
}

export function defaultSettings(): WebhookSettings {
  return { config: defaultTenantConfig(), fromFile: false, modes: new Map(), defaultPodSecurity: "baseline" };
}

export function modeOf(settings: WebhookSettings, guardrail: string): Mode {
  return settings.modes.get(guardrail) ?? "enforce";
}

/** Parses a tenants file; `guardrailIds` are the ids a `guardrails:` entry may name. */
export function parseWebhookSettings(
  text: string,
  file: string,
  guardrailIds: readonly string[],
): { settings?: WebhookSettings; diagnostics: Diagnostic[] } {
  const { config, diagnostics } = parseTenantConfig(text, file);
  if (!config) return { diagnostics };
  const doc = parseDocuments(text, file).documents[0]!;
  const section = (doc.value as Record<string, unknown>).guardrails;
  const modes = new Map<string, Mode>();
  const errors: Diagnostic[] = [];
  if (section !== undefined) {
    if (typeof section !== "object" || section === null || Array.isArray(section))
      errors.push({
        severity: "error",
        message: "guardrails must be a map of guardrail id to mode",
        origin: doc.locate(["guardrails"]),
        field: "guardrails",
      });
    else
      for (const [id, mode] of Object.entries(section)) {
        const field = ["guardrails", id];
        if (!guardrailIds.includes(id))
          errors.push({
            severity: "error",
            message: `unknown guardrail ${JSON.stringify(id)}; known: ${guardrailIds.join(", ")}`,
            origin: doc.locate(field),
            field: field.join("."),
          });
        else if (!isMode(mode))
          errors.push({
            severity: "error",
            message: `guardrail ${JSON.stringify(id)}: mode must be ${MODES.join(", ")} (got ${JSON.stringify(mode)})`,
            origin: doc.locate(field),
            field: field.join("."),
          });
        else modes.set(id, mode);
      }
  }
  if (errors.length > 0) return { diagnostics: [...diagnostics, ...errors] };
  return { settings: { config, fromFile: true, modes, defaultPodSecurity: "baseline" }, diagnostics };
}
