import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineCounter, type Node, parseDocument, stringify } from "yaml";
import { generateCluster, writeList } from "../../bench/generate.js";
import { type Path, parseDocuments, parseYamlList, type RawDocument } from "../../src/sources/documents.js";

/** Everything a document tells the rest of the pipeline: its value and where its parts were written. */
function observe(doc: RawDocument, paths: Path[]) {
  return { value: JSON.stringify(doc.value), origin: doc.origin, positions: paths.map((p) => doc.locate(p)) };
}

function itemPaths(doc: RawDocument): Path[] {
  const items = (doc.value as { items: unknown[] }).items;
  const paths: Path[] = [[], ["kind"], ["metadata"], ["items"]];
  items.forEach((_, i) => {
    paths.push(["items", i], ["items", i, "metadata", "name"], ["items", i, "spec"], ["items", i, "nope", 3]);
  });
  return paths;
}

/** The fast reader must be taken, and must equal the general reader exactly. */
function expectSameAsWhole(text: string) {
  const fast = parseYamlList(text, "f.yaml");
  expect(fast, "the item-by-item reader was not taken").toBeDefined();
  const whole = parseDocuments(text, "f.yaml", { listFastPath: false, blockFastPath: false });
  expect(whole.diagnostics).toEqual([]);
  expect(whole.documents).toHaveLength(1);
  const paths = itemPaths(whole.documents[0]!);
  expect(observe(fast!, paths)).toEqual(observe(whole.documents[0]!, paths));
}

const item = (name: string, extra = "") =>
  `- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: ${name}\n    namespace: apps\n${extra}`;

describe("a YAML List read item by item equals the List read whole", () => {
  it("kubectl get -o yaml output", () => {
    expectSameAsWhole(readFileSync("test/sources/corpus/kubectl-get-list.yaml", "utf8"));
  });

  it("a generated cluster of 4 000 objects", async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    await writeList(
      generateCluster({
        seed: 3,
        tenants: 4,
        namespacesPerTenant: 5,
        deploymentsPerNamespace: 3,
        replicas: 2,
        policiesPerNamespace: 7,
        bindingsPerNamespace: 5,
        clusterRoleBindings: 10,
      }),
      "yaml",
      out,
    );
    expectSameAsWhole(Buffer.concat(chunks).toString("utf8"));
  });

  it.each([
    [
      "items indented under the key",
      `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: a}\n  - kind: Pod\n    metadata: {name: b}\n`,
    ],
    [
      "items the last key, comments and blank lines between them",
      `kind: List\napiVersion: v1\nitems:\n# first\n${item("a")}\n\n# second\n${item("b")}`,
    ],
    [
      "block scalars, a |+ one keeping trailing blank lines",
      `apiVersion: v1\nitems:\n${item("a", "  data:\n    script: |+\n      echo hi\n\n\n")}${item("b", "  data:\n    x: >-\n      folded\n      text\n")}kind: List\n`,
    ],
    [
      "anchors and aliases inside one item",
      `apiVersion: v1\nitems:\n${item("a", "  labels: &l {x: y}\n  selector: *l\n")}kind: List\n`,
    ],
    [
      "a |+ scalar at the end of the file",
      `apiVersion: v1\nkind: List\nitems:\n${item("a", "  data:\n    s: |+\n      x\n\n")}`,
    ],
    [
      "a |+ scalar at the end of a file without final newline",
      `apiVersion: v1\nkind: List\nitems:\n${item("a", "  data:\n    s: |+\n      x\n\n      y")}`,
    ],
    [
      "CRLF line endings",
      `apiVersion: v1\r\nitems:\r\n- kind: Pod\r\n  metadata:\r\n    name: a\r\n- kind: Pod\r\n  metadata:\r\n    name: b\r\nkind: List\r\n`,
    ],
    [
      "an item that is not a mapping",
      `apiVersion: v1\nitems:\n- just a string\n- - nested\n  - list\nkind: List\n`,
    ],
  ])("%s", (_reason, text) => {
    expectSameAsWhole(text);
  });

  it.each([
    [
      "an alias to an anchor in another item",
      `apiVersion: v1\nitems:\n${item("a", "  labels: &l {x: y}\n")}${item("b", "  labels: *l\n")}kind: List\n`,
    ],
    ["several documents", `${item("a")}---\napiVersion: v1\nitems:\n${item("b")}`],
    ["a flow sequence", `apiVersion: v1\nitems: [{kind: Pod}]\nkind: List\n`],
    ["an empty list", `apiVersion: v1\nitems: []\nkind: List\n`],
    ["an item whose node starts on the next line", `apiVersion: v1\nitems:\n-\n  kind: Pod\nkind: List\n`],
    ["items twice", `items:\n- a\nkind: List\nitems:\n- b\n`],
    [
      "an item that does not parse",
      `apiVersion: v1\nitems:\n- kind: Pod\n  metadata: {name: [x\nkind: List\n`,
    ],
  ])("leaves %s to the general reader", (_reason, text) => {
    expect(parseYamlList(text, "f.yaml")).toBeUndefined();
  });

  it("for any List the yaml library writes, in either sequence style", () => {
    const scalar = fc.oneof(
      fc.string(),
      fc.constantFrom("multi\nline\n", "trailing\n\n\n", "- dash", "# hash", "items:", "a: b", "'q'", ""),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, scalar, tie("map"), fc.array(tie("node"), { maxLength: 3 })),
      map: fc.dictionary(fc.string({ minLength: 1 }), tie("node"), { maxKeys: 4 }),
    }));
    const items = fc.array(value.map, { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(items, fc.boolean(), (list, indentSeq) => {
        const text = stringify({ apiVersion: "v1", items: list, kind: "List" }, { indentSeq });
        if (!parseYamlList(text, "f.yaml")) return; // e.g. an empty first map printed as `- {}`: general reader
        expectSameAsWhole(text);
      }),
      { numRuns: 300 },
    );
  });

  it("through parseDocuments, a broken item is reported as before", () => {
    const text = `apiVersion: v1\nitems:\n- kind: Pod\n  metadata: {name: [x\n- kind: Pod\nkind: List\n`;
    expect(parseDocuments(text, "f.yaml")).toEqual(
      parseDocuments(text, "f.yaml", { listFastPath: false, blockFastPath: false }),
    );
  });
});

describe("a JSON List's item positions, from one scan of the text", () => {
  it("equal the YAML library's, whatever the strings hold (quotes, backslashes, brackets, commas, non-ASCII)", () => {
    const tricky = fc.stringMatching(/^[\\"{}[\],:a-z \u00e9\u{1F600}]{0,12}$/u);
    const value = fc.oneof(tricky, fc.integer(), fc.constant(null), fc.array(tricky, { maxLength: 3 }));
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(tricky, value, { maxKeys: 4 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(0, 1, 2),
        tricky,
        (items, indent, extra) => {
          const text = JSON.stringify({ [extra]: [extra], kind: "List", items }, null, indent);
          const { documents } = parseDocuments(text, "l.json");
          expect(documents).toHaveLength(1);
          const lines = new LineCounter();
          const yaml = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
          items.forEach((_, i) => {
            const { line, col } = lines.linePos((yaml.getIn(["items", i], true) as Node).range![0]);
            expect(documents[0]!.locate(["items", i])).toEqual({ file: "l.json", line, column: col });
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("a JSON List read with one scan of its text (depth, nulls, places) equals the List read without", () => {
  /** Values, origins, item positions and diagnostics, with and without the scan. */
  function expectSame(text: string) {
    const fast = parseDocuments(text, "l.json");
    const whole = parseDocuments(text, "l.json", { jsonListFastPath: false });
    expect(fast.diagnostics, text).toEqual(whole.diagnostics);
    expect(fast.documents.length, text).toBe(whole.documents.length);
    fast.documents.forEach((doc, k) => {
      const other = whole.documents[k]!;
      const items = (other.value as { items?: unknown }).items;
      const paths: Path[] = [[], ["kind"]];
      if (Array.isArray(items)) for (let i = 0; i < items.length; i++) paths.push(["items", i]);
      expect(observe(doc, paths), text).toEqual(observe(other, paths));
      // Items said to hold no null hold none.
      if (Array.isArray(items) && doc.nullFreeItems)
        items.forEach((item, i) => {
          if (doc.nullFreeItems![i] === 1) expect(JSON.stringify(item), text).not.toContain("null");
        });
    });
  }

  it("for any List, and for any text made from one by inserting JSON's punctuation", () => {
    const tricky = fc.stringMatching(/^[\\"{}[\],:a-z]{0,8}$/);
    const value = fc.oneof(tricky, fc.integer(), fc.constant(null), fc.array(tricky, { maxLength: 3 }));
    const inserts = fc.constantFrom(
      ",",
      "]",
      "}",
      "[",
      "{",
      '"items": [],',
      '"it\\u0065ms": [1],',
      "\\",
      " ",
      "\n",
    );
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(tricky, value, { maxKeys: 4 }), { minLength: 0, maxLength: 4 }),
        fc.constantFrom(0, 2),
        fc.array(fc.record({ at: fc.nat(), insert: inserts }), { maxLength: 2 }),
        (items, indent, edits) => {
          let text = JSON.stringify({ apiVersion: "v1", kind: "List", items }, null, indent);
          expectSame(text);
          for (const { at, insert } of edits) {
            const p = at % (text.length + 1);
            text = text.slice(0, p) + insert + text.slice(p);
          }
          expectSame(text);
        },
      ),
      { numRuns: 1500, seed: 3 },
    );
  });

  it('is taken for a List, and marks the items that hold no null (a string "null" is none)', () => {
    const text =
      '{"kind": "List", "apiVersion": "v1", "items": [{"a": null}, {"b": "null"}, {"c": 1}, null]}';
    const [doc] = parseDocuments(text, "l.json").documents;
    expect([...doc!.nullFreeItems!]).toEqual([0, 1, 1, 0]);
  });

  it("hands a List nested past the depth limit, or with a second items key, to the general reader", () => {
    const deep = `{"kind": "List", "items": [${"[".repeat(600)}${"]".repeat(600)}]}`;
    expect(parseDocuments(deep, "l.json").diagnostics[0]?.message).toMatch(/nested more than 500 levels/);
    const twice = '{"kind": "List", "items": [{"a": 1}], "items": [{"b": 2}]}';
    expect(parseDocuments(twice, "l.json").documents[0]!.value).toEqual({ kind: "List", items: [{ b: 2 }] });
    expectSame(deep);
    expectSame(twice);
  });

  it.each([
    ['{"kind": "List", "items": [{"a": 1},]}', "a trailing comma"],
    ['{"kind": "List", "items": [{"a": 1}, , {"b": 2}]}', "an empty element"],
    ['{"kind": "List", "items": [{"a": 1}}, "b": 2}', "the items closed by }"],
    ['{"kind": "List", "items": [{"a": 1} {"b": 2}]}', "a missing comma"],
    ['{"kind": "List", "items": [{"a": 1}], "it\\u0065ms": []}', "an escaped second items key"],
    ['{"kind": "List", "items": [{"a": 1}]} {"kind": "Pod"}', "a second value after the List"],
    ['[{"kind": "List", "items": [{"a": 1}]}]', "a List inside an array"],
    ['\ufeff{"kind": "List", "items": [{"a": 1}]}', "a byte order mark"],
  ])("%s (%s) reads as the whole text does", (text) => {
    expectSame(text);
  });
});
