/** The built-in demo cluster: `examples/demo/`, shipped inside the package, found from any directory. */
import { fileURLToPath } from "node:url";
import type { LoadResult } from "./build.js";
import { loadManifests } from "./manifests.js";

export const DEMO_DIR = fileURLToPath(new URL("../../examples/demo/", import.meta.url));

export function loadDemo(): LoadResult {
  return loadManifests([DEMO_DIR]);
}
