/**
 * `npm run bench [-- --size small|medium|large …] [--only ENGINE …]`: runs every `bench/*.bench.ts` once per
 * size, each in a fresh child process (so its peak RSS is its own), one after another (so timings do not
 * compete), and prints one Markdown table. Default sizes: small and medium; large on request.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SIZES, type Size } from "./generate.js";
import { type BenchResult, RESULT_ENV, renderResults, renderSizes, SIZE_ENV } from "./harness.js";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const SUFFIX = ".bench.ts";

const USAGE = `Usage: npm run bench -- [--size small|medium|large]… [--only ENGINE]…

Runs bench/<engine>${SUFFIX} for each size in a child process and prints a Markdown table.
Sizes may be repeated or comma-separated (default: small,medium). Engines: ${engines().join(", ")}.
`;

function engines(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => basename(f, SUFFIX))
    .sort();
}

function list(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(",")).filter((v) => v !== "");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      size: { type: "string", multiple: true },
      only: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const sizes = list(values.size);
  if (sizes.length === 0) sizes.push("small", "medium");
  for (const size of sizes)
    if (!(size in SIZES))
      throw new Error(`--size must be one of ${Object.keys(SIZES).join(", ")}, not "${size}"`);
  const known = engines();
  const only = list(values.only);
  for (const engine of only)
    if (!known.includes(engine))
      throw new Error(`--only: no bench/${engine}${SUFFIX} (have: ${known.join(", ")})`);
  const selected = only.length > 0 ? only : known;

  const results: BenchResult[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "kubefence-bench-"));
  try {
    for (const size of sizes as Size[]) {
      for (const engine of selected) {
        process.stderr.write(`bench ${engine} ${size}…\n`);
        results.push(await runChild(engine, size, join(scratch, `${engine}-${size}.json`)));
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const sizesTable = renderSizes(results);
  if (sizesTable) process.stdout.write(`${sizesTable}\n`);
  process.stdout.write(renderResults(results));
  return results.some((r) => r.error) ? 1 : 0;
}

function runChild(engine: string, size: Size, resultFile: string): Promise<BenchResult> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        import.meta.resolve("tsx"),
        "--expose-gc",
        "--max-old-space-size=16384",
        join(BENCH_DIR, `${engine}${SUFFIX}`),
      ],
      {
        stdio: ["ignore", "inherit", "inherit"],
        env: { ...process.env, [SIZE_ENV]: size, [RESULT_ENV]: resultFile },
      },
    );
    child.on("close", (code, signal) => {
      try {
        resolve(JSON.parse(readFileSync(resultFile, "utf8")) as BenchResult);
      } catch {
        resolve({
          bench: engine,
          size,
          measurements: [],
          peakRssMB: 0,
          error: `child process ended (${signal ?? `exit code ${code}`}) without a result`,
        });
      }
    });
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 2;
  },
);
