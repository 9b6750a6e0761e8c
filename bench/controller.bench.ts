/**
 * The controller's work after its initial sync (src/controller): how long one object's change takes to be
 * reflected in the desired PolicyReports, and how long a burst of 1 000 changes takes to settle, on generated
 * clusters with the tenant counts on the large size (two namespaces per tenant: 5 000 tenants).
 *
 * Measured without an API server: a change is applied to the snapshot as the watch cache would hold it (a new
 * snapshot with the changed object replaced), then judged (src/controller/judge.ts), turned into PolicyReports
 * and compared with the previous ones (./reconcile.ts): everything the controller does between a watch event and
 * its writes, less the debounce and the network round trips. The burst is what the debounce makes of 1 000 changes
 * arriving together: 1 000 objects replaced, one judgment. Its peak RSS is the controller's but for the API
 * server's side: it holds what the controller holds (the snapshot, the Judge, the last report, the reports
 * written) and no more, and resyncs as the controller does (its Judge told that everything changed).
 */
import { createHash } from "node:crypto";
import { Judge } from "../src/controller/judge.js";
import {
  PolicyReportCache,
  type PolicyReportObject,
  policyReports,
} from "../src/controller/policy-reports.js";
import { type ExistingReport, reconcileReports } from "../src/controller/reconcile.js";
import type { RoleBinding } from "../src/model/objects.js";
import type { Snapshot } from "../src/model/snapshot.js";
import { withBuiltinRbac } from "../src/rbac/builtin.js";
import type { AuditReport } from "../src/tenancy/audit.js";
import { sameToTheAudit } from "../src/tenancy/read-fields.js";
import { grouped } from "./generate.js";
import { benchmark } from "./harness.js";

const SAMPLES = { small: 20, medium: 10, large: 2 } as const;

await benchmark("controller", async (context) => {
  const { measure, note } = context;
  const perTenant = context.size === "large" ? 2 : 1;
  let snapshot = grouped(withBuiltinRbac(context.snapshot), perTenant);
  const judge = new Judge({ from: "label", key: "bench-tenant" });
  const at = new Date("2027-01-01T00:00:00Z");
  // What the controller holds between judgments: the last report (`current`), the reports it wrote. Like the
  // controller, the bench lets the previous report go while the next is made.
  let current: AuditReport | undefined = (
    await measure("initial full judgment", () => judge.judge(snapshot, "all", at), {
      count: snapshot.pods.length,
      unit: "pods",
    })
  ).report;
  const tenants = current.tenants.length;
  const cache = new PolicyReportCache();
  let existing: ExistingReport[] = policyReports(current, { cache }).map(asExisting);
  note("tenants, reports", `${tenants} tenants, ${existing.length} PolicyReports`);

  /** One change reflected: judged, reported, compared with what is written. */
  const reflect = (changed: Snapshot, kinds: Set<string>) => {
    current = undefined;
    const judged = judge.judge(changed, kinds, at);
    current = judged.report;
    const desired = policyReports(current, { cache });
    const actions = reconcileReports(desired, existing);
    existing = desired.map(asExisting);
    return { reusedNetwork: judged.reusedNetwork, writes: actions.length };
  };
  const samples = (kind: string, change: (i: number) => Snapshot) => {
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let reused = 0;
    let writes = 0;
    for (let i = 0; i < SAMPLES[context.size]; i++) {
      const started = performance.now();
      const cpu = cpuMs();
      snapshot = change(i);
      const reflected = reflect(snapshot, new Set([kind]));
      times.push(performance.now() - started);
      cpuTimes.push(cpuMs() - cpu);
      if (reflected.reusedNetwork) reused++;
      writes += reflected.writes;
    }
    const pct = (list: number[], p: number) =>
      list.sort((a, b) => a - b)[Math.min(list.length - 1, Math.ceil((p / 100) * list.length) - 1)]!;
    note(
      `one ${kind} change reflected (${times.length} samples)`,
      `p50 ${pct(times, 50).toFixed(0)} ms, p99 ${pct(times, 99).toFixed(0)} ms (max of ${times.length}); CPU p50 ${pct(cpuTimes, 50).toFixed(0)} ms, p99 ${pct(cpuTimes, 99).toFixed(0)} ms; network analysis reused ${reused}/${times.length}; ${writes} report writes`,
    );
  };

  // A RoleBinding's subjects change: the network analysis is kept.
  samples("RoleBinding", (i) => {
    const bindings = snapshot.roleBindings.slice();
    const index = (i * 7919) % bindings.length;
    const b = bindings[index]!;
    bindings[index] = {
      ...b,
      subjects: [...(b.subjects ?? []), { kind: "User", name: `bench-${i}` }],
    } as RoleBinding;
    return { ...snapshot, roleBindings: bindings };
  });
  // A pod's labels change: everything is judged again.
  samples("Pod", (i) => {
    const pods = snapshot.pods.slice();
    const index = (i * 7919) % pods.length;
    const p = pods[index]!;
    pods[index] = { ...p, metadata: { ...p.metadata, labels: { ...p.metadata.labels, bench: String(i) } } };
    return { ...snapshot, pods };
  });

  // Status updates (what a cluster's pods send most): compared with the object held, found the same to the
  // audit, not judged at all (src/tenancy/read-fields.ts).
  {
    const started = performance.now();
    let unread = 0;
    for (let i = 0; i < 1000; i++) {
      const p = snapshot.pods[(i * 104729) % snapshot.pods.length]!;
      const updated = {
        ...p,
        metadata: { ...p.metadata, resourceVersion: String(i) },
        status: { ...p.status, conditions: [{ type: "Ready", status: i % 2 ? "True" : "False" }] },
      } as typeof p;
      if (sameToTheAudit(p, updated)) unread++;
    }
    if (unread !== 1000) throw new Error(`status updates judged again: ${1000 - unread} of 1000`);
    note(
      "1 000 Pod status updates (not judged)",
      `${(performance.now() - started).toFixed(1)} µs each to find that the audit reads nothing they change`,
    );
  }

  // A burst: 1 000 pods relabelled at once, judged once after the debounce.
  let cpu = cpuMs();
  const burst = await measure(
    "burst of 1 000 Pod changes settled (one judgment)",
    () => {
      const pods = snapshot.pods.slice();
      for (let i = 0; i < 1000; i++) {
        const index = (i * 104729) % pods.length;
        const p = pods[index]!;
        pods[index] = {
          ...p,
          metadata: { ...p.metadata, labels: { ...p.metadata.labels, burst: String(i) } },
        };
      }
      snapshot = { ...snapshot, pods };
      return reflect(snapshot, new Set(["Pod"]));
    },
    { count: 1000, unit: "changes" },
  );
  note("burst", `CPU ${(cpuMs() - cpu).toFixed(0)} ms; ${burst.writes} report writes`);

  // The periodic full resync (as the controller makes it: the same Judge, told everything changed, so it reuses
  // nothing) must agree with the incremental state. Compared by digest: the large report's JSON exceeds a
  // string's maximum length.
  current = undefined;
  current = judge.judge(snapshot, new Set(["RoleBinding"]), at).report;
  const incremental = digest(current);
  current = undefined;
  cpu = cpuMs();
  current = (await measure("full resync", () => judge.judge(snapshot, "all", at))).report;
  note("full resync CPU", `${(cpuMs() - cpu).toFixed(0)} ms`);
  if (digest(current) !== incremental)
    throw new Error("the full resync disagrees with the incremental judgment");
});

/** A digest of everything a report says: summary, tenants, rows, findings, acceptances, every stored breach's ends. */
function digest(report: AuditReport): string {
  const hash = createHash("sha256");
  const { matrix: _, findings, ...rest } = report;
  hash.update(JSON.stringify(rest));
  for (const f of findings) hash.update(JSON.stringify(f));
  for (const ends of report.matrix.breachEnds()) hash.update(ends.join("\u0000"));
  return hash.digest("hex");
}

/** CPU time of this process (user + system), in ms: what a loaded, shared machine does not inflate. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function asExisting(r: PolicyReportObject): ExistingReport {
  return { ...r, metadata: { ...r.metadata, resourceVersion: "1" } };
}
