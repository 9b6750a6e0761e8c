/**
 * The network engine at scale: building the model (units, equivalence classes, compiled policies), the full
 * namespace × namespace matrix, the workload-level netmap, and 100 000 random `reach` queries — plus the
 * reference evaluator of the tests on random queries, for the speed-up.
 */
import type { ClusterNetworkPolicy } from "../src/model/objects.js";
import { setOrigin } from "../src/model/origin.js";
import { analyzeNetwork } from "../src/network/model.js";
import { reachEnds } from "../src/network/reach.js";
import { refAllowed } from "../test/network/reference.js";
import { prng } from "./generate.js";
import { benchmark } from "./harness.js";

const QUERIES = 100_000;
/** The reference evaluator scans every policy per query: fewer queries, scaled per query in the report. */
const REFERENCE_QUERIES = { small: 2_000, medium: 500, large: 50 } as const;

await benchmark("network", async (context) => {
  const { measure } = context;
  const snapshot = context.snapshot;
  const model = await measure("build model (units, classes, policies)", () => analyzeNetwork(snapshot), {
    count: snapshot.pods.length,
    unit: "pods",
  });
  await measure("namespace matrix", () => model.namespaceMatrix(), {
    count: model.table.namespaces.length ** 2,
    unit: "namespace pairs",
  });
  // Every allowed pair of classes with its exact connections: the work behind the workload netmap.
  await measure(
    "netmap class pairs (exact connections)",
    () => {
      let pairs = 0;
      model.forEachClassPair(() => {
        pairs++;
      });
      return pairs;
    },
    { count: model.table.classes.length, unit: "classes" },
  );
  if (context.size !== "large") {
    // At large, the workload netmap has ~10^8 lines (10% of namespaces accept everything): too big to hold.
    await measure("netmap --level workload (lines)", () => model.connections("workload").length, {
      count: model.peers.length,
      unit: "workloads",
    });
  }

  const next = prng(42); // seeded: every run asks the same questions
  const pick = () => model.units[Math.floor(next() * model.units.length)]!;
  const pairs = Array.from({ length: QUERIES }, () => [pick(), pick()] as const);
  await measure(
    "100 000 random reach queries with reasons (TCP 8080)",
    () => {
      let allowed = 0;
      for (const [s, d] of pairs)
        if (reachEnds(model, { type: "unit", unit: s }, { type: "unit", unit: d }, 8080, "TCP").allowed)
          allowed++;
      return allowed;
    },
    { count: QUERIES, unit: "queries" },
  );
  await measure(
    "100 000 random reach verdicts without reasons",
    () => {
      let allowed = 0;
      for (const [s, d] of pairs) if (model.unitConns(s, d).has("TCP", 8080)) allowed++;
      return allowed;
    },
    { count: QUERIES, unit: "queries" },
  );
  const n = REFERENCE_QUERIES[context.size];
  await measure(
    `reference evaluator: ${n} random queries (TCP 8080)`,
    () => {
      let disagreements = 0;
      for (const [s, d] of pairs.slice(0, n)) {
        const expected = refAllowed(
          snapshot,
          { pod: s.object as never },
          { pod: d.object as never },
          8080,
          "TCP",
        );
        const actual = reachEnds(
          model,
          { type: "unit", unit: s },
          { type: "unit", unit: d },
          8080,
          "TCP",
        ).allowed;
        if (expected !== actual) disagreements++;
      }
      if (disagreements > 0) throw new Error(`${disagreements} disagreements with the reference evaluator`);
    },
    { count: n, unit: "queries" },
  );

  // The same cluster with 200 Admin ClusterNetworkPolicies (one per tenant, round robin: accept from the
  // tenant's own namespaces, pass the monitoring port, deny every other pod) and one Baseline policy denying
  // ingress from every pod: the admin and baseline tiers on every pair.
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
  const tiered = { ...snapshot, clusterNetworkPolicies: clusterPolicies };
  const tieredModel = await measure(
    "with 200 Admin + 1 Baseline ClusterNetworkPolicies: build model",
    () => analyzeNetwork(tiered),
    { count: snapshot.pods.length, unit: "pods" },
  );
  await measure(
    "with 200 Admin + 1 Baseline ClusterNetworkPolicies: namespace matrix",
    () => tieredModel.namespaceMatrix(),
    {
      count: tieredModel.table.namespaces.length ** 2,
      unit: "namespace pairs",
    },
  );
  const tieredPick = () => tieredModel.units[Math.floor(next() * tieredModel.units.length)]!;
  const tieredPairs = Array.from({ length: QUERIES }, () => [tieredPick(), tieredPick()] as const);
  await measure(
    "with 200 Admin + 1 Baseline ClusterNetworkPolicies: 100 000 random reach queries with reasons (TCP 8080)",
    () => {
      let allowed = 0;
      for (const [s, d] of tieredPairs)
        if (reachEnds(tieredModel, { type: "unit", unit: s }, { type: "unit", unit: d }, 8080, "TCP").allowed)
          allowed++;
      return allowed;
    },
    { count: QUERIES, unit: "queries" },
  );
});
