/**
 * The network engine at scale: building the model (units, equivalence classes, compiled policies), the full
 * namespace × namespace matrix, the workload-level netmap, and 100 000 random `reach` queries — plus the
 * reference evaluator of the tests on random queries, for the speed-up. bench/network-tiers.bench.ts runs
 * the same on the cluster with cluster-scoped policies too.
 */
import { reachEnds } from "../src/network/reach.js";
import { refAllowed } from "../test/network/reference.js";
import { benchmark } from "./harness.js";
import { measureNetworkOperations } from "./network-operations.js";

/** The reference evaluator scans every policy per query: fewer queries, scaled per query in the report. */
const REFERENCE_QUERIES = { small: 2_000, medium: 500, large: 50 } as const;

await benchmark("network", async (context) => {
  const { measure } = context;
  const snapshot = context.snapshot;
  const { model, pairs } = await measureNetworkOperations(snapshot, context);
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
