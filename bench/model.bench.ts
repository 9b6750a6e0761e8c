/**
 * The model and the manifest source at scale: generating a cluster, writing it as a `List` file, and
 * loading that file back through the real pipeline (parse → admit/validate → default → Snapshot).
 */
import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allObjects } from "../src/model/snapshot.js";
import { loadManifests } from "../src/sources/manifests.js";
import { type ListFormat, writeList } from "./generate.js";
import { benchmark } from "./harness.js";

await benchmark("model", async (context) => {
  const { measure } = context;
  const snapshot = await measure("generate", () => context.snapshot);
  const objects = allObjects(snapshot).length;
  const dir = mkdtempSync(join(tmpdir(), "kubefence-model-bench-"));
  try {
    const formats: ListFormat[] = ["json", "yaml", "yaml-stream"];
    const alone: { format: ListFormat; ms: number; peakRssMB: number }[] = [];
    for (const format of formats) {
      const file = join(dir, `cluster.${format}`);
      await measure(`write List (${format})`, () => writeFile(file, format), {
        count: objects,
        unit: "objects",
      });
      const mb = (statSync(file).size / 1e6).toFixed(0);
      const result = await measure(`load ${mb} MB ${format} file`, () => loadManifests([file]), {
        count: objects,
        unit: "objects",
      });
      const loaded = allObjects(result.snapshot).length;
      if (loaded !== objects || result.diagnostics.length > 0)
        throw new Error(
          `${format}: loaded ${loaded} of ${objects} objects, ${result.diagnostics.length} diagnostics`,
        );
      // The same load in a process of its own: its peak memory is the format's alone.
      const child = JSON.parse(
        execFileSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "load-file.ts"), file], {
          encoding: "utf8",
          maxBuffer: 1 << 20,
        }),
      ) as { ms: number; cpuMs: number; objects: number; peakRssMB: number };
      if (child.objects !== objects)
        throw new Error(`${format}: a fresh process loaded ${child.objects} objects`);
      alone.push({ format, ms: child.ms, peakRssMB: child.peakRssMB });
      context.note(
        `load ${mb} MB ${format} file, fresh process`,
        `${formatSeconds(child.ms)} (CPU ${formatSeconds(child.cpuMs)}), ${Math.round(objects / (child.ms / 1000) / 1000)}k objects/s, peak RSS ${Math.round(child.peakRssMB)} MB`,
      );
    }
    const json = alone.find((a) => a.format === "json")!;
    for (const yaml of alone.filter((a) => a.format !== "json"))
      context.note(
        `${yaml.format} against json`,
        `${(yaml.ms / json.ms).toFixed(2)}× the time, ${(yaml.peakRssMB / json.peakRssMB).toFixed(2)}× the peak RSS`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  function formatSeconds(ms: number): string {
    return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
  }

  async function writeFile(file: string, format: ListFormat): Promise<void> {
    const out = createWriteStream(file);
    await writeList(snapshot, format, out);
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
});
