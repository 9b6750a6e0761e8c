/**
 * The full audit (all three planes, every engine's findings, the tenant matrix) on generated clusters, with
 * tenants grouped by the generator's `tenant` namespace label (20 / 100 / 500 tenants) and, as a second
 * shape, one tenant per namespace (100 / 1 000 / 10 000 tenants).
 */
import { withBuiltinRbac } from "../src/rbac/builtin.js";
import { runAudit } from "../src/tenancy/audit.js";
import { resolveTenants } from "../src/tenancy/tenants.js";
import { benchmark } from "./harness.js";

await benchmark("tenancy", async (context) => {
  const { measure } = context;
  const snapshot = withBuiltinRbac(context.snapshot);
  const pods = snapshot.pods.length;
  for (const [shape, source] of [
    ["tenant label", { from: "label", key: "tenant" }],
    ["tenant per namespace", { from: "namespace" }],
  ] as const) {
    const { tenancy } = await measure(`resolve tenants (${shape})`, () => resolveTenants(snapshot, source));
    const report = await measure(`full audit, ${tenancy.tenants.length} tenants (${shape})`, () => runAudit(snapshot, tenancy), {
      count: pods,
      unit: "pods",
    });
    if (report.matrix.length === 0 && report.summary.planes.network.breaches > 0) throw new Error("matrix lost its breaches");
  }
});
