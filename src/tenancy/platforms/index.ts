/**
 * Tenants as a multi-tenancy platform already defines them (`--tenants-from`): one reader per platform, each a
 * pure function of the snapshot. The readers only say which namespaces, owners and identities each tenant has;
 * resolveTenants (../tenants.ts) assigns namespaces, so one namespace still belongs to exactly one tenant.
 */
import type { Diagnostic } from "../../model/diagnostic.js";
import type { ObjectRef } from "../../model/finding.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SubjectRef } from "../config.js";
import { capsule } from "./capsule.js";
import { hnc } from "./hnc.js";
import { vcluster } from "./vcluster.js";

export type PlatformId = "capsule" | "hnc" | "vcluster";

/** An identity the platform acts as for a tenant, and in what role (`owner`, `syncer`). */
export interface PlatformIdentity {
  subject: SubjectRef;
  role: "owner" | "syncer";
}

export interface PlatformTenant {
  name: string;
  namespaces: string[];
  owners: SubjectRef[];
  /** Identities beyond the owners that act for the tenant on the host API (a vcluster's syncer). */
  identities: PlatformIdentity[];
  /** The object that declares the tenant (a Tenant, a hierarchy's root Namespace, a control-plane workload). */
  declaredBy: ObjectRef;
}

export interface PlatformReader {
  id: PlatformId;
  /** As people write it: `Capsule`, `HNC`, `vcluster`. */
  title: string;
  read(snapshot: Snapshot): { tenants: PlatformTenant[]; diagnostics: Diagnostic[] };
}

export const PLATFORMS: readonly PlatformReader[] = [capsule, hnc, vcluster];

export const PLATFORM_IDS: readonly PlatformId[] = PLATFORMS.map((p) => p.id);

export function platformReader(id: PlatformId): PlatformReader {
  return PLATFORMS.find((p) => p.id === id)!;
}
