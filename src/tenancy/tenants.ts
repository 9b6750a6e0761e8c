/**
 * Tenants on a snapshot: from a tenants file, from a namespace label, from the multi-tenancy platforms in use
 * (platforms/: Capsule, HNC, vcluster), or one per namespace (grouped by the
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
import {
  PLATFORMS,
  type PlatformId,
  type PlatformIdentity,
  type PlatformTenant,
  platformReader,
} from "./platforms/index.js";

export const PLATFORM = "platform";

export interface Tenant {
  name: string;
  namespaces: string[];
  owners: SubjectRef[];
  /** The tenants-file entry, when the tenant was declared there. */
  spec?: TenantSpec;
  platform: boolean;
  /** The multi-tenancy platform that defines the tenant, and what it says about it. */
  from?: { platform: PlatformId; declaredBy: PlatformTenant["declaredBy"]; identities: PlatformIdentity[] };
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
  | { from: "namespace"; byTenantLabel?: boolean }
  /** As the platforms define them (`--tenants-from`); "auto": every platform whose objects were read. */
  | { from: "platform"; platforms: readonly PlatformId[] | "auto" };

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
  const platformTenants = new Map<string, PlatformTenant & { platform: PlatformId }>();
  if (source.from === "platform") {
    const read = readPlatforms(snapshot, source.platforms);
    diagnostics.push(...read.diagnostics);
    for (const tenant of read.tenants) {
      if (platformTenants.has(tenant.name)) {
        diagnostics.push({
          severity: "error",
          message: `tenant "${tenant.name}" is defined by both ${platformReader(platformTenants.get(tenant.name)!.platform).title} and ${platformReader(tenant.platform).title}; the ${platformReader(tenant.platform).title} one is left out`,
        });
        continue;
      }
      platformTenants.set(tenant.name, tenant);
      for (const ns of tenant.namespaces) {
        const owner = tenantOf.get(ns);
        if (owner && owner !== tenant.name) {
          diagnostics.push({
            severity: "error",
            message: `namespace "${ns}" is claimed by ${platformReader(tenant.platform).title} tenant "${tenant.name}" but already belongs to ${owner === PLATFORM ? "the platform" : `tenant "${owner}"`}; it stays with ${owner === PLATFORM ? "the platform" : `"${owner}"`}`,
          });
          continue;
        }
        tenantOf.set(ns, tenant.name);
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
  const unclaimed: string[] = [];
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
    else if (source.from === "platform") unclaimed.push(ns.name);
  }
  // (With no platform tenant at all, the platforms' own note says every namespace is one.)
  if (unclaimed.length > 0 && platformTenants.size > 0)
    diagnostics.push({
      severity: "info",
      message: `${unclaimed.length} namespace${unclaimed.length === 1 ? " belongs" : "s belong"} to no platform tenant (${unclaimed.slice(0, 10).join(", ")}${unclaimed.length > 10 ? `, … ${unclaimed.length - 10} more` : ""}); each is analysed as a tenant of its own`,
    });

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
    .map(([name, nss]) => {
      const defined = platformTenants.get(name);
      const tenant: Tenant = {
        name,
        namespaces: nss.sort(),
        owners: specs.get(name)?.owners ?? defined?.owners ?? [],
        spec: specs.get(name),
        platform: name === PLATFORM,
      };
      if (defined && name !== PLATFORM)
        tenant.from = {
          platform: defined.platform,
          declaredBy: defined.declaredBy,
          identities: defined.identities,
        };
      return tenant;
    })
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

/**
 * The tenants of the platforms asked for, with a note saying which were read; "auto" takes each platform
 * that defines some tenant, and says so (or that none does).
 */
function readPlatforms(
  snapshot: Snapshot,
  platforms: readonly PlatformId[] | "auto",
): { tenants: (PlatformTenant & { platform: PlatformId })[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const tenants: (PlatformTenant & { platform: PlatformId })[] = [];
  const found: string[] = [];
  const readers = platforms === "auto" ? PLATFORMS : platforms.map(platformReader);
  for (const reader of readers) {
    const read = reader.read(snapshot);
    const unread = PLATFORM_KINDS[reader.id].filter((kind) => snapshot.missingKinds.includes(kind));
    if (read.tenants.length === 0 && platforms === "auto") {
      if (unread.length > 0)
        diagnostics.push({
          severity: "warning",
          message: `${reader.title}: ${unread.join(", ")} could not be read, so whether ${reader.title} defines tenants is unknown`,
        });
      continue;
    }
    diagnostics.push(...read.diagnostics);
    if (unread.length > 0)
      diagnostics.push({
        severity: "warning",
        message: `${reader.title}: ${unread.join(", ")} could not be read; its tenants are read from namespace labels only`,
      });
    if (read.tenants.length === 0)
      diagnostics.push({
        severity: "warning",
        message: `--tenants-from ${reader.id}: no ${reader.title} tenant found (${NOTHING_READ[reader.id]})${platforms.length === 1 ? "; each namespace is a tenant of its own" : ""}`,
      });
    else
      found.push(
        `${reader.title} (${read.tenants.length} tenant${read.tenants.length === 1 ? "" : "s"}: ${read.tenants
          .slice(0, 5)
          .map((t) => t.name)
          .join(", ")}${read.tenants.length > 5 ? ", …" : ""})`,
      );
    for (const t of read.tenants) tenants.push({ ...t, platform: reader.id });
  }
  if (platforms === "auto")
    diagnostics.push({
      severity: "info",
      message:
        found.length > 0
          ? `--tenants-from auto: tenants from ${found.join(" and ")}`
          : `--tenants-from auto: no Capsule, HNC or vcluster tenants found; each namespace is a tenant of its own`,
    });
  else if (found.length > 0)
    diagnostics.push({ severity: "info", message: `tenants from ${found.join(" and ")}` });
  return { tenants, diagnostics };
}

/** The kinds each platform's tenants are read from, beyond Namespaces. */
const PLATFORM_KINDS: Record<PlatformId, readonly string[]> = {
  capsule: ["Tenant", "Namespace"],
  hnc: ["HierarchyConfiguration", "SubnamespaceAnchor", "Namespace"],
  vcluster: ["Pod", "StatefulSet", "Deployment", "Namespace"],
};

const NOTHING_READ: Record<PlatformId, string> = {
  capsule: "no capsule.clastix.io Tenant and no namespace labelled capsule.clastix.io/tenant was read",
  hnc: "no HierarchyConfiguration, SubnamespaceAnchor or namespace with a <namespace>.tree.hnc.x-k8s.io/depth label was read",
  vcluster:
    "no control-plane pod or workload labelled app=vcluster with a release label, and no namespace labelled vcluster.loft.sh/vcluster-name, was read",
};
