/**
 * What both network benches measure (bench/network.bench.ts, bench/network-tiers.bench.ts) on their snapshot:
 * the model, the namespace matrix, every class pair, the workload netmap (not at large), and 100 000 seeded
 * random reach queries, with reasons and as bare verdicts. Returns the model and the query pairs.
 */
import type { Snapshot } from "../src/model/snapshot.js";
import { analyzeNetwork } from "../src/network/model.js";
import { reachEnds } from "../src/network/reach.js";
import { prng } from "./generate.js";
import type { BenchContext } from "./harness.js";

const QUERIES = 100_000;

export async function measureNetworkOperations(snapshot: Snapshot, context: BenchContext) {
  const { measure } = context;
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
  // At large, the workload netmap has ~10^8 lines (10% of namespaces accept everything): too big to hold.
  if (context.size !== "large")
    await measure("netmap --level workload (lines)", () => model.connections("workload").length, {
      count: model.peers.length,
      unit: "workloads",
    });

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
  return { model, pairs };
}
