/** The built-in demo cluster: `examples/demo/`, shipped inside the package, found from any directory. */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { originOf } from "../model/origin.js";
import { allObjects } from "../model/snapshot.js";
import type { LoadResult } from "./build.js";
import { loadManifests, type ManifestOptions } from "./manifests.js";

const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEMO_DIR = fileURLToPath(new URL("../../examples/demo/", import.meta.url));

/** Origins name files relative to the package (`examples/demo/20-workloads.yaml`), wherever it is installed. */
export function loadDemo(options: Pick<ManifestOptions, "kubeVersion"> = {}): LoadResult {
  const result = loadManifests([DEMO_DIR], options);
  const origins = [...allObjects(result.snapshot).map(originOf), ...result.diagnostics.map((d) => d.origin)];
  for (const origin of origins)
    if (origin && "file" in origin && origin.file.startsWith(PACKAGE_ROOT))
      origin.file = relative(PACKAGE_ROOT, origin.file);
  return result;
}
