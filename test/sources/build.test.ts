import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RawDocument } from "../../src/model/document.js";
import { originOf } from "../../src/model/origin.js";
import { allObjects, objectKey } from "../../src/model/snapshot.js";
import { buildSnapshot } from "../../src/sources/build.js";

function doc(value: object, line: number): RawDocument {
  const origin = { file: "f.json", line, column: 1 };
  return { value, origin, locate: () => origin, owned: true };
}

describe("duplicate objects: the last one wins and takes the later position", () => {
  it("as a Map of objectKey decides, for any mix of kinds, namespaces and names (slashes included)", () => {
    const names = fc.constantFrom("a", "b", "c", "a/b", "b/c", "default");
    const item = fc.record({
      kind: fc.constantFrom("Pod", "ServiceAccount", "ClusterRole"),
      namespace: fc.constantFrom("a", "a/b", "ns"),
      name: names,
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 3000 }), (items) => {
        const documents = items.map((i, n) =>
          doc(
            {
              apiVersion: i.kind === "ClusterRole" ? "rbac.authorization.k8s.io/v1" : "v1",
              kind: i.kind,
              metadata:
                i.kind === "ClusterRole" ? { name: i.name } : { name: i.name, namespace: i.namespace },
            },
            n + 1,
          ),
        );
        const built = buildSnapshot(documents);
        // The reference: a Map of objectKey, deleted and set again on a repeat.
        const byKey = new Map<string, number>();
        const repeats: string[] = [];
        documents.forEach((d, n) => {
          const v = d.value as { kind: string; metadata: { name: string; namespace?: string } };
          const key = objectKey(v);
          const first = byKey.get(key);
          if (first !== undefined) {
            repeats.push(`${n + 1} after ${first + 1}`);
            byKey.delete(key);
          }
          byKey.set(key, n);
        });
        const lines = (o: object) => (originOf(o) as { line: number }).line;
        const kept = new Map<string, number[]>();
        for (const [key, n] of byKey) {
          const kind = key.slice(0, key.indexOf("/"));
          kept.set(kind, [...(kept.get(kind) ?? []), n + 1]);
        }
        const field = { Pod: built.snapshot.pods, ServiceAccount: built.snapshot.serviceAccounts };
        for (const [kind, objects] of Object.entries(field))
          expect(objects.map(lines)).toEqual(kept.get(kind) ?? []);
        expect(allObjects(built.snapshot).length).toBe(byKey.size);
        expect(
          built.diagnostics
            .filter((d) => d.message.startsWith("duplicate"))
            .map(
              (d) => `${(d.origin as { line: number }).line} after ${/f\.json:(\d+)/.exec(d.message)![1]}`,
            ),
        ).toEqual(repeats);
      }),
      { numRuns: 200, seed: 23 },
    );
  });
});
