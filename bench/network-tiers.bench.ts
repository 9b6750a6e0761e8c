/**
 * The network engine with the cluster-scoped tiers at scale: the generated cluster plus 200 Admin-tier
 * ClusterNetworkPolicies (one per tenant, round robin: accept from the tenant's own namespaces, pass the
 * monitoring port on, deny every other pod) and one Baseline ClusterNetworkPolicy denying ingress from every
 * pod, so the admin and baseline tiers are on every pair. The operations of bench/network.bench.ts but the
 * reference evaluator, in a process of its own: its peak RSS compares with that bench's.
 */
import { tierPolicies } from "./generate.js";
import { benchmark } from "./harness.js";
import { measureNetworkOperations } from "./network-operations.js";

await benchmark("network-tiers", async (context) => {
  const clusterNetworkPolicies = tierPolicies(context.options.tenants, 200);
  const snapshot = { ...context.snapshot, clusterNetworkPolicies };
  await measureNetworkOperations(snapshot, context);
});
