import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineCounter, parseAllDocuments, stringify } from "yaml";
import { generateCluster } from "../../bench/generate.js";
import { allObjects } from "../../src/model/snapshot.js";
import { readBlockYaml, simpleText } from "../../src/sources/block-yaml.js";
import { type Path, parseDocuments, type RawDocument } from "../../src/sources/documents.js";
import { convertKeys } from "../../src/sources/yaml-keys.js";

/**
 * The general reader's reading of a one-document text (the `yaml` library, then keys and plain values as
 * kubectl reads them): its value and where its content starts, or errors.
 */
function library(text: string): { value: unknown; line: number; column: number } | "error" {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  if (!Array.isArray(docs) || docs.length > 1) return "error";
  if (docs.length === 0) return { value: null, line: 0, column: 0 };
  const doc = docs[0]!;
  if (doc.errors.length > 0) return "error";
  if (doc.contents === null) return { value: null, line: 0, column: 0 };
  if (convertKeys(doc)) return "error";
  const { line, col } = lineCounter.linePos(doc.contents.range?.[0] ?? 0);
  return { value: doc.toJS({ maxAliasCount: 1000 }), line: line - 1, column: col - 1 };
}

function fast(text: string) {
  const answer = readBlockYaml(text, 0, text.length);
  // Told that the whole text was found simple, the reader answers the same as when it checks each line.
  if (simpleText(text)) expect(readBlockYaml(text, 0, text.length, true), text).toStrictEqual(answer);
  // Read in place inside a larger text (as the stream and List readers do), it answers the same: it stays
  // within its range. The text after it must start a line, so a text without a final break gets one there.
  const before = "a: [\n  'b\n---\n";
  const after = text.endsWith("\n") ? "  c: d\n- e\n" : "";
  const inside = readBlockYaml(before + text + after, before.length, before.length + text.length);
  expect(inside, text).toStrictEqual(answer);
  return answer;
}

/** Whenever the fast reader answers, the library reads the same text without error and to the same value. */
function expectAgreement(text: string): boolean {
  const answer = fast(text);
  if (answer === undefined) return false;
  const reference = library(text);
  expect(reference, text).not.toBe("error");
  if (reference === "error") return false;
  expect(answer.value, text).toStrictEqual(reference.value);
  if (answer.value !== null) {
    expect([answer.line, answer.column], text).toEqual([reference.line, reference.column]);
    expect(answer.holdsNull, text).toBe(containsNull(answer.value));
  }
  return true;
}

function containsNull(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some((v) => v === null || containsNull(v));
}

/** Values with the scalars and keys that YAML reads as something else than their text. */
const tricky = [
  "true",
  "True",
  "TRUE",
  "yes",
  "no",
  "on",
  "y",
  "null",
  "Null",
  "~",
  "",
  "0x1F",
  "0o17",
  "017",
  "1e3",
  "1E-2",
  ".inf",
  "-.Inf",
  ".NaN",
  "+5",
  "-0",
  "0.50",
  "1_000",
  "12345678901234567890",
  "1.",
  ".5",
  // YAML 1.1 as kubectl reads it (go-yaml v2)
  "On",
  "OFF",
  "oN",
  "Y",
  "N",
  "Yes",
  "NO",
  "010",
  "08",
  "0b101",
  "-0b11",
  "0B11",
  "0X1f",
  "+12",
  "1__0",
  "_1",
  "+.5",
  "-0.0",
  "1.0",
  "1:20",
  "2001-12-14",
  "2001-12-14T21:59:43.10-05:00",
  "1e400",
  ".5e400",
  "12e",
  "9223372036854775808",
  "18446744073709551616",
  "+.inf",
  "a: b",
  "a:b",
  "a #b",
  "a#b",
  "#x",
  "- x",
  "-x",
  "-",
  "[x]",
  "{x}",
  "[]",
  "{}",
  "&a",
  "*a",
  "!t",
  "|",
  ">",
  "'",
  '"',
  "%x",
  "@x",
  "`x",
  " lead",
  "trail ",
  "é",
  "\u2028",
  "a\tb",
  "x\n",
  "x\ny",
  "x\n\n",
  "\nx",
  "  x\n y\n",
  "---",
  "...",
  "? x",
  ": x",
  "a\\b",
  '"q"',
  "it's",
  "\u00e9\u00e8",
  "\u0085",
  "\r",
  "\ud83d\ude00",
];
const keys = fc.oneof(
  fc.constantFrom("a", "name", "app.kubernetes.io/name", "x_y", "a-b", "A1", "k.io/x-y_z"),
  fc.constantFrom("true", "null", "__proto__", "1", "a b", "a:b", "<<", "-a", "~", "", "'q'", "a#", "yes"),
  fc.string({ maxLength: 4 }),
);
const scalar = fc.oneof(
  fc.constantFrom(...tricky),
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
type Value = unknown;
const values = fc.letrec<{ node: Value; map: Record<string, Value>; list: Value[] }>((tie) => ({
  node: fc.oneof({ depthSize: "small" }, scalar, tie("map"), tie("list")),
  map: fc.dictionary(keys, tie("node"), { maxKeys: 4 }),
  list: fc.array(tie("node"), { maxLength: 3 }),
}));

interface Style {
  width: number;
  sequenceAtKeyIndent: boolean;
  compact: boolean;
  comments: boolean;
  /** Collections sometimes written on one line in flow style (`[a, b]`, `{k: v}`). */
  flow: boolean;
}

/**
 * A naive block YAML writer with choices (indentation, sequence style, quoting, literal scalars, comments):
 * it writes strings as they are in whichever style it picks, so it writes invalid and surprising YAML too.
 */
function write(value: Value, style: Style, choose: () => number): string {
  const out: string[] = [];
  const comment = () => (style.comments && choose() < 0.15 ? "  # c" : "");
  const scalarText = (v: unknown, indent: number): string => {
    if (typeof v !== "string") return String(v);
    const r = choose();
    if (v.includes("\n") && r < 0.6) {
      const body = v.replace(/\n+$/, "");
      const chomp = v.endsWith("\n") ? "" : "-";
      return `|${chomp}\n${body
        .split("\n")
        .map((l) => (l === "" ? "" : `${" ".repeat(indent + style.width)}${l}`))
        .join("\n")}`;
    }
    if (r < 0.75) return v;
    if (r < 0.9) return JSON.stringify(v);
    return `'${v.replaceAll("'", "''")}'`;
  };
  /** A collection on one line in flow style, its strings as they are, JSON-quoted or single-quoted. */
  const flowText = (v: unknown): string => {
    const comma = choose() < 0.8 ? ", " : ",";
    if (Array.isArray(v)) return `[${v.map(flowText).join(comma)}]`;
    if (typeof v === "object" && v !== null)
      return `{${Object.entries(v)
        .map(([k, child]) => `${k}: ${flowText(child)}`)
        .join(comma)}}`;
    if (typeof v !== "string") return String(v);
    const r = choose();
    if (r < 0.6) return v;
    if (r < 0.85) return JSON.stringify(v);
    return `'${v.replaceAll("'", "''")}'`;
  };
  const isCollection = (v: unknown) => typeof v === "object" && v !== null;
  const node = (v: unknown, indent: number, prefix: string) => {
    const pad = " ".repeat(indent);
    if (style.flow && isCollection(v) && choose() < 0.4)
      return out.push(`${prefix} ${flowText(v)}${comment()}`);
    if (Array.isArray(v)) {
      if (v.length === 0) return out.push(`${prefix} []${comment()}`);
      out.push(`${prefix}${comment()}`);
      const itemIndent = style.sequenceAtKeyIndent && prefix.endsWith(":") ? indent : indent + style.width;
      for (const item of v) entry(item, itemIndent);
      return;
    }
    if (typeof v === "object" && v !== null) {
      const entries = Object.entries(v);
      if (entries.length === 0) return out.push(`${prefix} {}`);
      out.push(`${prefix}${comment()}`);
      for (const [k, child] of entries) keyed(k, child, indent + style.width);
      return;
    }
    out.push(`${prefix} ${scalarText(v, indent)}${comment()}`);
    void pad;
  };
  const keyed = (k: string, v: unknown, indent: number) => {
    if (style.comments && choose() < 0.1) out.push(`${" ".repeat(indent)}# note`);
    if (choose() < 0.05) out.push("");
    node(v, indent, `${" ".repeat(indent)}${k}:`);
  };
  const entry = (v: unknown, indent: number) => {
    const pad = " ".repeat(indent);
    if (
      typeof v === "object" &&
      v !== null &&
      !Array.isArray(v) &&
      style.compact &&
      Object.keys(v).length > 0
    ) {
      const [first, ...rest] = Object.entries(v);
      const inner = indent + 2;
      node(first![1], inner, `${pad}- ${first![0]}:`);
      for (const [k, child] of rest) keyed(k, child, inner);
      return;
    }
    if (style.flow && isCollection(v) && choose() < 0.4)
      return out.push(`${pad}- ${flowText(v)}${comment()}`);
    if ((typeof v === "object" && v !== null) || Array.isArray(v)) {
      if (Array.isArray(v) ? v.length === 0 : Object.keys(v as object).length === 0)
        return out.push(`${pad}- ${Array.isArray(v) ? "[]" : "{}"}`);
      out.push(`${pad}-`);
      const childIndent = indent + style.width;
      if (Array.isArray(v)) for (const item of v) entry(item, childIndent);
      else for (const [k, child] of Object.entries(v as object)) keyed(k, child, childIndent);
      return;
    }
    out.push(`${pad}- ${scalarText(v, indent)}${comment()}`);
  };
  if (style.flow && isCollection(value) && choose() < 0.2) out.push(flowText(value));
  else if (typeof value === "object" && value !== null && !Array.isArray(value))
    for (const [k, child] of Object.entries(value)) keyed(k, child, 0);
  else if (Array.isArray(value)) for (const item of value) entry(item, 0);
  else out.push(scalarText(value, 0));
  return `${out.join("\n")}\n`;
}

const styles = fc.record({
  width: fc.integer({ min: 1, max: 4 }),
  sequenceAtKeyIndent: fc.boolean(),
  compact: fc.boolean(),
  comments: fc.boolean(),
  flow: fc.boolean(),
});

describe("the block YAML reader agrees with the yaml library", () => {
  it("on naive block YAML of random values, in random styles", () => {
    let answered = 0;
    let answeredFlow = 0;
    fc.assert(
      fc.property(
        values.node,
        styles,
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (v, s, r) => {
          const random = r[Symbol.iterator]();
          const text = write(v, s, () => random.next().value as number);
          if (expectAgreement(text)) {
            answered++;
            if (/[[{][^\]}]/.test(text)) answeredFlow++;
          }
        },
      ),
      { numRuns: 3000, seed: 42 },
    );
    // The reader must answer most of the time, or the comparison proves little (and the fast path is idle).
    expect(answered).toBeGreaterThan(600);
    expect(answeredFlow).toBeGreaterThan(100);
  });

  it("on mutated texts: an edit either keeps agreement or makes the reader hand over", () => {
    const edits = fc.array(
      fc.record({
        at: fc.nat(),
        insert: fc.constantFrom(
          " ",
          "  ",
          "\n",
          "-",
          ":",
          "#",
          "'",
          '"',
          "|",
          "|+",
          ">",
          "&a ",
          "*a",
          "!",
          "\t",
          "- ",
          ": ",
          "[",
          "{",
          "\\",
          "---\n",
          "...\n",
          "%",
          "\r",
        ),
        remove: fc.nat({ max: 3 }),
      }),
      { minLength: 1, maxLength: 3 },
    );
    fc.assert(
      fc.property(values.map, styles, edits, (v, s, e) => {
        let text = write(v, s, () => 0.5);
        for (const { at, insert, remove } of e) {
          const p = at % (text.length + 1);
          text = text.slice(0, p) + insert + text.slice(p + remove);
        }
        if (text.split("\n").some((l) => /^(---|\.\.\.)(\s|$)/.test(l))) return; // streams: not one document
        expectAgreement(text);
      }),
      { numRuns: 4000, seed: 7 },
    );
  });

  it("reads every object of a generated cluster, as the yaml library writes them, itself", () => {
    const snapshot = generateCluster({
      seed: 5,
      tenants: 3,
      namespacesPerTenant: 3,
      deploymentsPerNamespace: 2,
      replicas: 2,
      policiesPerNamespace: 4,
      bindingsPerNamespace: 3,
      clusterRoleBindings: 5,
    });
    for (const object of allObjects(snapshot)) {
      for (const indentSeq of [true, false]) {
        const text = stringify(object, { indentSeq, lineWidth: 0, aliasDuplicateObjects: false });
        expect(expectAgreement(text), text).toBe(true);
      }
    }
  });
});

/** Everything the rest of the pipeline sees of a document. */
function observe(docs: RawDocument[], paths: Path[]) {
  return docs.map((d) => ({ value: d.value, origin: d.origin, positions: paths.map((p) => d.locate(p)) }));
}

describe("manifests read with and without the fast reader are the same", () => {
  const files = [
    ...readdirSync("test/sources/corpus").map((f) => join("test/sources/corpus", f)),
    ...readdirSync("examples", { recursive: true, encoding: "utf8" }).map((f) => join("examples", f)),
  ].filter((f) => /\.ya?ml$/.test(f));
  const paths: Path[] = [
    [],
    ["metadata"],
    ["metadata", "name"],
    ["spec", "containers", 0, "image"],
    ["nope"],
  ];
  it.each(files)("%s", (file) => {
    const text = readFileSync(file, "utf8");
    const withFast = parseDocuments(text, file);
    const without = parseDocuments(text, file, { blockFastPath: false, listFastPath: false });
    expect(withFast.diagnostics).toEqual(without.diagnostics);
    expect(observe(withFast.documents, paths)).toEqual(observe(without.documents, paths));
  });
});

describe("a stream read a document at a time equals the stream read whole", () => {
  const doc = (name: string, eol: string) =>
    ["apiVersion: v1", "kind: ServiceAccount", "metadata:", `  name: ${name}`, "  namespace: apps"].join(eol);
  it.each([
    ["LF", `${doc("a", "\n")}\n---\n${doc("b", "\n")}\n`],
    ["CRLF", `${doc("a", "\r\n")}\r\n---\r\n${doc("b", "\r\n")}\r\n`],
    ["no final line break", `---\n${doc("a", "\n")}\n--- \n${doc("b", "\n")}`],
    ["comments and empty documents", `# head\n---\n---\n${doc("a", "\n")}\n---\t# c\n# only a comment\n`],
    ["a lone carriage return", `${doc("a", "\n")}\n---\nkind: Pod\r metadata: {}\n`],
    ["a null", `${doc("a", "\n")}\n  labels: ~\n---\n${doc("b", "\n")}\n  annotations:\n`],
  ])("%s", (_, text) => {
    const withFast = parseDocuments(text, "s.yaml");
    const without = parseDocuments(text, "s.yaml", { blockFastPath: false, listFastPath: false });
    const paths: Path[] = [[], ["metadata", "name"], ["metadata", "labels"]];
    expect(withFast.diagnostics).toEqual(without.diagnostics);
    expect(observe(withFast.documents, paths)).toEqual(observe(without.documents, paths));
    // A document read by the fast reader says whether it holds a null, and is right.
    for (const d of withFast.documents)
      if (d.nullFree !== undefined) expect(d.nullFree).toBe(!containsNull(d.value));
  });
});

it("a document the fast reader read says whether it holds a null", () => {
  const text = "kind: Pod\nmetadata:\n  name: a\n  labels: ~\n---\nkind: Pod\nmetadata: {name: b}\n";
  expect(parseDocuments(text, "s.yaml").documents.map((d) => d.nullFree)).toEqual([false, true]);
});
