/**
 * The network engine with the cluster-scoped tiers at scale: the generated cluster plus 200 Admin-tier
 * ClusterNetworkPolicies (one per tenant, round robin: accept from the tenant's own namespaces, pass the
 * monitoring port on, deny every other pod) and one Baseline ClusterNetworkPolicy denying ingress from every
 * pod, so the admin and baseline tiers are on every pair. The operations of bench/network.bench.ts but the
 * reference evaluator, in a process of its own: its peak RSS compares with that bench's.
 */
import type { ClusterNetworkPolicy } from "../src/model/objects.js";
import { setOrigin } from "../src/model/origin.js";
import { benchmark } from "./harness.js";
import { measureNetworkOperations } from "./network-operations.js";

await benchmark("network-tiers", async (context) => {
  const tenants = context.options.tenants;
  const cnp = (name: string, spec: Record<string, unknown>) =>
    setOrigin(
      {
        apiVersion: "policy.networking.k8s.io/v1alpha2",
        kind: "ClusterNetworkPolicy",
        metadata: { name },
        spec,
      } as ClusterNetworkPolicy,
      { cluster: "generated" },
    );
  const clusterPolicies = Array.from({ length: 200 }, (_, i) => {
    const tenant = `tenant-${String(i % tenants).padStart(3, "0")}`;
    return cnp(`isolate-${i}`, {
      tier: "Admin",
      priority: i % 1000,
      subject: { namespaces: { matchLabels: { tenant } } },
      ingress: [
        { name: "same-tenant", action: "Accept", from: [{ namespaces: { matchLabels: { tenant } } }] },
        {
          name: "metrics",
          action: "Pass",
          from: [{ namespaces: {} }],
          protocols: [{ tcp: { destinationPort: { number: 9090 } } }],
        },
        { name: "others", action: "Deny", from: [{ namespaces: {} }] },
      ],
    });
  });
  clusterPolicies.push(
    cnp("baseline", {
      tier: "Baseline",
      priority: 0,
      subject: { namespaces: { matchExpressions: [{ key: "tenant", operator: "Exists" }] } },
      ingress: [{ name: "deny-pods", action: "Deny", from: [{ namespaces: {} }] }],
    }),
  );
  const snapshot = { ...context.snapshot, clusterNetworkPolicies: clusterPolicies };
  await measureNetworkOperations(snapshot, context);
});
