/**
 * How benchmarks are written. To add one, create `bench/<engine>.bench.ts`:
 *
 *   import { benchmark } from "./harness.js";
 *   import { buildIndex, whoCan } from "../src/rbac/index.js";
 *
 *   await benchmark("rbac", async ({ snapshot, measure }) => {
 *     const index = await measure("build index", () => buildIndex(snapshot));
 *     await measure("who-can get pods", () => { for (const ns of namespaces) whoCan(index, …) },
 *       { count: namespaces.length, unit: "queries" });
 *   });
 *
 * `npm run bench` finds every `bench/*.bench.ts` and runs each once per size in its own child process, so
 * the peak RSS it reports (process.resourceUsage().maxRSS) belongs to that engine on that size alone.
 * `snapshot` is the generated cluster of the size being run (bench/generate.ts SIZES); it is generated
 * on first use and that time is not measured. `measure` runs `fn` once, after a GC when available, and
 * records its wall time; give `count` (and `unit`) to also get a throughput. `note(operation, detail)` adds
 * a row that is not a timed run (latency percentiles, extrapolations). Run one file directly with
 * `npx tsx bench/<engine>.bench.ts --size medium`. Benchmarks are not tests: nothing here asserts.
 */
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Snapshot } from "../src/model/snapshot.js";
import { type GenerateOptions, generateCluster, SIZES, type Size } from "./generate.js";

export type { Size } from "./generate.js";

export interface MeasureOptions {
  /** How many items `fn` processed (objects, queries, pods…): adds a throughput column. */
  count?: number;
  /** What `count` counts; "ops" by default. */
  unit?: string;
}

export interface BenchContext {
  size: Size;
  /** The generator options of this size (to generate variants, or to write files of it). */
  options: GenerateOptions;
  /** The generated cluster of this size, generated on first access (not measured). */
  readonly snapshot: Snapshot;
  /** Times one run of `fn` and returns its result. */
  measure<T>(operation: string, fn: () => T | Promise<T>, options?: MeasureOptions): Promise<T>;
  /** A result that is not one timed run (latency percentiles, an extrapolation): a row with `detail` and no time. */
  note(operation: string, detail: string): void;
  /** A run timed elsewhere (another process: bench/cli.bench.ts), with that process's own peak RSS. */
  record(operation: string, ms: number, peakRssMB: number, detail: string): void;
}

export interface Measurement {
  operation: string;
  /** Absent for a note. */
  ms?: number;
  count?: number;
  unit?: string;
  detail?: string;
  /** The peak RSS of the process this row ran in, when not the bench's own (a CLI run). */
  peakRssMB?: number;
}

/** What one bench process reports to `bench/run.ts`. */
export interface BenchResult {
  bench: string;
  size: Size;
  measurements: Measurement[];
  /** Peak resident set size of the whole process, in MB. */
  peakRssMB: number;
  /** Object counts of the generated snapshot, when it was used. */
  objects?: Record<string, number>;
  error?: string;
}

/** run.ts passes the size and where to write the result through these; absent when a file runs directly. */
export const SIZE_ENV = "KUBEFENCE_BENCH_SIZE";
export const RESULT_ENV = "KUBEFENCE_BENCH_RESULT";

export async function benchmark(name: string, run: (context: BenchContext) => unknown): Promise<void> {
  const size = sizeFromEnvironment();
  const measurements: Measurement[] = [];
  let snapshot: Snapshot | undefined;
  const gc = (globalThis as { gc?: () => void }).gc;
  const context: BenchContext = {
    size,
    options: { ...SIZES[size] },
    get snapshot() {
      snapshot ??= generateCluster(SIZES[size]);
      return snapshot;
    },
    async measure(operation, fn, options = {}) {
      gc?.();
      const start = performance.now();
      const value = await fn();
      measurements.push({ operation, ms: performance.now() - start, ...options });
      return value;
    },
    note(operation, detail) {
      measurements.push({ operation, detail });
    },
    record(operation, ms, peakRssMB, detail) {
      measurements.push({ operation, ms, peakRssMB, detail });
    },
  };
  let error: string | undefined;
  try {
    await run(context);
  } catch (e) {
    error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  const result: BenchResult = {
    bench: name,
    size,
    measurements,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    objects: snapshot && countObjects(snapshot),
    error,
  };
  const resultFile = process.env[RESULT_ENV];
  if (resultFile) writeFileSync(resultFile, JSON.stringify(result));
  else process.stdout.write(renderResults([result]));
  if (error) {
    if (!resultFile) process.stderr.write(`${error}\n`);
    process.exitCode = 1;
  }
}

function sizeFromEnvironment(): Size {
  const fromEnv = process.env[SIZE_ENV];
  const size =
    fromEnv ??
    parseArgs({ args: process.argv.slice(2), options: { size: { type: "string" } }, strict: false }).values
      .size ??
    "small";
  if (typeof size !== "string" || !(size in SIZES))
    throw new Error(`size must be one of ${Object.keys(SIZES).join(", ")}, not ${JSON.stringify(size)}`);
  return size as Size;
}

export function countObjects(snapshot: Snapshot): Record<string, number> {
  return {
    namespaces: snapshot.namespaces.length,
    pods: snapshot.pods.length,
    workloads: snapshot.workloads.length,
    serviceAccounts: snapshot.serviceAccounts.length,
    services: snapshot.services.length,
    networkPolicies: snapshot.networkPolicies.length,
    roles: snapshot.roles.length + snapshot.clusterRoles.length,
    bindings: snapshot.roleBindings.length + snapshot.clusterRoleBindings.length,
  };
}

/** The Markdown table of results: one row per measurement. */
export function renderResults(results: BenchResult[]): string {
  const rows = [
    "| bench | size | operation | time | throughput | peak RSS (MB) |",
    "|---|---|---|---:|---:|---:|",
  ];
  for (const r of results) {
    for (const m of r.measurements) {
      rows.push(
        `| ${r.bench} | ${r.size} | ${m.operation} | ${m.ms === undefined ? "" : formatTime(m.ms)} | ${m.detail ?? formatThroughput(m)} | ${Math.round(m.peakRssMB ?? r.peakRssMB)} |`,
      );
    }
    if (r.error)
      rows.push(
        `| ${r.bench} | ${r.size} | FAILED: ${firstLine(r.error)} | | | ${Math.round(r.peakRssMB)} |`,
      );
  }
  return `${rows.join("\n")}\n`;
}

/** The Markdown table of what each size contains. */
export function renderSizes(results: BenchResult[]): string {
  const seen = new Map<Size, Record<string, number>>();
  for (const r of results) if (r.objects && !seen.has(r.size)) seen.set(r.size, r.objects);
  if (seen.size === 0) return "";
  const columns = Object.keys([...seen.values()][0]!);
  const rows = [`| size | ${columns.join(" | ")} |`, `|---|${columns.map(() => "---:").join("|")}|`];
  for (const [size, objects] of seen)
    rows.push(`| ${size} | ${columns.map((c) => (objects[c] ?? 0).toLocaleString("en-US")).join(" | ")} |`);
  return `${rows.join("\n")}\n`;
}

function formatTime(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function formatThroughput(m: Measurement): string {
  if (m.count === undefined || !m.ms) return "";
  const perSecond = (m.count * 1000) / m.ms;
  const text =
    perSecond >= 1e6
      ? `${(perSecond / 1e6).toFixed(1)}M`
      : perSecond >= 1e4
        ? `${(perSecond / 1e3).toFixed(0)}k`
        : perSecond >= 100
          ? perSecond.toFixed(0)
          : perSecond.toFixed(1);
  return `${text} ${m.unit ?? "ops"}/s`;
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.replace(/\|/g, "\\|");
}
