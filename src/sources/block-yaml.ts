/**
 * A fast reader for the plain block YAML that manifests are nearly always written in (`kubectl get -o yaml`,
 * `helm template`): block mappings and sequences, plain and one-line quoted scalars, literal block scalars,
 * one-line flow collections (`[a, "b c"]`, `{cpu: 10m, memory: 64Mi}`, a whole document as one `{…}` line),
 * comments. It gives exactly what the `yaml` library gives for the same text (YAML 1.2 core schema,
 * duplicate keys last-wins) and is ~20× faster; a property test holds it to that. Anything else (anchors,
 * aliases, tags, flow collections over several lines, folded or multi-line scalars, tabs, directives, odd
 * keys, any error) makes it return undefined, and the caller reads the document with the `yaml` library
 * instead.
 */

/** Thrown inside the reader when the text leaves the subset; never escapes it. */
const UNSUPPORTED = Symbol("unsupported");

/** The nesting past which the reader hands over to the full parser (its own depth checks apply there). */
const MAX_NESTING = 100;

/**
 * Plain keys the reader takes as written, `[A-Za-z_][A-Za-z0-9_./-]*` then `:` and a space or the line's
 * end; `yaml` reads other keys alike or not. KEY_CHAR[c]: 1 may start a key, 2 may continue one.
 */
const KEY_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) KEY_CHAR[c] = 1;
  else if (/[0-9./-]/.test(ch)) KEY_CHAR[c] = 2;
}
/** Keys that YAML 1.2 core resolves to null or a boolean, so their JavaScript key is not their text. */
const RESOLVED_KEY = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
/** Characters outside YAML's printable set, tabs, line breaks other than LF, and non-BMP (left to the parser). */
const NOT_SIMPLE = /[^\x0A\x20-\x7E\u00A0-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]/;
/** A double-quoted scalar whose escapes are JSON's (`\uXXXX`, `\n`, `\"`, …), so JSON.parse reads it. */
const JSON_STRING = /"(?:[^"\\]|\\["\\/bfnrt]|\\u[0-9A-Fa-f]{4})*"/y;
const SINGLE_QUOTED = /'((?:[^']|'')*)'/y;
const LITERAL_HEADER = /\|(-?)(?: +(?:#.*)?)?$/y;
/** A plain scalar inside a flow collection, as far as the reader takes them: no spaces, `:`, `#` or indicators. */
const FLOW_PLAIN = /[^\s,[\]{}#:'"&*!|>%@`?]+/y;
const AFTER_SCALAR = /(?: +(?:#.*)?)?$/y;

export interface BlockYamlDocument {
  value: unknown;
  /** 0-based line and column where the document's content starts (as the `yaml` library places it). */
  line: number;
  column: number;
  /** Whether a `null` is anywhere in `value` (so that no one needs to walk it to find out). */
  holdsNull: boolean;
}

/** Whether `text` holds only characters the reader takes (one test of a whole document, not one a line). */
export function simpleText(text: string): boolean {
  return !NOT_SIMPLE.test(text);
}

/**
 * Reads lines [start, end) as one YAML document (a leading `---` line allowed). `endsWithBreak`: whether
 * line end-1 is followed by a line break (false for the last line of a file without a final newline).
 * `simple`: the caller found the lines' text simpleText(). Returns undefined when the document is outside
 * the subset; `value` is null for an empty document.
 */
export function readBlockYaml(
  lines: readonly string[],
  start: number,
  end: number,
  endsWithBreak: boolean,
  simple = false,
): BlockYamlDocument | undefined {
  try {
    return new Reader(lines, start, end, endsWithBreak, simple).document();
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}

function unsupported(): never {
  throw UNSUPPORTED;
}

class Reader {
  private i: number;
  private depth = 0;
  /** The indentation of the line nextContent() last stopped at. */
  private indent = 0;
  /** The cursor nextContent() last returned: asked again, it has nothing to scan. */
  private scanned = -1;
  /** Whether a value read so far is null. */
  private sawNull = false;

  constructor(
    private readonly lines: readonly string[],
    start: number,
    private readonly end: number,
    private readonly endsWithBreak: boolean,
    private readonly simple: boolean,
  ) {
    this.i = start;
  }

  document(): BlockYamlDocument {
    const first = this.lines[this.i];
    if (first?.startsWith("---")) {
      if (!matchesAt(AFTER_SCALAR, first, 3)) unsupported(); // content on the `---` line
      this.i++;
    }
    if (!this.simple)
      for (let k = this.i; k < this.end; k++) if (NOT_SIMPLE.test(this.lines[k]!)) unsupported();
    const j = this.nextContent();
    if (j === this.end) return { value: null, line: 0, column: 0, holdsNull: false };
    const column = this.indent;
    const c = this.lines[j]!.charCodeAt(column);
    // A document that is one flow collection on one line: `{apiVersion: v1, kind: Pod, …}`.
    const value =
      c === 91 /* [ */ || c === 123 /* { */ ? this.flowLine(j, column) : this.collection(j, column);
    if (this.nextContent() !== this.end) unsupported(); // something less indented after the root node
    return { value, line: j, column, holdsNull: this.sawNull };
  }

  /** The next line that is neither blank nor a comment (from the cursor, which moves there). */
  private nextContent(): number {
    if (this.i === this.scanned) return this.i;
    while (this.i < this.end) {
      const line = this.lines[this.i]!;
      const indent = indentOf(line);
      if (indent < line.length && line.charCodeAt(indent) !== 35 /* # */) {
        this.indent = indent;
        break;
      }
      this.i++;
    }
    this.scanned = this.i;
    return this.i;
  }

  /** The block collection whose first entry is on line `j` at `column` (a mapping or a sequence). */
  private collection(j: number, column: number): unknown {
    if (++this.depth > MAX_NESTING) unsupported();
    const line = this.lines[j]!;
    let value: unknown;
    if (isSequenceEntry(line, column)) value = this.sequence(column);
    else if (keyEnd(line, column) > 0) value = this.mapping(column, j);
    else unsupported(); // a scalar alone on its line (multi-line or top-level scalar), or an odd key
    this.depth--;
    return value;
  }

  /** The node below `key:` or `-` with nothing after it: more indented, or a sequence at the key's indent. */
  private nested(parentIndent: number, sequenceAtParent: boolean): unknown {
    const j = this.nextContent();
    const indent = this.indent;
    if (j < this.end && indent > parentIndent) return this.collection(j, indent);
    if (
      j < this.end &&
      sequenceAtParent &&
      indent === parentIndent &&
      isSequenceEntry(this.lines[j]!, indent)
    )
      return this.collection(j, indent);
    this.sawNull = true;
    return null;
  }

  /** A block mapping at `indent`; its first entry may start mid-line (`- key: value`) on line `firstLine`. */
  private mapping(indent: number, firstLine: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    let j = firstLine;
    for (;;) {
      const line = this.lines[j]!;
      const colon = keyEnd(line, indent);
      if (colon < 0) unsupported();
      const name = line.slice(indent, colon);
      const first = line.charCodeAt(indent);
      // n N t T f F _: the first letters of null, true, false and __proto__
      if (
        (first === 110 ||
          first === 78 ||
          first === 116 ||
          first === 84 ||
          first === 102 ||
          first === 70 ||
          first === 95) &&
        (RESOLVED_KEY.test(name) || name === "__proto__")
      )
        unsupported();
      let p = colon + 1;
      while (line.charCodeAt(p) === 32) p++;
      // A repeated key: the general reader takes over, to report it (kubectl refuses duplicate keys).
      if (Object.hasOwn(map, name)) unsupported();
      this.i = j + 1;
      // prototype-safe: `__proto__` hands over above; any other key is an own property, as JSON.parse makes it
      map[name] =
        p === line.length || line.charCodeAt(p) === 35
          ? this.nested(indent, true)
          : this.inline(line, p, indent);
      j = this.nextContent();
      if (j === this.end || this.indent < indent) break;
      if (this.indent > indent) unsupported();
      if (isSequenceEntry(this.lines[j]!, indent)) unsupported(); // `- ` after a key with a value
    }
    return map;
  }

  /** A block sequence whose `-` entries are at `indent`. */
  private sequence(indent: number): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      const j = this.nextContent();
      if (j === this.end || this.indent < indent) break;
      if (this.indent > indent) unsupported();
      const line = this.lines[j]!;
      if (!isSequenceEntry(line, indent)) break; // the parent mapping's next key, when at its indent
      let p = indent + 1;
      while (line.charCodeAt(p) === 32) p++;
      this.i = j + 1;
      if (p === line.length || line.charCodeAt(p) === 35) items.push(this.nested(indent, false));
      else if (keyEnd(line, p) > 0) {
        if (++this.depth > MAX_NESTING) unsupported();
        items.push(this.mapping(p, j));
        this.depth--;
      } else items.push(this.inline(line, p, indent));
    }
    return items;
  }

  /** The value at `line[p]`, after `key: ` or `- `, on the line before the cursor; `parentIndent` is the collection's. */
  private inline(line: string, p: number, parentIndent: number): unknown {
    let value: unknown;
    const c = line[p]!;
    if (c === "|") {
      LITERAL_HEADER.lastIndex = p;
      const header = LITERAL_HEADER.exec(line);
      if (!header) unsupported(); // `|+`, indentation indicators
      return this.literal(parentIndent, header[1] === "-");
    }
    if (c === '"') {
      JSON_STRING.lastIndex = p;
      const quoted = JSON_STRING.exec(line);
      if (!quoted || !matchesAt(AFTER_SCALAR, line, p + quoted[0].length)) unsupported();
      value = JSON.parse(quoted[0]);
    } else if (c === "'") {
      SINGLE_QUOTED.lastIndex = p;
      const quoted = SINGLE_QUOTED.exec(line);
      if (!quoted || !matchesAt(AFTER_SCALAR, line, p + quoted[0].length)) unsupported();
      value = quoted[1]!.replaceAll("''", "'");
    } else if (c === "[" || c === "{") {
      const flow = new FlowReader(line, p, this.depth);
      value = flow.value();
      if (!matchesAt(AFTER_SCALAR, line, flow.p)) unsupported();
      if (flow.sawNull) this.sawNull = true;
    } else {
      // Indicators that start something else (anchors, aliases, tags, folded scalars, …), and `- ` here.
      if ("&*!?%@`>,]}:#".includes(c) || isSequenceEntry(line, p)) unsupported();
      const comment = line.indexOf(" #", p);
      let end = comment === -1 ? line.length : comment;
      while (line.charCodeAt(end - 1) === 32) end--; // spaces only: JavaScript's trim takes more
      const plain = line.slice(p, end);
      if (plain.includes(": ") || plain.endsWith(":")) unsupported();
      value = resolvePlain(plain);
      if (value === null) this.sawNull = true;
    }
    // A more indented line after a one-line scalar continues it (a multi-line scalar) or is an error.
    if (this.nextContent() < this.end && this.indent > parentIndent) unsupported();
    return value;
  }

  /** A root flow collection alone on line `j` (at `column`), with nothing more in the document. */
  private flowLine(j: number, column: number): unknown {
    const line = this.lines[j]!;
    const flow = new FlowReader(line, column, this.depth);
    const value = flow.value();
    if (!matchesAt(AFTER_SCALAR, line, flow.p)) unsupported();
    if (flow.sawNull) this.sawNull = true;
    this.i = j + 1;
    return value;
  }

  /** A literal block scalar (`|`, `|-`) whose header was on the line before the cursor. */
  private literal(parentIndent: number, strip: boolean): string {
    let k = this.i;
    let leadingEmpty = 0;
    while (k < this.end && isSpaces(this.lines[k]!))
      leadingEmpty = Math.max(leadingEmpty, this.lines[k++]!.length);
    if (k === this.end) unsupported(); // empty scalar: rare, and its chomping has edge cases
    const indent = indentOf(this.lines[k]!);
    if (indent <= parentIndent || leadingEmpty > indent) unsupported();
    const body: string[] = [];
    for (k = this.i; k < this.end; k++) {
      const line = this.lines[k]!;
      if (isSpaces(line)) {
        if (line.length > indent) unsupported(); // spaces that would be content
        body.push("");
      } else if (indentOf(line) >= indent) body.push(line.slice(indent));
      else break;
    }
    if (k === this.end && !this.endsWithBreak) unsupported();
    this.i = k;
    let last = body.length;
    while (last > 0 && body[last - 1] === "") last--;
    const text = body.slice(0, last).join("\n");
    return strip ? text : `${text}\n`;
  }
}

/**
 * A flow collection that opens and closes on one line: `[` or `{`, entries separated by `, `, nested
 * collections, JSON-escaped double-quoted, single-quoted and plain scalars (FLOW_PLAIN), and in mappings
 * plain keys (as in block mappings) followed by `: `. A trailing comma, an empty entry, a key without a
 * value, or anything else hands over.
 */
class FlowReader {
  /** Whether a scalar read is null. */
  sawNull = false;

  constructor(
    private readonly line: string,
    /** Where the reader is: after value(), just past the closing bracket. */
    public p: number,
    private depth: number,
  ) {}

  value(): unknown {
    const c = this.line.charCodeAt(this.p);
    if (c === 91 /* [ */) return this.sequence();
    if (c === 123 /* { */) return this.mapping();
    return this.scalar();
  }

  private sequence(): unknown[] {
    if (++this.depth > MAX_NESTING) unsupported();
    const items: unknown[] = [];
    this.p++;
    this.spaces();
    if (this.line.charCodeAt(this.p) !== 93 /* ] */)
      for (;;) {
        items.push(this.value());
        if (this.separator(93)) break;
      }
    this.p++;
    this.depth--;
    return items;
  }

  private mapping(): Record<string, unknown> {
    if (++this.depth > MAX_NESTING) unsupported();
    const map: Record<string, unknown> = {};
    this.p++;
    this.spaces();
    if (this.line.charCodeAt(this.p) !== 125 /* } */)
      for (;;) {
        const colon = keyEnd(this.line, this.p);
        // `{a:1}` is one plain scalar in YAML 1.2's flow context, not a pair: only `key: ` is taken.
        if (colon < 0 || this.line.charCodeAt(colon + 1) !== 32) unsupported();
        const name = this.line.slice(this.p, colon);
        if (RESOLVED_KEY.test(name) || name === "__proto__" || Object.hasOwn(map, name)) unsupported();
        this.p = colon + 1;
        this.spaces();
        // prototype-safe: `__proto__` hands over above; any other key is an own property
        map[name] = this.value();
        if (this.separator(125)) break;
      }
    this.p++;
    this.depth--;
    return map;
  }

  private scalar(): unknown {
    const c = this.line[this.p];
    if (c === '"') {
      JSON_STRING.lastIndex = this.p;
      const quoted = JSON_STRING.exec(this.line);
      if (!quoted) unsupported();
      this.p += quoted[0].length;
      return JSON.parse(quoted[0]);
    }
    if (c === "'") {
      SINGLE_QUOTED.lastIndex = this.p;
      const quoted = SINGLE_QUOTED.exec(this.line);
      if (!quoted) unsupported();
      this.p += quoted[0].length;
      return quoted[1]!.replaceAll("''", "'");
    }
    FLOW_PLAIN.lastIndex = this.p;
    const plain = FLOW_PLAIN.exec(this.line);
    // `-` alone or before a space is an indicator; `-x`, `-1` are plain scalars.
    if (!plain || plain[0] === "-") unsupported();
    this.p += plain[0].length;
    const value = resolvePlain(plain[0]);
    if (value === null) this.sawNull = true;
    return value;
  }

  /** After an entry: `, ` and more (false), or the closing bracket `close` (true, not consumed). */
  private separator(close: number): boolean {
    this.spaces();
    const c = this.line.charCodeAt(this.p);
    if (c === close) return true;
    if (c !== 44 /* , */) unsupported();
    this.p++;
    this.spaces();
    const next = this.line.charCodeAt(this.p);
    if (next === 44 || next === 93 || next === 125) unsupported(); // empty entry, trailing comma
    return false;
  }

  private spaces(): void {
    while (this.line.charCodeAt(this.p) === 32) this.p++;
  }
}

function matchesAt(sticky: RegExp, line: string, at: number): boolean {
  sticky.lastIndex = at;
  return sticky.test(line);
}

/** Where the `:` of a plain key starting at `at` is, or -1 when no such key starts there. */
function keyEnd(line: string, at: number): number {
  const first = line.charCodeAt(at);
  if (first >= 128 || KEY_CHAR[first] !== 1) return -1;
  let k = at + 1;
  for (let c = line.charCodeAt(k); c < 128 && KEY_CHAR[c] !== 0; c = line.charCodeAt(++k));
  if (line.charCodeAt(k) !== 58 /* : */) return -1;
  const after = line.charCodeAt(k + 1);
  return after === 32 || Number.isNaN(after) ? k : -1;
}

function indentOf(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 32) n++;
  if (line.charCodeAt(n) === 9) unsupported(); // tabs: indentation rules the reader does not model
  return n;
}

function isSpaces(line: string): boolean {
  for (let n = 0; n < line.length; n++) if (line.charCodeAt(n) !== 32) return false;
  return true;
}

function isSequenceEntry(line: string, at: number): boolean {
  return line.charCodeAt(at) === 45 /* - */ && (line.length === at + 1 || line.charCodeAt(at + 1) === 32);
}

/** A plain scalar as YAML 1.2's core schema resolves it, in the `yaml` library's order and arithmetic. */
function resolvePlain(text: string): unknown {
  const first = text.charCodeAt(0);
  // ~ n N t T f F: the first characters of null and the booleans
  if (
    first === 126 ||
    first === 110 ||
    first === 78 ||
    first === 116 ||
    first === 84 ||
    first === 102 ||
    first === 70
  ) {
    if (/^(?:~|[Nn]ull|NULL)$/.test(text)) return null;
    if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(text)) return first === 116 || first === 84;
  }
  // Only text starting like a number can be one: skip the number tests for the common case.
  if (!(first === 43 || first === 45 || first === 46 || (first >= 48 && first <= 57))) return text;
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return Number.parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text))
    return text.slice(-3).toLowerCase() === "nan"
      ? Number.NaN
      : text[0] === "-"
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text)) return Number.parseFloat(text);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) return Number.parseFloat(text);
  return text;
}
