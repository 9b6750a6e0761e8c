import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type * as Origins from "../../src/model/origin.js";
import { allObjects } from "../../src/model/snapshot.js";
import type * as Scans from "../../src/sources/json-list-scan.js";
import { SCAN_IN_WORKER_MIN_BYTES, scanJsonList } from "../../src/sources/json-list-scan.js";
import type * as Manifests from "../../src/sources/manifests.js";
import { loadManifests } from "../../src/sources/manifests.js";

// The worker runs from the build (npm test builds first): the TypeScript sources scan in this thread.
const dist = (module: string) => new URL(`../../dist/${module}`, import.meta.url).href;
const built: typeof Scans = await import(dist("sources/json-list-scan.js"));
const builtManifests: typeof Manifests = await import(dist("sources/manifests.js"));
const builtOrigins: typeof Origins = await import(dist("model/origin.js"));
const { originOf } = await import("../../src/model/origin.js");

function sharedBytes(text: string): Buffer {
  const bytes = Buffer.from(text);
  const copy = Buffer.from(new SharedArrayBuffer(bytes.length));
  bytes.copy(copy);
  return copy;
}

describe("a JSON List's scan in a worker thread", () => {
  it("equals the scan in this thread, for any List (non-ASCII and astral text, any indent) or other JSON", () => {
    const tricky = fc.stringMatching(/^[\\"{}[\],:a-z \u00e9\u{1F600}]{0,10}$/u);
    const value = fc.oneof(tricky, fc.integer(), fc.constant(null), fc.array(tricky, { maxLength: 3 }));
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(tricky, value, { maxKeys: 3 }), { maxLength: 4 }),
        fc.constantFrom(0, 1, 2),
        fc.boolean(),
        (items, indent, list) => {
          const text = JSON.stringify(
            list ? { kind: "List", items } : { kind: "Other", spec: items },
            null,
            indent,
          );
          const pending = built.startJsonListScan(sharedBytes(text), text, "l.json", 0);
          const scan = pending.result();
          expect(pending.by).toBe("worker");
          expect(scan).toEqual(scanJsonList(Buffer.from(text), "l.json", 0));
          expect(scan === undefined).toBe(!list);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("is not started for bytes that are small or not shared", () => {
    const text = '{"kind": "List", "items": [{"a": 1}]}';
    expect(built.startJsonListScan(sharedBytes(text), text, "l.json").by).toBe("this thread");
    const unshared = built.startJsonListScan(Buffer.from(text), text, "l.json", 0);
    expect(unshared.by).toBe("this thread");
    expect(unshared.result()?.origins).toEqual([{ file: "l.json", line: 1, column: 28 }]);
  });

  const dir = mkdtempSync(join(tmpdir(), "kubefence-scan-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives a large file's objects the places the scan in this thread gives them", () => {
    // Past the size a worker is started for: ServiceAccounts with non-ASCII annotations, pretty-printed.
    const note = "é".repeat(900);
    const count = Math.ceil(SCAN_IN_WORKER_MIN_BYTES / 1900);
    const items = Array.from({ length: count }, (_, i) => ({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: `sa-${i}`, namespace: `ns-${i % 7}`, annotations: { note } },
    }));
    const file = join(dir, "large.json");
    writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items }, null, 1));
    const places = (objects: object[], of: (o: object) => unknown) =>
      objects.map((o) => JSON.stringify(of(o))).sort();
    const inWorker = builtManifests.loadManifests([file]);
    const here = loadManifests([file]);
    expect(inWorker.diagnostics).toEqual(here.diagnostics);
    const workerPlaces = places(allObjects(inWorker.snapshot), builtOrigins.originOf);
    expect(workerPlaces.filter((place) => place?.includes("large.json"))).toHaveLength(count);
    expect(workerPlaces).toEqual(places(allObjects(here.snapshot), originOf));
  });
});
