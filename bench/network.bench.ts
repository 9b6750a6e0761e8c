/**
 * The network engine at scale: building the model (units, equivalence classes, compiled policies), the full
 * namespace × namespace matrix, the workload-level netmap, and 100 000 random `reach` queries — plus the
 * reference evaluator of the tests on random queries, for the speed-up. bench/network-tiers.bench.ts runs
 * the same on the cluster with cluster-scoped policies too.
 */
import { analyzeNetwork } from "../src/network/model.js";
import { reachEnds } from "../src/network/reach.js";
import { refAllowed } from "../test/network/reference.js";
import { benchmark } from "./harness.js";
import { measureReachQueries } from "./reach-queries.js";

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

  const pairs = await measureReachQueries(model, measure);
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
});
