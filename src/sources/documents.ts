/**
 * Text → raw documents with positions. YAML (multi-document, Helm template output) and JSON; a document
 * that does not parse becomes a diagnostic with file:line, and the others in the file still load.
 */
import { Buffer } from "node:buffer";
import {
  type Document,
  isMap,
  isScalar,
  LineCounter,
  type Node,
  parseAllDocuments,
  parseDocument,
  visit,
} from "yaml";
import type { ValidationMode } from "../model/admission/admit.js";
import type { Diagnostic } from "../model/diagnostic.js";
import type { Path, RawDocument } from "../model/document.js";
import type { Origin } from "../model/origin.js";
import { forgetSharedText, readBlockYaml, simpleText } from "./block-yaml.js";
import { type JsonListScan, scanJsonList } from "./json-list-scan.js";
import { convertKeys } from "./yaml-keys.js";

export type { Path, RawDocument };

/** Aliases expanded per document before we give up: stops "billion laughs" alias bombs. */
const MAX_ALIAS_COUNT = 1000;

/**
 * Deeper documents are refused with a diagnostic: Kubernetes objects nest a few dozen levels, and
 * recursive code past the parser (schema validation, printing) would overflow the stack on deeper ones.
 */
export const MAX_DEPTH = 500;

export interface ParseOptions {
  /** Take a JSON List's depth and nulls from one scan of its text (default true); off only to prove it changes nothing. */
  jsonListFastPath?: boolean;
  /** Read a one-document YAML List item by item (default true); off only to prove it changes nothing. */
  listFastPath?: boolean;
  /** Read plain block YAML with the fast reader (default true); off only to prove it changes nothing. */
  blockFastPath?: boolean;
  /**
   * A YAML mapping that repeats a key, which kubectl (sigs.k8s.io/yaml, strict) refuses: `strict` skips the
   * document, `warn` (default) reads the last value with a warning, `ignore` reads it silently.
   */
  validate?: ValidationMode;
  /**
   * The scan of a JSON List text's bytes, when the caller has them (json-list-scan.ts: a large file's runs in
   * a worker while the text parses); asked at most once, and only of a text that parsed as JSON.
   */
  jsonListScan?: () => JsonListScan | undefined;
}

export function parseDocuments(
  text: string,
  file: string,
  options: ParseOptions = {},
): { documents: RawDocument[]; diagnostics: Diagnostic[] } {
  try {
    return parseText(text, file, options);
  } finally {
    forgetSharedText();
  }
}

function parseText(
  text: string,
  file: string,
  options: ParseOptions,
): { documents: RawDocument[]; diagnostics: Diagnostic[] } {
  if (text.includes("\u0000"))
    return {
      documents: [],
      diagnostics: [
        {
          severity: "error",
          message: "file is binary (contains NUL bytes), not YAML or JSON",
          origin: at(file, 1, 1),
        },
      ],
    };
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    // Plain JSON parses much faster than YAML; positions are found by re-reading as YAML only when asked.
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(text);
      parsed = true;
    } catch {
      // Not one JSON value (JSON lines, or YAML flow style): fall through to the YAML reader.
    }
    if (parsed) {
      const list = options.jsonListFastPath === false ? undefined : readJsonList(value, text, file, options);
      if (list) return list;
      if (tooDeep(value)) return { documents: [], diagnostics: [nestedTooDeeply(at(file, 1, 1))] };
      return { documents: [lazyJsonDocument(value, text, file)], diagnostics: [] };
    }
    const stream = splitJsonStream(text);
    if (stream) return parseJsonStream(stream, file);
  }
  if (options.listFastPath !== false) {
    const list = parseYamlList(text, file);
    if (list) return { documents: [list], diagnostics: [] };
  }
  if (options.blockFastPath !== false) {
    const stream = parseBlockYamlStream(text, file, options.validate);
    if (stream) return stream;
  }
  return parseYaml(text, file, 0, true, options.validate);
}

/**
 * A YAML stream read document by document: each with the fast block reader (block-yaml.ts), or, when a
 * document is outside its subset, with the `yaml` library (which also gives its errors). Positions are
 * computed only when a diagnostic asks (`locate`), by re-reading that one document with the library.
 * Streams with directives or `...` markers go to the library whole (undefined).
 */
function parseBlockYamlStream(
  text: string,
  file: string,
  validate: ValidationMode | undefined,
): { documents: RawDocument[]; diagnostics: Diagnostic[] } | undefined {
  // Where each document starts (0-based line and offset), found without splitting the text into lines: the
  // fast reader reads each document's lines in place.
  const starts: number[] = [0];
  const offsets: number[] = [0];
  let lines = 0;
  for (let pos = 0; ; lines++) {
    const c = text.charCodeAt(pos);
    if (c === 37 /* % */) return undefined;
    if ((c === 45 /* - */ || c === 46) /* . */ && markerAt(text, pos)) {
      if (c === 46) return undefined;
      if (pos > 0) {
        starts.push(lines);
        offsets.push(pos);
      }
    }
    const next = text.indexOf("\n", pos);
    if (next < 0) break;
    pos = next + 1;
  }
  const documents: RawDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const simple = simpleText(text);
  starts.forEach((start, n) => {
    const from = offsets[n]!;
    const to = offsets[n + 1] ?? text.length;
    const chunk = text.slice(from, to); // the document's own text
    const read = readBlockYaml(text, from, to, simple || simpleText(chunk));
    if (!read) {
      const result = parseYaml(chunk, file, start, false, validate);
      documents.push(...result.documents);
      diagnostics.push(...result.diagnostics);
      return;
    }
    if (read.value === null) return; // an empty document, skipped as kubectl does
    const origin = at(file, start + read.line + 1, read.column + 1);
    documents.push({
      ...lazyYamlDocument(read.value, () => chunk, file, start, origin),
      nullFree: !read.holdsNull,
    });
  });
  return { documents, diagnostics };
}

/** Whether the line at `pos` is a `---` or `...` marker (`^(---|\.\.\.)(?=[ \t\r]|$)`). */
function markerAt(text: string, pos: number): boolean {
  const c = text.charCodeAt(pos);
  if (text.charCodeAt(pos + 1) !== c || text.charCodeAt(pos + 2) !== c) return false;
  const after = text.charCodeAt(pos + 3);
  return Number.isNaN(after) || after === 10 || after === 32 || after === 9 || after === 13;
}

function parseYaml(
  text: string,
  file: string,
  lineOffset: number,
  splitOnFailure: boolean,
  validate: ValidationMode = "warn",
): { documents: RawDocument[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const documents: RawDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  let parsed: Document.Parsed[];
  try {
    parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false }) as Document.Parsed[];
  } catch (error) {
    // The parser gave up on the whole stream (a stack overflow on a deeply nested document): read the
    // documents one by one, so that only the bad one is lost.
    const chunks = splitOnFailure ? splitDocuments(text) : [];
    if (chunks.length > 1) {
      for (const chunk of chunks) {
        const result = parseYaml(chunk.text, file, lineOffset + chunk.line - 1, false, validate);
        documents.push(...result.documents);
        diagnostics.push(...result.diagnostics);
      }
      return { documents, diagnostics };
    }
    return {
      documents,
      diagnostics: [
        {
          severity: "error",
          message: `cannot parse: ${describe(error)}; document skipped`,
          origin: at(file, lineOffset + 1, 1),
        },
      ],
    };
  }
  if (!Array.isArray(parsed)) parsed = [parsed];
  for (const doc of parsed) {
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const { line, col } = lineCounter.linePos(start);
    if (doc.errors.length > 0) {
      const error = doc.errors[0]!;
      const pos = error.linePos?.[0] ?? { line, col };
      const message = /Maximum call stack size exceeded/.test(error.message)
        ? "document is nested too deeply"
        : error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      diagnostics.push({
        severity: "error",
        message: `invalid YAML: ${message}; document skipped`,
        origin: at(file, lineOffset + pos.line, pos.col),
      });
      continue;
    }
    // An empty document (`---` alone, comments only, Helm's disabled templates) or `null`: skipped, as
    // kubectl's StreamVisitor skips them.
    if (doc.contents === null) continue;
    // Repeated keys as the text writes them (before the keys become kubectl's strings).
    const repeated = validate === "ignore" ? [] : duplicateKeys(doc, lineCounter);
    let value: unknown;
    try {
      const keys = convertKeys(doc);
      if (keys) {
        const pos = keys.offset === undefined ? { line, col } : lineCounter.linePos(keys.offset);
        diagnostics.push({
          severity: "error",
          message: `${keys.message}; document skipped`,
          origin: at(file, lineOffset + pos.line, pos.col),
        });
        continue;
      }
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      diagnostics.push({
        severity: "error",
        message: `cannot read document: ${describe(error)}; document skipped`,
        origin: at(file, lineOffset + line, col),
      });
      continue;
    }
    if (value === null || value === undefined) continue;
    if (tooDeep(value)) {
      diagnostics.push(nestedTooDeeply(at(file, lineOffset + line, col)));
      continue;
    }
    if (repeated.length > 0) {
      // sigs.k8s.io/yaml's strict conversion, as kubectl reports it (go.yaml.in/yaml/v2 decode.go).
      const lines = repeated.map(
        (r) => `line ${lineOffset + r.line}: key ${JSON.stringify(r.key)} already set in map`,
      );
      const message = `error converting YAML to JSON: yaml: unmarshal errors: ${lines.join("; ")}`;
      const origin = at(file, lineOffset + repeated[0]!.line, repeated[0]!.column);
      if (validate === "strict") {
        diagnostics.push({ severity: "error", message: `${message}; document skipped`, origin });
        continue;
      }
      diagnostics.push({
        severity: "warning",
        message: `${message}; kubectl refuses this document, read here with the last value of each key`,
        origin,
      });
    }
    documents.push(yamlDocument(value, doc, doc.contents as Node, lineCounter, file, lineOffset));
  }
  return { documents, diagnostics };
}

/**
 * Whether a line starts with `---`, `...` or `%` (`/^(---|\.\.\.|%)/m`, whose lines also end at CR, U+2028
 * and U+2029): found by searching the text for each, which is rarer than a line start.
 */
function markerLine(text: string): boolean {
  for (const marker of ["---", "...", "%"])
    for (let k = text.indexOf(marker); k !== -1; k = text.indexOf(marker, k + 1)) {
      const before = text.charCodeAt(k - 1);
      if (k === 0 || before === 10 || before === 13 || before === 0x2028 || before === 0x2029) return true;
    }
  return false;
}

/**
 * A YAML List read item by item: `kubectl get -o yaml` of a large cluster is one document whose `items:`
 * holds everything, and reading it whole keeps a syntax tree of ~70 bytes per input byte (2 GB for 30 MB).
 * The items are cut at their `- ` lines and each is parsed alone; positions are the same as reading the
 * whole document. Any surprise (other documents, directives, an item that does not parse alone, e.g. an
 * alias to an anchor in another item) returns undefined, and the general reader takes over.
 */
export function parseYamlList(text: string, file: string): RawDocument | undefined {
  if (markerLine(text)) return undefined;
  const key = /^items:[ \t]*(#.*)?\r?\n/m.exec(text);
  if (!key) return undefined;
  // The text is never split into lines: the fast reader reads each item's lines in place.
  const crlf = text.includes("\r"); // YAML reads CRLF as LF
  const total = countLines(text, 0, text.length) + 1; // as text.split("\n") counts them
  /** The line starting at offset `from`, without its LF or CRLF. */
  const lineAt = (from: number): string => {
    const to = text.indexOf("\n", from);
    if (to < 0) return text.slice(from);
    return text.slice(from, crlf && text.charCodeAt(to - 1) === 13 ? to - 1 : to);
  };
  const keyLine = countLines(text, 0, key.index); // 0-based line of `items:`
  const keyStart = key.index === 0 ? 0 : text.lastIndexOf("\n", key.index - 1) + 1;
  // `^` also matches after U+2028
  if (keyStart !== key.index || !/^items:[ \t]*(#.*)?$/.test(lineAt(keyStart))) return undefined;
  let indent: string | undefined;
  // 0-based lines [start, end), and the offsets [from, to) of their text
  const items: { start: number; end: number; column: number; from: number; to: number }[] = [];
  let end = total;
  let endOffset = text.length;
  let pos = text.indexOf("\n", keyStart) + 1;
  for (let i = keyLine + 1; i < total; i++) {
    const next = i + 1 < total ? text.indexOf("\n", pos) + 1 : text.length;
    let k = pos;
    while (text.charCodeAt(k) === 32) k++;
    const c = text.charCodeAt(k);
    // A blank or comment line (`^\s*(#.*)?$`) is part of the item before it.
    if ((c > 32 && c < 128 && c !== 35) /* # */ || !/^\s*(#.*)?$/.test(lineAt(pos))) {
      if (indent === undefined) {
        const first = /^( *)- /.exec(lineAt(pos));
        if (!first) return undefined; // `items: []`, a flow sequence, or an item starting on the next line
        indent = first[1]!;
      }
      // k - pos spaces lead the line: compared with the items' indent, they tell `${indent}- `, more, or less.
      if (k - pos === indent.length && c === 45 /* - */ && text.charCodeAt(k + 1) === 32) {
        const line = lineAt(pos);
        const column = line.slice(indent.length + 2).search(/\S/);
        if (column < 0 || line[indent.length + 2 + column] === "#") return undefined;
        items.push({ start: i, end: i + 1, column: indent.length + 2 + column + 1, from: pos, to: pos });
      } else if (k - pos > indent.length) {
        // more indented: the current item goes on
      } else if (indent === "" || k === pos) {
        end = i; // the next top-level key
        endOffset = pos;
        break;
      } else {
        return undefined;
      }
    }
    pos = next;
  }
  if (items.length === 0 || (end < total && /^items:/m.test(text.slice(endOffset)))) return undefined;
  // An item runs to the next one, blank lines and comments included (a `|+` scalar keeps trailing blanks).
  items.forEach((item, k) => {
    item.end = items[k + 1]?.start ?? end;
    item.to = items[k + 1]?.from ?? endOffset;
  });
  // The rest of the document, with `items: []` where the items were, its lines where they were. Only where
  // its content starts is asked of the fast reader, which is at or before `items:`: it reads the rest without
  // the blank lines that keep the later lines' numbers.
  const rest = end < total ? `\n${text.slice(endOffset)}` : "";
  const skeletonText = () => `${text.slice(0, keyStart)}items: []${"\n".repeat(end - keyLine - 1)}${rest}`;
  let value: unknown;
  let skeletonStart: Origin | undefined;
  const compactSkeleton = `${text.slice(0, keyStart)}items: []${rest}`;
  const fastSkeleton = readBlockYaml(compactSkeleton, 0, compactSkeleton.length);
  if (fastSkeleton) {
    value = fastSkeleton.value;
    skeletonStart = at(file, fastSkeleton.line + 1, fastSkeleton.column + 1);
  } else {
    const counter = new LineCounter();
    const skeleton = parseDocument(skeletonText(), { lineCounter: counter, uniqueKeys: false });
    if (skeleton.errors.length > 0 || !skeleton.contents) return undefined;
    if (duplicateKeys(skeleton, counter).length > 0) return undefined; // the general reader reports them
    try {
      if (convertKeys(skeleton)) return undefined; // and a key kubectl refuses
      value = skeleton.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch {
      return undefined;
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || tooDeep(value)) return undefined;
  // Every line but the last of the text ended with a line break; keep them (a `|+` scalar counts them).
  const chunkText = (item: { from: number; to: number }) => text.slice(item.from, item.to);
  const values: unknown[] = [];
  const nullFree = new Uint8Array(items.length);
  const simple = simpleText(text);
  for (const item of items) {
    const fast = readBlockYaml(text, item.from, item.to, simple || simpleText(chunkText(item)));
    if (Array.isArray(fast?.value) && fast.value.length === 1) {
      if (!fast.holdsNull) nullFree[values.length] = 1;
      values.push(fast.value[0]);
      continue;
    }
    const counter = new LineCounter();
    const doc = parseDocument(chunkText(item), { lineCounter: counter, uniqueKeys: false });
    if (doc.errors.length > 0) return undefined;
    if (duplicateKeys(doc, counter).length > 0) return undefined; // the general reader reports them
    let parsed: unknown;
    try {
      if (convertKeys(doc)) return undefined; // and a key kubectl refuses
      parsed = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || parsed.length !== 1 || tooDeep(parsed[0], 2)) return undefined;
    values.push(parsed[0]);
  }
  const list = { ...(value as Record<string, unknown>), items: values };
  const skeletonDoc = lazyYamlDocument(list, skeletonText, file, 0, skeletonStart);
  const locateInItem = (index: number, path: Path): Origin => {
    const item = items[index]!;
    if (path.length === 0) return at(file, item.start + 1, item.column);
    const counter = new LineCounter();
    const doc = parseDocument(chunkText(item), { lineCounter: counter, uniqueKeys: false });
    convertKeys(doc); // paths name keys as kubectl does (`1.5`, `true`)
    return yamlDocument(values[index], doc, doc.contents as Node, counter, file, item.start).locate([
      0,
      ...path,
    ]);
  };
  const sequence = at(file, items[0]!.start + 1, indent!.length + 1); // where `- ` of the first item is
  return {
    value: list,
    nullFreeItems: nullFree,
    origin: skeletonDoc.origin,
    locate: (path) => {
      if (path[0] !== "items") return skeletonDoc.locate(path);
      if (path.length === 1) return sequence;
      return typeof path[1] === "number" && path[1] < items.length
        ? locateInItem(path[1], path.slice(2))
        : sequence;
    },
  };
}

/** Keys a mapping of the document repeats (1-based positions of the repeats), as strict decoding finds them. */
function duplicateKeys(
  doc: Document.Parsed | Document,
  lineCounter: LineCounter,
): { key: string; line: number; column: number }[] {
  const found: { key: string; line: number; column: number }[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const value = pair.key.value;
        const identity = `${typeof value}:${String(value)}`;
        if (seen.has(identity)) {
          const { line, col } = lineCounter.linePos(pair.key.range?.[0] ?? 0);
          found.push({ key: String(value), line, column: col });
        }
        seen.add(identity);
      }
    },
  });
  return found;
}

/** The documents of a YAML stream as separate texts, split at `---` lines, with their first line. */
function splitDocuments(text: string): { text: string; line: number }[] {
  const chunks: { text: string; line: number }[] = [];
  const marker = /^---(?=[ \t\r]|$)/gm;
  let start = 0;
  let startLine = 1;
  let line = 1;
  let scanned = 0;
  for (const match of text.matchAll(marker)) {
    if (match.index === 0) continue;
    line += countLines(text, scanned, match.index);
    scanned = match.index;
    chunks.push({ text: text.slice(start, match.index), line: startLine });
    start = match.index;
    startLine = line;
  }
  chunks.push({ text: text.slice(start), line: startLine });
  return chunks;
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i !== -1 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * Whether `value` nests deeper than MAX_DEPTH (an object or list at depth MAX_DEPTH). Recursive but bounded
 * by MAX_DEPTH frames, so it cannot overflow itself; allocates nothing (it walks every value read).
 */
function tooDeep(value: unknown, depthOfValue = 0): boolean {
  return typeof value === "object" && value !== null && nestsTooDeep(value, depthOfValue);
}

function nestsTooDeep(item: object, depth: number): boolean {
  if (depth >= MAX_DEPTH) return true;
  if (Array.isArray(item)) {
    for (const child of item)
      if (typeof child === "object" && child !== null && nestsTooDeep(child, depth + 1)) return true;
    return false;
  }
  // Parsed values are plain objects: for-in sees exactly their own keys (an own `__proto__` key included).
  for (const key in item) {
    const child = (item as Record<string, unknown>)[key];
    if (typeof child === "object" && child !== null && nestsTooDeep(child, depth + 1)) return true;
  }
  return false;
}

function nestedTooDeeply(origin: Origin): Diagnostic {
  return {
    severity: "error",
    message: `document is nested more than ${MAX_DEPTH} levels deep, not a Kubernetes object; document skipped`,
    origin,
  };
}

/**
 * The items of a `List` (or `PodList`, …) as documents of their own, each with its own position, made one
 * at a time as they are asked for (so that each is garbage once admitted).
 */
export function* listItems(list: RawDocument): Generator<RawDocument> {
  const { items, kind, apiVersion } = list.value as { items?: unknown; kind?: unknown; apiVersion?: unknown };
  if (!Array.isArray(items)) return;
  // The API server leaves kind and apiVersion out of the items of a typed list (`PodList` from
  // `kubectl get --raw`, client libraries): they are the list's own, without "List".
  const itemKind =
    typeof kind === "string" && kind !== "List" && kind.endsWith("List") ? kind.slice(0, -4) : undefined;
  for (let index = 0; index < items.length; index++) {
    const item: unknown = items[index];
    yield new ListItem(
      itemKind && typeof item === "object" && item !== null && !Array.isArray(item) && !("kind" in item)
        ? { apiVersion, kind: itemKind, ...item }
        : item,
      list,
      index,
    );
  }
}

/** An item of a List: its fields are found through the list (a method, not a closure per item). */
class ListItem implements RawDocument {
  readonly origin: Origin;
  readonly nullFree: boolean;
  readonly owned: boolean;

  constructor(
    readonly value: unknown,
    private readonly list: RawDocument,
    private readonly index: number,
  ) {
    this.origin = list.locate(["items", index]);
    this.nullFree = list.nullFreeItems?.[index] === 1;
    this.owned = list.owned === true;
  }

  locate(path: Path): Origin {
    return this.list.locate(["items", this.index, ...path]);
  }
}

/**
 * A document read by the fast reader: positions other than its start come from re-reading its text with
 * the `yaml` library, once, when a diagnostic first asks. `origin` undefined: ask the library for it too.
 */
function lazyYamlDocument(
  value: unknown,
  text: () => string,
  file: string,
  lineOffset: number,
  origin: Origin | undefined,
): RawDocument {
  let located: RawDocument | undefined;
  const locate = (path: Path): Origin => {
    if (!located) {
      const lineCounter = new LineCounter();
      const doc = parseDocument(text(), { lineCounter, uniqueKeys: false });
      located = yamlDocument(value, doc, doc.contents as Node, lineCounter, file, lineOffset);
    }
    return located.locate(path);
  };
  return { value, origin: origin ?? locate([]), locate };
}

function yamlDocument(
  value: unknown,
  doc: Document,
  root: Node,
  lineCounter: LineCounter,
  file: string,
  lineOffset = 0,
): RawDocument {
  const locate = (path: Path): Origin => {
    for (let length = path.length; length >= 0; length--) {
      const node = length === 0 ? root : (doc.getIn(path.slice(0, length), true) as Node | undefined);
      const offset = node?.range?.[0];
      if (offset !== undefined) {
        const { line, col } = lineCounter.linePos(offset);
        return at(file, lineOffset + line, col);
      }
    }
    return at(file, 1, 1);
  };
  return { value, origin: locate([]), locate };
}

/**
 * A stream of JSON values one after another (`jq -c '.items[]'`, JSON lines), which kubectl's
 * YAMLOrJSONDecoder reads: the text of each top-level value and its first line; undefined when the text
 * is not such a stream.
 */
function splitJsonStream(text: string): { text: string; line: number }[] | undefined {
  const values: { text: string; line: number }[] = [];
  let depth = 0;
  let start = -1;
  let startLine = 1;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") line++;
    if (depth === 0) {
      if (c === "{" || c === "[") {
        start = i;
        startLine = line;
      } else if (!/\s/.test(c)) return undefined;
    }
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) values.push({ text: text.slice(start, i + 1), line: startLine });
      if (depth < 0) return undefined;
    }
  }
  return depth === 0 && values.length > 1 ? values : undefined;
}

function parseJsonStream(
  values: { text: string; line: number }[],
  file: string,
): { documents: RawDocument[]; diagnostics: Diagnostic[] } {
  const documents: RawDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const { text, line } of values) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      diagnostics.push({
        severity: "error",
        message: `invalid JSON: ${describe(error)}; document skipped`,
        origin: at(file, line, 1),
      });
      continue;
    }
    if (tooDeep(value)) diagnostics.push(nestedTooDeeply(at(file, line, 1)));
    else documents.push(lazyJsonDocument(value, text, file, line - 1));
  }
  return { documents, diagnostics };
}

/**
 * A JSON List (`kubectl get -o json`, `kubefence snapshot`), parsed whole: one scan of its text gives where
 * each item starts, how deep the text nests (so that no walk of the parsed tree checks it) and which items
 * hold no `null` (so that decoding skips its walk of them). Parsing the items one by one is no faster.
 * Undefined when the text has no top-level `items` array.
 */
function readJsonList(
  value: unknown,
  text: string,
  file: string,
  options: ParseOptions,
): { documents: RawDocument[]; diagnostics: Diagnostic[] } | undefined {
  const scan = options.jsonListScan ? options.jsonListScan() : scanJsonList(Buffer.from(text), file, 0);
  if (!scan) return undefined;
  // The text nests at least as deep as the value it parsed to (a repeated key drops a value): only a deep text needs the walk.
  if (scan.maxDepth > MAX_DEPTH && tooDeep(value))
    return { documents: [], diagnostics: [nestedTooDeeply(at(file, 1, 1))] };
  const doc = lazyJsonDocument(value, text, file, 0, scan.origins);
  const items = (value as { items?: unknown }).items;
  // Which items hold a null is known of the array the scan read, which is `items` only when no other key could be.
  const same = !scan.dubious && Array.isArray(items) && items.length === scan.origins.length;
  if (same) doc.nullFreeItems = scan.nullFree;
  return { documents: [doc], diagnostics: [] };
}

function lazyJsonDocument(
  value: unknown,
  text: string,
  file: string,
  lineOffset = 0,
  itemOrigins?: Origin[],
): RawDocument {
  return new JsonDocument(value, text, file, lineOffset, itemOrigins);
}

/**
 * A JSON document whose positions are found when asked. A class, not a closure over the text: V8 inlines a
 * closure called once per item into optimized code that then keeps its context, and with it the whole text,
 * alive as long as the code lives (24 MB for the medium cluster, kept through the whole run).
 */
class JsonDocument implements RawDocument {
  readonly origin: Origin;
  /** JSON.parse shares no object between two places, and nothing reads the value but admission. */
  readonly owned = true;
  private located: RawDocument | undefined;

  constructor(
    readonly value: unknown,
    private readonly text: string,
    private readonly file: string,
    private readonly lineOffset: number,
    private items: Origin[] | undefined,
  ) {
    this.origin = at(file, lineOffset + 1, 1);
  }

  locate(path: Path): Origin {
    if (path.length === 0) return at(this.file, this.lineOffset + 1, 1);
    // Every item of a List asks where it starts: answer from one cheap scan, not a YAML re-parse of the
    // whole file (which took 10× longer than loading it). Deeper paths (diagnostics only) re-parse.
    if (path.length === 2 && path[0] === "items" && typeof path[1] === "number") {
      this.items ??= scanJsonList(Buffer.from(this.text), this.file, this.lineOffset)?.origins ?? [];
      // prototype-safe: path[1] is a number, an index into an array
      const origin = this.items[path[1]];
      if (origin) return origin;
    }
    if (!this.located) {
      const lineCounter = new LineCounter();
      const doc = parseDocument(this.text, { lineCounter, uniqueKeys: false });
      this.located = yamlDocument(
        this.value,
        doc,
        doc.contents as Node,
        lineCounter,
        this.file,
        this.lineOffset,
      );
    }
    return this.located.locate(path);
  }
}

function at(file: string, line: number, column: number): Origin {
  return { file, line, column };
}

function describe(error: unknown): string {
  if (error instanceof RangeError) return "document is nested too deeply";
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}
