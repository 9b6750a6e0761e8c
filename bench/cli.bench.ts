/**
 * The CLI as users run it: the built `kubefence` (dist/cli/main.js, so `npm run build` first) in a process of
 * its own per command, reading the generated cluster from a JSON List file (`kubectl get -o json`'s shape),
 * file load, analysis and output included. Each row is the whole process's wall time and peak RSS, next to
 * the in-process engine rows of the other benches. Output goes to a file; its size is in the row.
 */
import { spawnSync } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { writeList } from "./generate.js";
import { benchmark } from "./harness.js";

/** The built CLI; KUBEFENCE_BENCH_CLI names another build's main.js, to compare two versions. */
const CLI = process.env.KUBEFENCE_BENCH_CLI ?? fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const PEAK_RSS = fileURLToPath(new URL("./peak-rss.mjs", import.meta.url));

await benchmark("cli", async (context) => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), "kubefence-bench-cli-"));
  try {
    const snapshot = context.snapshot;
    const file = join(dir, "cluster.json");
    const out = createWriteStream(file);
    await writeList(snapshot, "json", out);
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
    const namespace = snapshot.namespaces.find((ns) => !ns.metadata.name.startsWith("kube-"))!.metadata.name;
    const user = snapshot.roleBindings.flatMap((b) => b.subjects ?? []).find((s) => s.kind === "User")!.name;

    /** One command in a fresh process: wall time (measured here), its peak RSS, what it wrote. */
    const run = async (operation: string, args: string[]) => {
      const rss = join(dir, "rss");
      const output = join(dir, "out");
      rmSync(rss, { force: true });
      const stdout = openSync(output, "w");
      const start = performance.now();
      const child = spawnSync(process.execPath, ["--import", PEAK_RSS, CLI, ...args, "-f", file], {
        stdio: ["ignore", stdout, "pipe"],
        env: { ...process.env, KUBEFENCE_BENCH_RSS: rss },
        maxBuffer: 1 << 26,
      });
      const ms = performance.now() - start;
      // 0, or 1 for a "no" / findings: anything else is a failure, said in its row.
      if (child.status !== 0 && child.status !== 1) {
        const said =
          String(child.stderr)
            .split("\n")
            .find((l) => l.trim() !== "") ?? "";
        context.note(`CLI ${operation}`, `FAILED (exit ${child.status}): ${said.slice(0, 120)}`);
        return;
      }
      const peakMB = Number(readFileSync(rss, "utf8")) / 1024;
      context.record(
        `CLI ${operation} (${mb(statSync(file).size)} JSON file)`,
        ms,
        peakMB,
        `wrote ${mb(statSync(output).size)}`,
      );
    };

    await run("audit (table), one tenant per namespace", ["audit"]);
    await run("audit (table), --tenant-label tenant", ["audit", "--tenant-label", "tenant"]);
    await run("audit -o json, one tenant per namespace", ["audit", "-o", "json"]);
    await run("audit -o json, --tenant-label tenant", ["audit", "-o", "json", "--tenant-label", "tenant"]);
    await run("audit -o html, one tenant per namespace", ["audit", "-o", "html"]);
    await run("can-i --list", ["can-i", "--list", "--as", user, "-n", namespace]);
    await run("access-matrix --all-subjects", [
      "access-matrix",
      "--all-subjects",
      "-n",
      namespace,
      "-o",
      "json",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
