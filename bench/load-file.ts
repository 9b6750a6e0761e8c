/**
 * `tsx bench/load-file.ts FILE…`: loads manifest files through the real pipeline in a process of its own
 * and prints `{"ms": …, "cpuMs": …, "objects": …, "diagnostics": …, "peakRssMB": …}` (wall and CPU time of
 * the load alone, without the process's start), so that a bench can compare the time and peak memory of
 * reading one format against another.
 */
import { allObjects } from "../src/model/snapshot.js";
import { loadManifests } from "../src/sources/manifests.js";

const start = performance.now();
const cpuStart = process.cpuUsage();
const { snapshot, diagnostics } = await loadManifests(process.argv.slice(2));
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  `${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, objects: allObjects(snapshot).length, diagnostics: diagnostics.length, peakRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
