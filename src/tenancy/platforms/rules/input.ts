/** What the platforms' finding rules read: the snapshot, the tenants as the platforms define them, the API plane. */
import type { Namespace } from "../../../model/objects.js";
import type { Snapshot } from "../../../model/snapshot.js";
import type { PodSecurityConfig } from "../../../podsecurity/index.js";
import type { Policy } from "../../../rbac/policy.js";
import type { ApiPlane } from "../../api-plane.js";
import type { Tenancy, Tenant } from "../../tenants.js";
import type { PlatformId } from "../index.js";

export interface PlatformRuleInput {
  snapshot: Snapshot;
  tenancy: Tenancy;
  api: ApiPlane;
  /** Every binding and role, as the authorizer reads them. */
  policy: Policy;
  podSecurity?: PodSecurityConfig;
}

/** The tenants one platform defines. */
export function tenantsOf(input: PlatformRuleInput, platform: PlatformId): Tenant[] {
  return input.tenancy.tenants.filter((t) => t.from?.platform === platform);
}

export function namespaceIndex(snapshot: Snapshot): Map<string, Namespace> {
  return new Map(snapshot.namespaces.map((ns) => [ns.metadata.name, ns]));
}

/** `a, b, c` or `a, b, … (12 in all)`. */
export function listed(names: readonly string[], max = 8): string {
  return names.length <= max
    ? names.join(", ")
    : `${names.slice(0, max).join(", ")}, … (${names.length} in all)`;
}
