/**
 * The model and the manifest source at scale: generating a cluster, writing it as a `List` file, and
 * loading that file back through the real pipeline (parse → admit/validate → default → Snapshot).
 */
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
    // The yaml library reads ~1 MB/s: a 300 MB YAML List (large) would take five minutes, so large measures
    // JSON only (what `kubefence snapshot` writes).
    const formats: ListFormat[] = context.size === "large" ? ["json"] : ["json", "yaml"];
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
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  async function writeFile(file: string, format: ListFormat): Promise<void> {
    const out = createWriteStream(file);
    await writeList(snapshot, format, out);
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
});
