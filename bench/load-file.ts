/**
 * `tsx bench/load-file.ts FILE…`: loads manifest files through the real pipeline in a process of its own
 * and prints `{"ms": …, "cpuMs": …, "objects": …, "diagnostics": …, "peakRssMB": …}` (wall and CPU time of
 * the load alone, without the process's start), so that a bench can compare the time and peak memory of
 * reading one format against another. `KUBEFENCE_LOAD_DIST=path/to/dist` loads with that build instead of
 * src/ (the built code, as the `kubefence` command runs it; another commit's, for before and after).
 */
import { pathToFileURL } from "node:url";
import type * as Snapshots from "../src/model/snapshot.js";
import type * as Manifests from "../src/sources/manifests.js";

const dist = process.env.KUBEFENCE_LOAD_DIST;
const from = (module: string, built: string) => (dist ? pathToFileURL(`${dist}/${built}`).href : module);
const { allObjects }: typeof Snapshots = await import(from("../src/model/snapshot.js", "model/snapshot.js"));
const { loadManifests }: typeof Manifests = await import(
  from("../src/sources/manifests.js", "sources/manifests.js")
);

const start = performance.now();
const cpuStart = process.cpuUsage();
const { snapshot, diagnostics } = loadManifests(process.argv.slice(2));
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  `${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, objects: allObjects(snapshot).length, diagnostics: diagnostics.length, peakRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
