/**
 * The webhook's configuration: the tenants file (src/tenancy/config.ts) plus one optional top-level section
 * of its own, the mode of each guardrail (parsed by src/sources/tenants-file.ts):
 *
 *   guardrails:
 *     pod-security: enforce      # enforce (deny) | warn (kubectl shows a warning) | audit (log only)
 *     service-exposure: warn
 *
 * Without a tenants file the webhook is safe by default: every namespace outside `kube-*` is its own tenant
 * at Pod Security baseline, and every guardrail enforces.
 */
import { defaultTenantConfig, type PodSecurityLevel, type TenantConfig } from "../tenancy/config.js";
import type { Mode } from "./mode.js";

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
