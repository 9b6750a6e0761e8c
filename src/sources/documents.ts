/**
 * Text → raw documents with positions. YAML (multi-document, Helm template output) and JSON; a document
 * that does not parse becomes a diagnostic with file:line, and the others in the file still load.
 */
import { type Document, LineCounter, type Node, parseAllDocuments, parseDocument } from "yaml";
import type { Diagnostic } from "../model/diagnostic.js";
import type { Origin } from "../model/origin.js";

export type Path = readonly (string | number)[];

/** One parsed document (or `List` item) and a way to find where a field of it was written. */
export interface RawDocument {
  value: unknown;
  /** Where the document starts. */
  origin: Origin;
  /** Where the field at `path` (relative to this document) was written; the nearest existing parent if absent. */
  locate(path: Path): Origin;
}

/** Aliases expanded per document before we give up: stops "billion laughs" alias bombs. */
const MAX_ALIAS_COUNT = 1000;

export function parseDocuments(
  text: string,
  file: string,
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
    try {
      const value: unknown = JSON.parse(text);
      return { documents: [lazyJsonDocument(value, text, file)], diagnostics: [] };
    } catch {
      // Not one JSON value (JSON lines, or YAML flow style): fall through to the YAML reader.
    }
  }
  const lineCounter = new LineCounter();
  const documents: RawDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  let parsed: Document.Parsed[];
  try {
    parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false }) as Document.Parsed[];
  } catch (error) {
    return {
      documents,
      diagnostics: [
        { severity: "error", message: `cannot parse: ${describe(error)}`, origin: at(file, 1, 1) },
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
      diagnostics.push({
        severity: "error",
        message: `invalid YAML: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}; document skipped`,
        origin: at(file, pos.line, pos.col),
      });
      continue;
    }
    if (doc.contents === null) continue; // an empty document (`---` alone, comments only)
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      diagnostics.push({
        severity: "error",
        message: `cannot read document: ${describe(error)}; document skipped`,
        origin: at(file, line, col),
      });
      continue;
    }
    documents.push(yamlDocument(value, doc, doc.contents as Node, lineCounter, file));
  }
  return { documents, diagnostics };
}

/** The items of a `List` (or `PodList`, …) as documents of their own, each with its own position. */
export function listItems(list: RawDocument): RawDocument[] {
  const items = (list.value as { items?: unknown }).items;
  if (!Array.isArray(items)) return [];
  return items.map((value, index) => ({
    value,
    origin: list.locate(["items", index]),
    locate: (path: Path) => list.locate(["items", index, ...path]),
  }));
}

function yamlDocument(
  value: unknown,
  doc: Document,
  root: Node,
  lineCounter: LineCounter,
  file: string,
): RawDocument {
  const locate = (path: Path): Origin => {
    for (let length = path.length; length >= 0; length--) {
      const node = length === 0 ? root : (doc.getIn(path.slice(0, length), true) as Node | undefined);
      const offset = node?.range?.[0];
      if (offset !== undefined) {
        const { line, col } = lineCounter.linePos(offset);
        return at(file, line, col);
      }
    }
    return at(file, 1, 1);
  };
  return { value, origin: locate([]), locate };
}

function lazyJsonDocument(value: unknown, text: string, file: string): RawDocument {
  let located: RawDocument | undefined;
  let items: Origin[] | undefined;
  const locate = (path: Path): Origin => {
    if (path.length === 0) return at(file, 1, 1);
    // Every item of a List asks where it starts: answer from one cheap scan, not a YAML re-parse of the
    // whole file (which took 10× longer than loading it). Deeper paths (diagnostics only) re-parse.
    if (path.length === 2 && path[0] === "items" && typeof path[1] === "number") {
      items ??= jsonListItemOrigins(text, file);
      const origin = items[path[1]];
      if (origin) return origin;
    }
    if (!located) {
      const lineCounter = new LineCounter();
      const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
      located = yamlDocument(value, doc, doc.contents as Node, lineCounter, file);
    }
    return located.locate(path);
  };
  return { value, origin: at(file, 1, 1), locate };
}

/**
 * Where each element of the top-level `"items"` array of a JSON object starts, by one scan of the text
 * (strings skipped, depth counted). Returns [] when the text has no such array.
 */
function jsonListItemOrigins(text: string, file: string): Origin[] {
  const origins: Origin[] = [];
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let lastKey = "";
  let inItems = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (inItems && depth === 2 && expectValue && c !== 93 /* ] */) {
      origins.push(at(file, line, i - lineStart + 1));
      expectValue = false;
    }
    if (c === 34 /* " */) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      if (depth === 1) lastKey = text.slice(start + 1, i);
      continue;
    }
    if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth === 2 && c === 91 && lastKey === "items") {
        inItems = true;
        expectValue = true;
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (depth === 1 && inItems) return origins;
    } else if (c === 44 /* , */ && inItems && depth === 2) {
      expectValue = true;
    }
  }
  return origins;
}

function at(file: string, line: number, column: number): Origin {
  return { file, line, column };
}

function describe(error: unknown): string {
  if (error instanceof RangeError) return "document is nested too deeply";
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}
