// Preloaded (`node --import`) into a CLI run by a bench: on exit, writes the whole process's peak RSS (KB) to
// $KUBEFENCE_BENCH_RSS (bench/cli.bench.ts), and `{"maxRSS": KB, "cpuMs": user + system}` to
// $KUBEFENCE_BENCH_USAGE (bench/live.bench.ts), so the bench reports the memory and CPU of the process a user runs.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  const usage = process.resourceUsage();
  if (process.env.KUBEFENCE_BENCH_RSS) writeFileSync(process.env.KUBEFENCE_BENCH_RSS, String(usage.maxRSS));
  if (process.env.KUBEFENCE_BENCH_USAGE)
    writeFileSync(
      process.env.KUBEFENCE_BENCH_USAGE,
      JSON.stringify({ maxRSS: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }),
    );
});
