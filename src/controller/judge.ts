/**
 * Re-judging a snapshot that changed: the audit again, reusing what the change cannot have touched. The network
 * analysis (the classes of pods, their policies and the reachability between them) reads only
 * NETWORK_INPUT_FIELDS: a change to RBAC, ServiceAccounts, admission configuration or platform objects keeps it,
 * with its network plane and findings and the Pod Security findings. The tenancy is kept while no Namespace
 * changed (but for tenants a platform defines). Within a judgment, an AuditMemo keeps what unchanged objects
 * make again: each binding's RBAC findings, each pod spec's node escape, where tenants' pods run (while no pod,
 * workload or node changed). A full judgment (`full`) starts from
 * nothing, and must give the same report (test/controller/judge.test.ts).
 */
import { kindInfo } from "../model/kinds.js";
import type { Snapshot } from "../model/snapshot.js";
import { analyzeNetwork, type NetworkModel } from "../network/model.js";
import {
  type AuditOptions,
  type AuditReport,
  auditMemo,
  NETWORK_INPUT_FIELDS,
  runAudit,
} from "../tenancy/audit.js";
import { resolveTenants, type Tenancy, type TenantSource } from "../tenancy/tenants.js";

export interface Judgment {
  report: AuditReport;
  tenancy: Tenancy;
  /** Whether the network analysis was reused. */
  reusedNetwork: boolean;
  ms: number;
}

export class Judge {
  private network: NetworkModel | undefined;
  private tenancy: Tenancy | undefined;
  private memo = auditMemo();
  constructor(
    private readonly source: TenantSource,
    private readonly options: Omit<AuditOptions, "networkModel" | "onPhase" | "memo"> = {},
  ) {}

  /** `changed`: the kinds changed since the last judgment (unknown changes: judge in full). */
  judge(snapshot: Snapshot, changed: ReadonlySet<string> | "all", now: Date): Judgment {
    const started = performance.now();
    const networkTouched =
      changed === "all" ||
      [...changed].some((kind) => {
        const info = kindInfo(kind);
        return !info || NETWORK_INPUT_FIELDS.has(info.field);
      });
    if (changed === "all") this.memo = auditMemo();
    const reusedNetwork = !networkTouched && this.network !== undefined;
    // What is made again is let go first, so that the old and the new are not both held while it is made.
    if (!reusedNetwork) {
      this.network = undefined;
      this.network = analyzeNetwork(snapshot, this.options.network);
    }
    // Tenants from a file, a label or the namespaces read the namespaces alone; a platform's read its objects.
    const tenantsTouched =
      changed === "all" || this.source.from === "platform" || changed.has("Namespace") || !this.tenancy;
    if (tenantsTouched) {
      this.tenancy = undefined;
      this.tenancy = resolveTenants(snapshot, this.source).tenancy;
    }
    const tenancy = this.tenancy!;
    const report = runAudit(snapshot, tenancy, {
      ...this.options,
      now,
      networkModel: this.network,
      memo: this.memo,
    });
    return { report, tenancy, reusedNetwork, ms: performance.now() - started };
  }
}
