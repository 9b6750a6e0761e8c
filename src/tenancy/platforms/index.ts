/**
 * Tenants as a multi-tenancy platform already defines them (`--tenants-from`): one reader per platform, each a
 * pure function of the snapshot. The readers only say which namespaces, owners and identities each tenant has;
 * resolveTenants (../tenants.ts) assigns namespaces, so one namespace still belongs to exactly one tenant.
 */
import { capsule } from "./capsule.js";
import { hnc } from "./hnc.js";
import type { PlatformId, PlatformReader } from "./types.js";
import { vcluster } from "./vcluster.js";

export type { PlatformId, PlatformIdentity, PlatformReader, PlatformTenant } from "./types.js";

export const PLATFORMS: readonly PlatformReader[] = [capsule, hnc, vcluster];

export const PLATFORM_IDS: readonly PlatformId[] = PLATFORMS.map((p) => p.id);

export function platformReader(id: PlatformId): PlatformReader {
  return PLATFORMS.find((p) => p.id === id)!;
}
