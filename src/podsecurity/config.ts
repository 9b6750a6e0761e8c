/**
 * PodSecurityConfiguration, as kube-apiserver reads it from --admission-control-config-file: either the
 * configuration itself or an AdmissionConfiguration whose PodSecurity plugin embeds it (or names a `path`).
 * Pure: takes the parsed document; the CLI reads the file. Upstream: admission/api/types.go, v1/defaults.go,
 * validation/validation.go.
 */
import {
  type Level,
  type LevelVersion,
  type Policy,
  PRIVILEGED_POLICY,
  parseLevel,
  parseVersion,
} from "./api.js";

export interface Exemptions {
  usernames: string[];
  namespaces: string[];
  runtimeClasses: string[];
}

export interface PodSecurityConfig {
  defaults: Policy;
  exemptions: Exemptions;
}

export const DEFAULT_CONFIG: PodSecurityConfig = {
  defaults: PRIVILEGED_POLICY,
  exemptions: { usernames: [], namespaces: [], runtimeClasses: [] },
};

const CONFIG_GROUP = "pod-security.admission.config.k8s.io";
const CONFIG_VERSIONS = ["v1", "v1beta1", "v1alpha1"];

export type ConfigResult =
  | { ok: true; config: PodSecurityConfig }
  /** An AdmissionConfiguration that points at another file for the PodSecurity plugin. */
  | { ok: true; path: string }
  | { ok: false; error: string };

type Doc = Record<string, unknown>;
const isDoc = (value: unknown): value is Doc =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function parsePodSecurityConfiguration(document: unknown): ConfigResult {
  if (!isDoc(document))
    return { ok: false, error: "expected a PodSecurityConfiguration or AdmissionConfiguration object" };
  if (document.kind === "AdmissionConfiguration") {
    const plugins = Array.isArray(document.plugins) ? document.plugins : [];
    const plugin = plugins.find((p): p is Doc => isDoc(p) && p.name === "PodSecurity");
    if (!plugin) return { ok: false, error: "AdmissionConfiguration has no plugin named PodSecurity" };
    if (plugin.configuration !== undefined) return parsePodSecurityConfiguration(plugin.configuration);
    if (typeof plugin.path === "string" && plugin.path !== "") return { ok: true, path: plugin.path };
    return { ok: false, error: "the PodSecurity plugin entry has neither configuration nor path" };
  }
  const [group, version] = String(document.apiVersion ?? "").split("/");
  if (
    document.kind !== "PodSecurityConfiguration" ||
    group !== CONFIG_GROUP ||
    !CONFIG_VERSIONS.includes(version ?? "")
  )
    return {
      ok: false,
      error: `expected kind PodSecurityConfiguration in ${CONFIG_VERSIONS.map((v) => `${CONFIG_GROUP}/${v}`).join(", ")} (got ${String(document.apiVersion)} ${String(document.kind)})`,
    };
  const errors: string[] = [];
  const defaults = isDoc(document.defaults) ? document.defaults : {};
  const mode = (name: "enforce" | "audit" | "warn"): LevelVersion => {
    const level = field(defaults, name, "privileged");
    const version = field(defaults, `${name}-version`, "latest");
    const parsedLevel = parseLevel(level);
    const parsedVersion = parseVersion(version);
    if (parsedLevel.error) errors.push(`defaults.${name}: Invalid value: "${level}": ${parsedLevel.error}`);
    if (parsedVersion.error)
      errors.push(`defaults.${name}-version: Invalid value: "${version}": ${parsedVersion.error}`);
    return { level: parsedLevel.value as Level, version: parsedVersion.value };
  };
  const policy: Policy = { enforce: mode("enforce"), audit: mode("audit"), warn: mode("warn") };
  const exemptions = isDoc(document.exemptions) ? document.exemptions : {};
  const list = (name: keyof Exemptions): string[] => {
    const value = exemptions[name];
    if (value == null) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v === "")) {
      errors.push(`exemptions.${name}: must be a list of non-empty strings`);
      return [];
    }
    return value as string[];
  };
  const config: PodSecurityConfig = {
    defaults: policy,
    exemptions: {
      usernames: list("usernames"),
      namespaces: list("namespaces"),
      runtimeClasses: list("runtimeClasses"),
    },
  };
  if (errors.length > 0) return { ok: false, error: errors.join("; ") };
  return { ok: true, config };
}

function field(doc: Doc, name: string, fallback: string): string {
  // prototype-safe: name is one of the literal field names of the configuration
  const value = doc[name];
  return value == null || value === "" ? fallback : String(value);
}
