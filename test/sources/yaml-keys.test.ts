import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseDocuments } from "../../src/sources/documents.js";
import { configMap, KEY_CASES, numberLikeKey } from "./yaml-keys-cases.js";

/** The `data` kubefence reads from a text, or its error diagnostics' messages (without `; document skipped`). */
function read(
  text: string,
  options: Parameters<typeof parseDocuments>[2] = {},
): Record<string, unknown> | string {
  const { documents, diagnostics } = parseDocuments(text, "keys.yaml", options);
  if (documents.length === 1 && diagnostics.length === 0) {
    const value = documents[0]!.value as { data?: Record<string, unknown>; items?: { data?: unknown }[] };
    return (value.items ? value.items[0]!.data : value.data) as Record<string, unknown>;
  }
  expect(documents.filter((d) => (d.value as { kind?: string }).kind === "ConfigMap")).toEqual([]);
  return diagnostics.map((d) => d.message.replace(/; document skipped$/, "")).join("\n");
}

/** The same ConfigMap as the only item of a `kind: List` (read item by item by the List reader). */
function asList(data: string): string {
  const item = configMap(data)
    .trimEnd()
    .split("\n")
    .map((line, k) => (k === 0 ? `- ${line}` : `  ${line}`))
    .join("\n");
  return `apiVersion: v1\nkind: List\nitems:\n${item}\n`;
}

describe("mapping keys are read as kubectl reads them", () => {
  let warnings: ReturnType<typeof vi.spyOn>;
  let stderr: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    warnings = vi.spyOn(process, "emitWarning");
    stderr = vi.spyOn(process.stderr, "write");
  });
  afterEach(() => {
    // The `yaml` library warns on stderr of collection keys it stringifies: nothing may reach it.
    expect(warnings).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it.each(KEY_CASES)("$reason", ({ data, expected }) => {
    const text = configMap(data);
    expect(read(text), text).toEqual(expected);
    // The fast block reader, the general reader and the List reader agree.
    expect(read(text, { blockFastPath: false })).toEqual(expected);
    expect(read(asList(data))).toEqual(expected);
    expect(read(asList(data), { listFastPath: false, blockFastPath: false })).toEqual(expected);
  });

  it("a refused document is an error at its key; the other documents of the file load", () => {
    const text = `${configMap("a: 1\n  ? [x]\n  : y")}---\n${configMap("b: 2")}`;
    const { documents, diagnostics } = parseDocuments(text, "keys.yaml");
    expect(diagnostics).toEqual([
      {
        severity: "error",
        message:
          'error converting YAML to JSON: yaml: invalid map key: []interface {}{"x"}; document skipped',
        origin: { file: "keys.yaml", line: 7, column: 5 }, // the key, after `? `
      },
    ]);
    expect(documents.map((d) => d.value)).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "keys" }, data: { b: 2 } },
    ]);
  });

  it("a converted key is found where the text writes it", () => {
    const [document] = parseDocuments(configMap("a: 1\n  1.50: x"), "keys.yaml", {
      blockFastPath: false,
    }).documents;
    expect(document!.locate(["data", "1.5"])).toEqual({ file: "keys.yaml", line: 7, column: 9 });
  });

  it("keys the fast reader would take as text but kubectl reads as booleans are handed to the general reader", () => {
    for (const key of [
      "y",
      "Y",
      "yes",
      "Yes",
      "YES",
      "n",
      "N",
      "no",
      "No",
      "NO",
      "on",
      "On",
      "ON",
      "off",
      "Off",
      "OFF",
    ]) {
      const name = /^(y|yes|on)$/i.test(key) ? "true" : "false";
      expect(read(configMap(`${key}: x`)), key).toEqual({ [name]: "x" });
      expect(read(configMap(`m: {${key}: x}`)), key).toEqual({ m: { [name]: "x" } });
    }
  });
});

describe("positions under converted keys", () => {
  it("a List item's field under a converted key is found where the text writes it", () => {
    const text = asList("a: 1\n  1.50: {b: c}");
    const [list] = parseDocuments(text, "keys.yaml").documents;
    expect(list!.locate(["items", 0, "data", "1.5", "b"])).toEqual({
      file: "keys.yaml",
      line: 10,
      column: 15,
    });
  });
});

describe("the fast and the general reader agree on keys", () => {
  it("for random number-like keys and random strings, block and flow", () => {
    fc.assert(
      fc.property(fc.oneof(numberLikeKey, fc.string({ maxLength: 5 })), fc.boolean(), (key, flow) => {
        const text = configMap(flow ? `m: {${key}: x}` : `${key}: x`);
        const fast = parseDocuments(text, "keys.yaml");
        const general = parseDocuments(text, "keys.yaml", { blockFastPath: false });
        expect(fast.diagnostics, text).toEqual(general.diagnostics);
        expect(JSON.stringify(fast.documents.map((d) => d.value))).toBe(
          JSON.stringify(general.documents.map((d) => d.value)),
        );
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});
