import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocuments } from "../../src/sources/documents.js";
import { localKubectl } from "../support/kubectl-local.js";
import { numberLikeKey } from "./yaml-keys-cases.js";
import { TAGGED_CASES, VALUE_CASES, valueConfigMap } from "./yaml-values-cases.js";

/**
 * The value table against the real kubectl with no server (test/support/kubectl-local.ts).
 */
const local = localKubectl("kubefence-values-");
const dir = local.dir;
const kubectl = local.read;
afterAll(local.dispose);

/** kubectl's `data.v` of the file, or its error. */
async function theirs(file: string): Promise<unknown> {
  const result = await kubectl(file);
  if (result.code === 0) return (JSON.parse(result.stdout) as { data: { v: unknown } }).data.v;
  expect(result.stderr).toMatch(/^error: error parsing /);
  return result.stderr.trim().replace(`error: error parsing ${file}: `, "");
}

/** kubefence's `data.v` of the text, or its error (without `; document skipped`). */
function ours(text: string, file: string): unknown {
  const { documents, diagnostics } = parseDocuments(text, file);
  if (documents.length === 1) {
    expect(diagnostics).toEqual([]);
    return (documents[0]!.value as { data: { v: unknown } }).data.v;
  }
  expect(documents).toEqual([]);
  expect(diagnostics).toHaveLength(1);
  return diagnostics[0]!.message.replace(/; document skipped$/, "");
}

/** 80 random number-like values (fixed seed), and the same in a flow sequence. */
const RANDOM = fc.sample(numberLikeKey, { numRuns: 80, seed: 11 });

describe("plain values: kubefence reads them as the real kubectl does", () => {
  it("the table's expectations are kubectl's", async () => {
    for (const { value, expected } of [...VALUE_CASES, ...TAGGED_CASES]) {
      const file = join(dir, "table.yaml");
      writeFileSync(file, valueConfigMap(value));
      expect(await theirs(file), value).toEqual(expected);
    }
  });

  it.each([...VALUE_CASES, ...TAGGED_CASES].map((c) => c.value).concat(RANDOM))("%j", async (value) => {
    for (const text of [valueConfigMap(value), valueConfigMap(`[${value}]`)]) {
      const file = join(dir, "values.yaml");
      writeFileSync(file, text);
      expect(ours(text, file), text).toEqual(await theirs(file));
    }
  });
});
