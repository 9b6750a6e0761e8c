/**
 * The full audit (all three planes, every engine's findings, the tenant matrix) on generated clusters, in
 * two shapes: tenants by the generator's `tenant` namespace label (20 / 100 / 500 tenants), and the issue's
 * target of 100 / 1 000 / 5 000 tenants (one per namespace; pairs of namespaces on the large size).
 */
import type { Snapshot } from "../src/model/snapshot.js";
import { withBuiltinRbac } from "../src/rbac/builtin.js";
import { applyAcceptances } from "../src/tenancy/acceptance.js";
import { runAudit } from "../src/tenancy/audit.js";
import type { Acceptance } from "../src/tenancy/config.js";
import { resolveTenants, type TenantSource } from "../src/tenancy/tenants.js";
import { grouped } from "./generate.js";
import { benchmark } from "./harness.js";

const BENCH_SOURCE = { kind: "tenants-file" as const, origin: { file: "bench", line: 1, column: 1 } };

await benchmark("tenancy", async (context) => {
  const { measure } = context;
  const snapshot = withBuiltinRbac(context.snapshot);
  const pods = snapshot.pods.length;
  const perTenant = context.size === "large" ? 2 : 1;
  const shapes: [string, Snapshot, TenantSource][] = [
    ["tenant label", snapshot, { from: "label", key: "tenant" }],
    [
      `${perTenant} namespace${perTenant === 1 ? "" : "s"} per tenant`,
      grouped(snapshot, perTenant),
      { from: "label", key: "bench-tenant" },
    ],
  ];
  for (const [shape, cluster, source] of shapes) {
    const { tenancy } = await measure(`resolve tenants (${shape})`, () => resolveTenants(cluster, source));
    const tenants = tenancy.tenants.length;
    const report = await measure(
      `full audit, ${tenants} tenants (${shape})`,
      () => runAudit(cluster, tenancy),
      { count: pods, unit: "pods" },
    );
    if (report.summary.planes.network.breaches === 0)
      throw new Error("the generated cluster should have network breaches");
    // Accepted risks as annotations would give them: one acceptance per finding's object, plus as many that
    // match nothing. Indexed by id and object, matching stays linear in findings and acceptances.
    const accepted = report.findings.flatMap((f, i): Acceptance[] =>
      f.resource
        ? [
            { id: f.id, resource: f.resource, reason: "bench", owner: "bench", source: BENCH_SOURCE },
            {
              id: f.id,
              resource: { ...f.resource, name: `gone-${i}` },
              reason: "bench",
              owner: "bench",
              source: BENCH_SOURCE,
            },
          ]
        : [],
    );
    const judged = await measure(
      `accept every finding (${accepted.length} acceptances, ${shape})`,
      () => applyAcceptances(report.findings, accepted, [], tenancy, new Date("2027-01-01T00:00:00Z")),
      { count: report.findings.length, unit: "findings" },
    );
    if (judged.acceptances.filter((a) => a.status === "accepted").length !== accepted.length / 2)
      throw new Error("every finding's own acceptance should hold");
  }
});
