import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocuments } from "../../src/sources/documents.js";
import { localKubectl } from "../support/kubectl-local.js";
import { configMap, KEY_CASES, numberLikeKey } from "./yaml-keys-cases.js";

/**
 * The key table against the real kubectl with no server (test/support/kubectl-local.ts).
 */
const local = localKubectl("kubefence-keys-");
const dir = local.dir;
const kubectl = local.read;
afterAll(local.dispose);

/** Extra cases beyond the table: more of each kind, checked against kubectl only. */
const EXTRA = [
  "? {a: [1, {b: null}]}\n  : x",
  '? [é, "\\u0001", "tab\\there"]\n  : x',
  "1.5: &v [1.0]\n  ~: *v",
  "~: 18446744073709551615",
  "? [0.1, 100000.0, 1e6, 1e-4, 2.5e-5, 16777217.0]\n  : x",
  "0.1: a\n  100000.0: b\n  1e6: c\n  1e-4: d\n  2.5e-5: e\n  16777217.0: f\n  1e-50: g\n  -1.5e+3: h",
  "9223372036854775807: a\n  -9223372036854775808: b\n  9223372036854775808: c",
  "m:\n    ? [a]\n    : b",
  "? |\n    block\n  : x",
  "? !!str 1\n  : x",
  "true: a\n  True: b\n  FALSE: c",
  "1e400: a\n  -1e400: b\n  1e40: c", // past float64, ParseFloat fails: strings; 1e40 is past float32 only
];

/** 80 random number-like keys (fixed seed), each alone in a ConfigMap. */
const RANDOM = fc.sample(numberLikeKey, { numRuns: 80, seed: 7 }).map((key) => `${key}: x`);

describe("mapping keys: kubefence reads them as the real kubectl does", () => {
  it.each([...KEY_CASES.map((c) => c.data), ...EXTRA, ...RANDOM])("%j", async (data) => {
    const text = configMap(data);
    const file = join(dir, "keys.yaml");
    writeFileSync(file, text);
    const result = await kubectl(file);
    const { documents, diagnostics } = parseDocuments(text, file);
    if (result.code === 0) {
      // Only warnings: `true` and `True` are one key to both readers, which kubefence warns of (see README).
      expect(diagnostics.filter((d) => d.severity !== "warning")).toEqual([]);
      expect((documents[0]!.value as { data: unknown }).data).toEqual(JSON.parse(result.stdout).data);
    } else {
      expect(result.stderr).toMatch(/^error: error parsing /);
      const theirs = result.stderr.trim().replace(`error: error parsing ${file}: `, "");
      expect(documents).toEqual([]);
      expect(diagnostics.map((d) => d.message)).toEqual([`${theirs}; document skipped`]);
    }
  });

  it("the table's expectations are kubectl's", async () => {
    for (const { data, expected } of KEY_CASES) {
      const file = join(dir, "table.yaml");
      writeFileSync(file, configMap(data));
      const result = await kubectl(file);
      const theirs =
        result.code === 0
          ? JSON.parse(result.stdout).data
          : result.stderr.trim().replace(`error: error parsing ${file}: `, "");
      expect(theirs, data).toEqual(expected);
    }
  });
});
