/**
 * Tenants on a snapshot: from a tenants file, from a namespace label, or one per namespace (grouped by the
 * `kubefence.io/tenant` label where a namespace carries it, as `tenant init` writes it). `kube-*`
 * namespaces (or the file's platform namespaces) form the platform; every other namespace belongs to
 * exactly one tenant, so nothing is left out of the matrix.
 */
import type { Diagnostic } from "../model/diagnostic.js";
import { selectorOrNothing } from "../model/selector.js";
import type { Snapshot } from "../model/snapshot.js";
import {
  defaultTenantConfig,
  type PlatformService,
  type SubjectRef,
  type TenantConfig,
  type TenantSpec,
} from "./config.js";
import { TENANT_LABEL } from "./guardrails.js";

export const PLATFORM = "platform";

export interface Tenant {
  name: string;
  namespaces: string[];
  owners: SubjectRef[];
  /** The tenants-file entry, when the tenant was declared there. */
  spec?: TenantSpec;
  platform: boolean;
}

export interface Tenancy {
  /** Every tenant, the platform first, then by name. */
  tenants: Tenant[];
  /** Namespace → tenant name (the platform's namespaces map to PLATFORM). */
  tenantOf: Map<string, string>;
  admins: SubjectRef[];
  platformServices: PlatformService[];
  /**
   * Whether a namespace is the platform's by name, also one the snapshot does not hold (manifests rarely
   * declare kube-system, yet the built-in RBAC binds its ServiceAccounts).
   */
  isPlatformNamespace(name: string): boolean;
}

export type TenantSource =
  | { from: "file"; config: TenantConfig }
  | { from: "label"; key: string }
  /**
   * One tenant per namespace; with `byTenantLabel`, namespaces carrying `kubefence.io/tenant` are grouped by it
   * (what the CLI reads; the webhook's default stays one per namespace, as it must not let a label decide).
   */
  | { from: "namespace"; byTenantLabel?: boolean };

export function resolveTenants(
  snapshot: Snapshot,
  source: TenantSource,
): { tenancy: Tenancy; diagnostics: Diagnostic[] } {
  const config = source.from === "file" ? source.config : defaultTenantConfig();
  const diagnostics: Diagnostic[] = [];
  const namespaces = snapshot.namespaces
    .map((ns) => ns.metadata)
    .sort((a, b) => a.name.localeCompare(b.name));
  const tenantOf = new Map<string, string>();
  const platformNames = config.platformNamespaces ? new Set(config.platformNamespaces) : undefined;
  const isPlatformNamespace = (name: string) =>
    platformNames ? platformNames.has(name) : name.startsWith("kube-");
  for (const ns of namespaces) if (isPlatformNamespace(ns.name)) tenantOf.set(ns.name, PLATFORM);

  const specs = new Map<string, TenantSpec>();
  if (source.from === "file") {
    for (const spec of config.tenants) {
      specs.set(spec.name, spec);
      const selector = spec.namespaceSelector ? selectorOrNothing(spec.namespaceSelector) : undefined;
      const known = new Set(namespaces.map((n) => n.name));
      for (const name of spec.namespaces)
        if (!known.has(name))
          diagnostics.push({
            severity: "warning",
            message: `tenant "${spec.name}": namespace "${name}" is not in the cluster`,
          });
      for (const ns of namespaces) {
        if (!spec.namespaces.includes(ns.name) && !selector?.matches(ns.labels)) continue;
        const owner = tenantOf.get(ns.name);
        if (owner && owner !== spec.name) {
          diagnostics.push({
            severity: "error",
            message: `namespace "${ns.name}" is claimed by tenant "${spec.name}" but already belongs to ${owner === PLATFORM ? "the platform" : `tenant "${owner}"`}; it stays with ${owner === PLATFORM ? "the platform" : `"${owner}"`}`,
          });
          continue;
        }
        tenantOf.set(ns.name, spec.name);
      }
    }
  }
  // One tenant per namespace, unless (CLI) a namespace names its tenant with the label `tenant init` writes.
  const labelKey =
    source.from === "label"
      ? source.key
      : source.from === "namespace" && source.byTenantLabel
        ? TENANT_LABEL
        : undefined;
  let labelled = 0;
  for (const ns of namespaces) {
    if (tenantOf.has(ns.name)) continue;
    const label =
      labelKey && ns.labels && Object.hasOwn(ns.labels, labelKey) ? ns.labels[labelKey] : undefined;
    if (label) labelled++;
    tenantOf.set(ns.name, label || ns.name);
    if (source.from === "file")
      diagnostics.push({
        severity: "info",
        message: `namespace "${ns.name}" belongs to no tenant in the tenants file; it is analysed as a tenant of its own`,
      });
  }

  if (source.from === "label" && labelled === 0) {
    const keys = [...new Set(namespaces.flatMap((ns) => Object.keys(ns.labels ?? {})))].filter(
      (k) => k !== "kubernetes.io/metadata.name",
    );
    diagnostics.push({
      severity: "warning",
      message: `--tenant-label ${source.key}: no namespace has this label, so every namespace is a tenant of its own${keys.length > 0 ? ` (namespace labels here: ${keys.sort().slice(0, 8).join(", ")}${keys.length > 8 ? ", …" : ""})` : ""}`,
    });
  }
  if (source.from === "namespace" && labelled > 0)
    diagnostics.push({
      severity: "info",
      message: `${labelled} namespace${labelled === 1 ? "" : "s"} name${labelled === 1 ? "s its" : " their"} tenant with the ${TENANT_LABEL} label (as kubefence tenant init writes it): grouped by it; every other namespace is a tenant of its own`,
    });
  const byTenant = new Map<string, string[]>();
  for (const [ns, tenant] of tenantOf) byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), ns]);
  const tenants: Tenant[] = [...byTenant]
    .map(([name, nss]) => ({
      name,
      namespaces: nss.sort(),
      owners: specs.get(name)?.owners ?? [],
      spec: specs.get(name),
      platform: name === PLATFORM,
    }))
    .sort((a, b) => Number(b.platform) - Number(a.platform) || a.name.localeCompare(b.name));
  for (const spec of specs.values())
    if (!byTenant.has(spec.name))
      diagnostics.push({
        severity: "warning",
        message: `tenant "${spec.name}" has no namespaces in the cluster`,
      });
  return {
    tenancy: {
      tenants,
      tenantOf,
      admins: config.admins,
      platformServices: config.platformServices,
      isPlatformNamespace,
    },
    diagnostics,
  };
}
