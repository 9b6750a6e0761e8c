/**
 * `tsx bench/load-file.ts FILE…`: loads manifest files through the real pipeline in a process of its own
 * and prints `{"ms": …, "objects": …, "diagnostics": …, "peakRssMB": …}`, so that a bench can compare the
 * time and peak memory of reading one format against another.
 */
import { allObjects } from "../src/model/snapshot.js";
import { loadManifests } from "../src/sources/manifests.js";

const start = performance.now();
const { snapshot, diagnostics } = await loadManifests(process.argv.slice(2));
const ms = performance.now() - start;
process.stdout.write(
  `${JSON.stringify({ ms, objects: allObjects(snapshot).length, diagnostics: diagnostics.length, peakRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
