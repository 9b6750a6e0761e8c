/** What a platform reader says about a tenant (index.ts holds the readers' registry). */
import type { Diagnostic } from "../../model/diagnostic.js";
import type { ObjectRef } from "../../model/finding.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { SubjectRef } from "../config.js";

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
