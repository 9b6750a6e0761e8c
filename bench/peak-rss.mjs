// Preloaded (`node --import`) into a CLI run by bench/cli.bench.ts: on exit, writes the whole process's peak
// RSS (KB) to $KUBEFENCE_BENCH_RSS, so the bench reports the memory of the process a user runs.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  if (process.env.KUBEFENCE_BENCH_RSS)
    writeFileSync(process.env.KUBEFENCE_BENCH_RSS, String(process.resourceUsage().maxRSS));
});
