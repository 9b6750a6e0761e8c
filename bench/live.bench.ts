/**
 * Reading a live cluster, against a plain read of the same objects: the generated cluster of the size is created
 * in a real kube-apiserver (v1.37 on loopback, test/support/cluster.ts), then, in rounds, each read in a fresh
 * process, one after another on the same server and machine load:
 * - plain: a paginated list-and-parse of exactly the kinds kubefence lists (page size 500, 4 kinds at a time,
 *   `JSON.parse` of each page, nothing else; bench/live-read.mjs);
 * - live source: kubefence's `loadLive` in-process (bench/live-read.mjs, the build in dist/), the same lists,
 *   then validation and defaulting into the snapshot;
 * - CLI: `kubefence snapshot --kubeconfig …` as a user runs it (dist/cli/main.js, so `npm run build` first), the
 *   whole process: start, the read, writing the List to a file.
 * Each row is that process's wall time, CPU time (user + system) and peak RSS; the plain and live rows time the
 * read alone, the CLI row the whole process. The rounds' medians give the ratios. The issue's target: the live
 * source within 1.5× of the plain read, in the same memory bound.
 *
 * Creating the cluster: namespaces first, then every other object, 16 POSTs at a time over keep-alive
 * connections. The API server fills in what it owns (uids, Service cluster IPs, from a /12 range here so that
 * every generated Service gets one) and rejects what its admission says no to (Pod Security's enforce labels
 * reject the generated privileged pods in the namespaces that enforce baseline or restricted); objects the
 * server already has (the default namespaces and ClusterRoles) are left as they are. The counts are a row. Medium
 * takes 2–3 minutes to create; large is not run (ten times as long).
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { apiVersionOf, KINDS, kindInfo } from "../src/model/kinds.js";
import { allObjects } from "../src/model/snapshot.js";
import { startTestCluster, type TestCluster } from "../test/support/cluster.js";
import { benchmark } from "./harness.js";

const ROUNDS = 3;
const CREATE_CONCURRENCY = 16;
const CLI = process.env.KUBEFENCE_BENCH_CLI ?? fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const PEAK_RSS = fileURLToPath(new URL("./peak-rss.mjs", import.meta.url));
const READ = fileURLToPath(new URL("./live-read.mjs", import.meta.url));

interface Run {
  ms: number;
  cpuMs: number;
  peakRssMB: number;
  objects: number;
  load: string;
}

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  status?: unknown;
};

function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** The collection path of a manifest (`/api/v1/namespaces/NS/pods`), from kubefence's kind table. */
function collectionOf(object: Manifest): string {
  const info = kindInfo(object.kind);
  if (!info) throw new Error(`no kind ${object.kind} in KINDS`);
  const root = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  return info.namespaced
    ? `${root}/namespaces/${encodeURIComponent(object.metadata.namespace ?? "default")}/${info.plural}`
    : `${root}/${info.plural}`;
}

/** What a user would apply: the generated object less what the server owns. */
function manifestOf(object: Manifest): Manifest {
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, ...metadata } = object.metadata;
  const out: Manifest = { ...object, metadata: metadata as Manifest["metadata"] };
  if (object.kind === "Service" && out.spec) {
    const { clusterIP: _ip, clusterIPs: _ips, ...spec } = out.spec;
    out.spec = spec;
  }
  if (object.kind === "Pod") delete out.status;
  return out;
}

/** Creates the objects, CREATE_CONCURRENCY at a time; counts what was stored, what existed and what was refused. */
async function populate(cluster: TestCluster, objects: Manifest[]) {
  const agent = cluster.keepAliveAgent(CREATE_CONCURRENCY);
  let created = 0;
  let existed = 0;
  const refused = new Map<string, { count: number; example: string }>();
  const create = async (batch: Manifest[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CREATE_CONCURRENCY }, async () => {
        while (next < batch.length) {
          const object = batch[next++]!;
          const answer = await cluster.request("POST", collectionOf(object), object, {}, { agent });
          if (answer.status === 201 || answer.status === 200) created++;
          else if (answer.status === 409) existed++;
          else {
            const key = `${object.kind} ${answer.status}`;
            const seen = refused.get(key) ?? {
              count: 0,
              example: String((answer.body as { message?: unknown }).message ?? "").slice(0, 160),
            };
            seen.count++;
            refused.set(key, seen);
          }
        }
      }),
    );
  };
  try {
    await create(objects.filter((o) => o.kind === "Namespace"));
    await create(objects.filter((o) => o.kind !== "Namespace"));
  } finally {
    agent.destroy();
  }
  return { created, existed, refused };
}

/** The collections kubefence's live source lists on this server: KINDS, less what discovery does not serve. */
async function listedCollections(cluster: TestCluster): Promise<string[]> {
  const out: string[] = [];
  for (const info of KINDS) {
    const apiVersion = apiVersionOf(info);
    if (info.platform || info.customResource) {
      const answer = await cluster.request("GET", `/apis/${apiVersion}`);
      if (answer.status !== 200) continue;
    }
    out.push(`${apiVersion.includes("/") ? "/apis" : "/api"}/${apiVersion}/${info.plural}`);
  }
  return out;
}

await benchmark("live", async (context) => {
  if (context.size === "large") {
    // Medium's 41 526 objects take 2–3 minutes to create on the 2-core machine; large has ten times as many.
    context.note(
      "not run at large",
      "creating its ~400 000 objects takes about half an hour; run it at medium",
    );
    return;
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const objects = (JSON.parse(JSON.stringify(allObjects(context.snapshot))) as Manifest[]).map(manifestOf);
  const dir = mkdtempSync(join(tmpdir(), "kubefence-bench-live-"));
  const cluster = await startTestCluster({ apiServerArgs: ["--service-cluster-ip-range=10.96.0.0/12"] });
  try {
    const populateStart = performance.now();
    const stored = await populate(cluster, objects);
    const populateMs = performance.now() - populateStart;
    const refusals = [...stored.refused].map(([key, r]) => `${r.count} ${key} (${r.example})`);
    context.record(
      `create ${objects.length} generated objects (${CREATE_CONCURRENCY} POSTs at a time)`,
      populateMs,
      process.resourceUsage().maxRSS / 1024,
      `${stored.created} created, ${stored.existed} already there, ${refusals.length === 0 ? "none refused" : `refused: ${refusals.join("; ")}`}`,
    );
    const collections = await listedCollections(cluster);

    const read = (mode: "plain" | "live"): Run => {
      const load = loadAverage();
      const child = spawnSync(process.execPath, [READ, mode, cluster.kubeconfig, collections.join(",")], {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      if (child.status !== 0) throw new Error(`live-read ${mode}: exit ${child.status}: ${child.stderr}`);
      return { ...(JSON.parse(child.stdout) as Omit<Run, "load">), load };
    };
    const cli = (): Run => {
      const load = loadAverage();
      const usage = join(dir, "usage");
      const output = join(dir, "snapshot.json");
      rmSync(usage, { force: true });
      const stdout = openSync(output, "w");
      const start = performance.now();
      const child = spawnSync(
        process.execPath,
        ["--import", PEAK_RSS, CLI, "snapshot", "--kubeconfig", cluster.kubeconfig],
        {
          stdio: ["ignore", stdout, "pipe"],
          env: { ...process.env, KUBEFENCE_BENCH_USAGE: usage },
          maxBuffer: 1 << 26,
        },
      );
      const ms = performance.now() - start;
      closeSync(stdout);
      if (child.status !== 0) throw new Error(`kubefence snapshot: exit ${child.status}: ${child.stderr}`);
      const measured = JSON.parse(readFileSync(usage, "utf8")) as { maxRSS: number; cpuMs: number };
      const written = (JSON.parse(readFileSync(output, "utf8")) as { items: unknown[] }).items.length;
      return { ms, cpuMs: measured.cpuMs, peakRssMB: measured.maxRSS / 1024, objects: written, load };
    };

    const runs = { plain: [] as Run[], live: [] as Run[], cli: [] as Run[] };
    const row = (operation: string, run: Run) =>
      context.record(
        operation,
        run.ms,
        run.peakRssMB,
        `CPU ${seconds(run.cpuMs)}, ${run.objects} objects, load average ${run.load}`,
      );
    for (let round = 1; round <= ROUNDS; round++) {
      const plain = read("plain");
      runs.plain.push(plain);
      row(`round ${round}: plain list-and-parse (${collections.length} kinds)`, plain);
      const live = read("live");
      runs.live.push(live);
      row(`round ${round}: live source (loadLive)`, live);
      const snapshot = cli();
      runs.cli.push(snapshot);
      row(
        `round ${round}: CLI snapshot (whole process, ${(statSync(join(dir, "snapshot.json")).size / 1e6).toFixed(0)} MB written)`,
        snapshot,
      );
    }
    const ratio = (of: Run[], field: "ms" | "cpuMs" | "peakRssMB") =>
      (median(of.map((r) => r[field])) / median(runs.plain.map((r) => r[field]))).toFixed(2);
    for (const [name, of] of [
      ["live source", runs.live],
      ["CLI snapshot", runs.cli],
    ] as const)
      context.note(
        `${name} / plain (medians of ${ROUNDS})`,
        `wall ${ratio(of, "ms")}×, CPU ${ratio(of, "cpuMs")}×, peak RSS ${ratio(of, "peakRssMB")}×`,
      );
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
