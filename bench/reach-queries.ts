/**
 * The random reach queries both network benches ask (bench/network.bench.ts, bench/network-tiers.bench.ts):
 * 100 000 seeded pairs of units, with reasons and as bare verdicts. Returns the pairs, for further questions.
 */
import type { NetworkModel } from "../src/network/model.js";
import { reachEnds } from "../src/network/reach.js";
import { prng } from "./generate.js";
import type { BenchContext } from "./harness.js";

const QUERIES = 100_000;

export async function measureReachQueries(model: NetworkModel, measure: BenchContext["measure"]) {
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
  return pairs;
}
