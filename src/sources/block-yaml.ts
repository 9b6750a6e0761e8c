/**
 * A fast reader for the plain block YAML that manifests are nearly always written in (`kubectl get -o yaml`,
 * `helm template`): block mappings and sequences, plain and one-line quoted scalars, literal block scalars,
 * one-line flow collections (`[a, "b c"]`, `{cpu: 10m, memory: 64Mi}`, a whole document as one `{…}` line),
 * comments. It gives exactly what the general reader gives for the same text (plain scalars as kubectl reads
 * them, YAML 1.1's booleans and octal ints included; duplicate keys hand over) and is ~20× faster; a property test holds it to that. Anything else (anchors,
 * aliases, tags, flow collections over several lines, folded or multi-line scalars, tabs, directives, odd
 * keys, any error) makes it return undefined, and the caller reads the document with the `yaml` library
 * instead.
 */

import { plainValue, unsupportedValue } from "./yaml-keys.js";

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
/**
 * Keys that YAML 1.2 core resolves to null or a boolean, so their JavaScript key is not their text, and those
 * that kubectl's YAML 1.1 reads as booleans (`yes`, `on`, `y`, …: its key is `true` or `false`, yaml-keys.ts).
 */
const RESOLVED_KEY =
  /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|[Yy]|[Yy]es|YES|[Nn]|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF)$/;
/** Characters outside YAML's printable set, tabs, line breaks other than LF, and non-BMP (left to the parser). */
const NOT_SIMPLE = /[^\x0A\x20-\x7E\u00A0-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]/;
/** A double-quoted scalar whose escapes are JSON's (`\uXXXX`, `\n`, `\"`, …), so JSON.parse reads it. */
const JSON_STRING = /"(?:[^"\\\n]|\\["\\/bfnrt]|\\u[0-9A-Fa-f]{4})*"/y;
const SINGLE_QUOTED = /'((?:[^'\n]|'')*)'/y;
const LITERAL_HEADER = /\|(-?)(?: +(?:#.*)?)?(?=\r?\n|$)/y;
/** A plain scalar inside a flow collection, as far as the reader takes them: no spaces, `:`, `#` or indicators. */
const FLOW_PLAIN = /[^\s,[\]{}#:'"&*!|>%@`?]+/y;
/** Spaces and a comment to the line's end (`.` stops at U+2028 and a lone CR, where the line does not end). */
const AFTER_SCALAR = /(?: +(?:#.*)?)?(?=\r?\n|$)/y;

export interface BlockYamlDocument {
  value: unknown;
  /** 0-based line (counted from `from`) and column where the document's content starts (as the `yaml` library places it). */
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
 * Reads `text` from offset `from` to `to` as one YAML document (a leading `---` line allowed); `from` starts
 * a line and `to` does too, or is the text's end. A line break is LF or CRLF. The lines are read in place,
 * never split into strings of their own (the garbage of that was a fifth of the load). `simple`: the caller
 * found the range's text simpleText(). Returns undefined when the document is outside the subset; `value`
 * is null for an empty document.
 */
export function readBlockYaml(
  text: string,
  from: number,
  to: number,
  simple = false,
): BlockYamlDocument | undefined {
  try {
    return new Reader(text, from, to, simple).document();
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}

function unsupported(): never {
  throw UNSUPPORTED;
}

/**
 * Lines are offsets into the text: a line starts at `s` and ends at the first line break after it (LF, or
 * the CR of a CRLF). In a document that passed the simple check a CR is only ever that of a CRLF, so a
 * character code isBreak() is the end of its line.
 */
class Reader {
  /** The cursor: where the next line to read starts. */
  private i: number;
  private depth = 0;
  /** The indentation of the line nextContent() last stopped at. */
  private indent = 0;
  /** The cursor nextContent() last returned: asked again, it has nothing to scan. */
  private scanned = -1;
  /** Whether a value read so far is null. */
  private sawNull = false;
  /** Whether the range's last line is followed by a line break. */
  private readonly endsWithBreak: boolean;

  constructor(
    private readonly text: string,
    private readonly from: number,
    private readonly end: number,
    private readonly simple: boolean,
  ) {
    this.i = from;
    this.endsWithBreak = end > from && text.charCodeAt(end - 1) === 10;
  }

  document(): BlockYamlDocument {
    const text = this.text;
    if (this.i < this.end && text.startsWith("---", this.i)) {
      if (!matchesAt(AFTER_SCALAR, text, this.i + 3)) unsupported(); // content on the `---` line
      this.i = this.nextLine(this.i);
    }
    if (!this.simple)
      for (let s = this.i; s < this.end; s = this.nextLine(s))
        if (NOT_SIMPLE.test(text.slice(s, lineEnd(text, s)))) unsupported();
    const j = this.nextContent();
    if (j === this.end) return { value: null, line: 0, column: 0, holdsNull: false };
    const column = this.indent;
    const c = text.charCodeAt(j + column);
    // A document that is one flow collection on one line: `{apiVersion: v1, kind: Pod, …}`.
    const value =
      c === 91 /* [ */ || c === 123 /* { */ ? this.flowLine(j + column) : this.collection(j, column);
    if (this.nextContent() !== this.end) unsupported(); // something less indented after the root node
    let line = 0;
    for (let k = text.indexOf("\n", this.from); k !== -1 && k < j; k = text.indexOf("\n", k + 1)) line++;
    return { value, line, column, holdsNull: this.sawNull };
  }

  /** Where the line after the one starting at `s` starts (the range's end after its last line). */
  private nextLine(s: number): number {
    const n = this.text.indexOf("\n", s);
    return n < 0 || n >= this.end ? this.end : n + 1;
  }

  /** The start of the next line that is neither blank nor a comment (from the cursor, which moves there). */
  private nextContent(): number {
    if (this.i === this.scanned) return this.i;
    const text = this.text;
    while (this.i < this.end) {
      const s = this.i;
      const indent = indentOf(text, s);
      const c = text.charCodeAt(s + indent);
      if (!isBreak(c) && c !== 35 /* # */) {
        this.indent = indent;
        break;
      }
      this.i = this.nextLine(s);
    }
    this.scanned = this.i;
    return this.i;
  }

  /** The block collection whose first entry is on the line starting at `s`, at `column` (a mapping or a sequence). */
  private collection(s: number, column: number): unknown {
    if (++this.depth > MAX_NESTING) unsupported();
    const p = s + column;
    let value: unknown;
    if (isSequenceEntry(this.text, p)) value = this.sequence(column);
    else if (keyEnd(this.text, p) > 0) value = this.mapping(column, s);
    else unsupported(); // a scalar alone on its line (multi-line or top-level scalar), or an odd key
    this.depth--;
    return value;
  }

  /** The node below `key:` or `-` with nothing after it: more indented, or a sequence at the key's indent. */
  private nested(parentIndent: number, sequenceAtParent: boolean): unknown {
    const j = this.nextContent();
    const indent = this.indent;
    if (j < this.end && indent > parentIndent) return this.collection(j, indent);
    if (j < this.end && sequenceAtParent && indent === parentIndent && isSequenceEntry(this.text, j + indent))
      return this.collection(j, indent);
    this.sawNull = true;
    return null;
  }

  /**
   * A block mapping at `indent`; its first entry may start mid-line (`- key: value`) on the line starting
   * at `firstLine`, at column `indent` of that line.
   */
  private mapping(indent: number, firstLine: number): Record<string, unknown> {
    const text = this.text;
    const map: Record<string, unknown> = {};
    let j = firstLine;
    for (;;) {
      const at = j + indent;
      const colon = keyEnd(text, at);
      if (colon < 0) unsupported();
      const name = keyName(text, at, colon);
      let p = colon + 1;
      while (text.charCodeAt(p) === 32) p++;
      // A repeated key: the general reader takes over, to report it (kubectl refuses duplicate keys).
      if (Object.hasOwn(map, name)) unsupported();
      const c = text.charCodeAt(p);
      let value: unknown;
      if (isBreak(c) || c === 35) {
        this.i = this.nextLine(j);
        value = this.nested(indent, true);
      } else value = this.inline(p, indent);
      // prototype-safe: `__proto__` hands over above; any other key is an own property, as JSON.parse makes it
      map[name] = value;
      j = this.nextContent();
      if (j === this.end || this.indent < indent) break;
      if (this.indent > indent) unsupported();
      if (isSequenceEntry(text, j + indent)) unsupported(); // `- ` after a key with a value
    }
    return map;
  }

  /** A block sequence whose `-` entries are at `indent`. */
  private sequence(indent: number): unknown[] {
    const text = this.text;
    const items: unknown[] = [];
    for (;;) {
      const j = this.nextContent();
      if (j === this.end || this.indent < indent) break;
      if (this.indent > indent) unsupported();
      if (!isSequenceEntry(text, j + indent)) break; // the parent mapping's next key, when at its indent
      let p = j + indent + 1;
      while (text.charCodeAt(p) === 32) p++;
      const c = text.charCodeAt(p);
      if (isBreak(c) || c === 35) {
        this.i = this.nextLine(j);
        items.push(this.nested(indent, false));
      } else if (keyEnd(text, p) > 0) {
        this.i = this.nextLine(j);
        if (++this.depth > MAX_NESTING) unsupported();
        items.push(this.mapping(p - j, j));
        this.depth--;
      } else items.push(this.inline(p, indent));
    }
    return items;
  }

  /**
   * The value at `text[p]`, after `key: ` or `- `; `parentIndent` is the collection's. The cursor moves
   * past the value's line (a plain scalar's scan found where it ends; for others it is searched).
   */
  private inline(p: number, parentIndent: number): unknown {
    const text = this.text;
    let value: unknown;
    const c = text[p]!;
    if (c !== "|" && c !== '"' && c !== "'" && c !== "[" && c !== "{") return this.plain(p, parentIndent);
    this.i = this.nextLine(p);
    if (c === "|") {
      LITERAL_HEADER.lastIndex = p;
      const header = LITERAL_HEADER.exec(text);
      if (!header) unsupported(); // `|+`, indentation indicators
      return this.literal(parentIndent, header[1] === "-");
    }
    if (c === '"') {
      // Without a backslash the string is its text (a simple text holds no control character JSON refuses).
      const close = text.indexOf('"', p + 1);
      const plainQuoted = close > 0 && noBreakOrBackslash(text, p + 1, close);
      if (plainQuoted) {
        if (!matchesAt(AFTER_SCALAR, text, close + 1)) unsupported();
        value = text.slice(p + 1, close);
      } else {
        JSON_STRING.lastIndex = p;
        const quoted = JSON_STRING.exec(text);
        if (!quoted || !matchesAt(AFTER_SCALAR, text, p + quoted[0].length)) unsupported();
        value = JSON.parse(quoted[0]);
      }
    } else if (c === "'") {
      SINGLE_QUOTED.lastIndex = p;
      const quoted = SINGLE_QUOTED.exec(text);
      if (!quoted || !matchesAt(AFTER_SCALAR, text, p + quoted[0].length)) unsupported();
      value = quoted[1]!.replaceAll("''", "'");
    } else if (c === "[" || c === "{") {
      const flow = new FlowReader(text, p, this.depth);
      value = flow.value();
      if (!matchesAt(AFTER_SCALAR, text, flow.p)) unsupported();
      if (flow.sawNull) this.sawNull = true;
    }
    return this.oneLine(value, parentIndent);
  }

  /** A plain scalar at `text[p]`, as inline() reads it. */
  private plain(p: number, parentIndent: number): unknown {
    const text = this.text;
    // Indicators that start something else (anchors, aliases, tags, folded scalars, …), and `- ` here.
    if ("&*!?%@`>,]}:#".includes(text[p]!) || isSequenceEntry(text, p)) unsupported();
    // The scalar runs to ` #` or the line's end, less trailing spaces (only: JavaScript's trim takes more).
    // A `:` before a space or the end in it would make it a key (`a: b: c`): handed over.
    let end = p + 1;
    for (let e = text.charCodeAt(end); !isBreak(e); e = text.charCodeAt(++end)) {
      if (e === 35 /* # */ && text.charCodeAt(end - 1) === 32) break;
      if (e === 58 /* : */) {
        const after = text.charCodeAt(end + 1);
        if (after === 32 || isBreak(after)) unsupported();
      }
    }
    const stop = text.charCodeAt(end);
    // The next line is after the LF or CRLF found, or the comment's, or none (the text's end, NaN).
    this.i = stop === 10 ? end + 1 : stop === 13 ? end + 2 : stop === 35 ? this.nextLine(end) : this.end;
    while (text.charCodeAt(end - 1) === 32) end--;
    const value = resolvePlain(sharedText(text, p, end));
    if (value === null) this.sawNull = true;
    return this.oneLine(value, parentIndent);
  }

  /** `value`, read on one line, unless the next line goes on with it. */
  private oneLine(value: unknown, parentIndent: number): unknown {
    // A more indented line after a one-line scalar continues it (a multi-line scalar) or is an error.
    if (this.nextContent() < this.end && this.indent > parentIndent) unsupported();
    return value;
  }

  /** A root flow collection at `p`, alone on its line, with nothing more in the document. */
  private flowLine(p: number): unknown {
    const flow = new FlowReader(this.text, p, this.depth);
    const value = flow.value();
    if (!matchesAt(AFTER_SCALAR, this.text, flow.p)) unsupported();
    if (flow.sawNull) this.sawNull = true;
    this.i = this.nextLine(p);
    return value;
  }

  /** A literal block scalar (`|`, `|-`) whose header was on the line before the cursor. */
  private literal(parentIndent: number, strip: boolean): string {
    const text = this.text;
    let s = this.i;
    let leadingEmpty = 0;
    while (s < this.end && isSpaces(text, s)) {
      leadingEmpty = Math.max(leadingEmpty, lineEnd(text, s) - s);
      s = this.nextLine(s);
    }
    if (s === this.end) unsupported(); // empty scalar: rare, and its chomping has edge cases
    const indent = indentOf(text, s);
    if (indent <= parentIndent || leadingEmpty > indent) unsupported();
    const body: string[] = [];
    for (s = this.i; s < this.end; s = this.nextLine(s)) {
      if (isSpaces(text, s)) {
        if (lineEnd(text, s) - s > indent) unsupported(); // spaces that would be content
        body.push("");
      } else if (indentOf(text, s) >= indent) body.push(text.slice(s + indent, lineEnd(text, s)));
      else break;
    }
    if (s === this.end && !this.endsWithBreak) unsupported();
    this.i = s;
    let last = body.length;
    while (last > 0 && body[last - 1] === "") last--;
    const value = body.slice(0, last).join("\n");
    return strip ? value : `${value}\n`;
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

/** Whether a character code ends its line (LF, the CR of a CRLF, or the text's end); see Reader. */
function isBreak(c: number): boolean {
  return c === 10 || c === 13 || Number.isNaN(c); // NaN: past the text's end
}

/** Where the line starting at `s` ends: before its LF or CRLF, or at the text's end. */
function lineEnd(text: string, s: number): number {
  const n = text.indexOf("\n", s);
  if (n < 0) return text.length;
  return n > s && text.charCodeAt(n - 1) === 13 ? n - 1 : n;
}

/** Where the `:` of a plain key starting at `at` is, or -1 when no such key starts there. */
function keyEnd(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first >= 128 || KEY_CHAR[first] !== 1) return -1;
  let k = at + 1;
  for (let c = text.charCodeAt(k); c < 128 && KEY_CHAR[c] !== 0; c = text.charCodeAt(++k));
  if (text.charCodeAt(k) !== 58 /* : */) return -1;
  const after = text.charCodeAt(k + 1);
  return after === 32 || isBreak(after) ? k : -1;
}

/**
 * Block mapping keys already read, by a hash of their text: the same few hundred names recur through a
 * cluster, and a key taken from here is not a new string for V8 to allocate and internalize (the cost of
 * a property store by a fresh string).
 */
const KEY_CACHE: (string | undefined)[] = new Array(4096);

/** Short scalars already read, by a hash of their text, as KEY_CACHE (`v1`, `TCP`, a namespace's name). */
const SCALAR_CACHE: (string | undefined)[] = new Array(4096);

/**
 * Empties both caches: a cached string of 13 or more characters is a slice that keeps its whole file's text
 * alive, so a file's reading ends with this (documents.ts), and a long-lived process keeps no text it dropped.
 */
export function forgetSharedText(): void {
  KEY_CACHE.fill(undefined);
  SCALAR_CACHE.fill(undefined);
}

/** The slot of `text[from, to)` in either cache (4096 slots): a hash of its characters. */
function cacheSlot(text: string, from: number, to: number): number {
  let hash = 0;
  for (let k = from; k < to; k++) hash = (Math.imul(hash, 31) + text.charCodeAt(k)) | 0;
  return hash & 4095;
}

/** `text[from, to)`: from SCALAR_CACHE when short (a copy V8 would make anyway), else a new slice. */
function sharedText(text: string, from: number, to: number): string {
  if (to - from > 16) return text.slice(from, to);
  const slot = cacheSlot(text, from, to);
  const cached = SCALAR_CACHE[slot];
  if (cached !== undefined && cached.length === to - from && text.startsWith(cached, from)) return cached;
  const value = text.slice(from, to);
  SCALAR_CACHE[slot] = value;
  return value;
}

/** The plain key `text[at, colon)`; one that YAML resolves to a non-string, or `__proto__`, hands over. */
function keyName(text: string, at: number, colon: number): string {
  const slot = cacheSlot(text, at, colon);
  const cached = KEY_CACHE[slot];
  if (cached !== undefined && cached.length === colon - at && text.startsWith(cached, at)) return cached;
  const name = text.slice(at, colon);
  const first = name.charCodeAt(0);
  // n N t T f F y Y o O _: the first letters of null, true, false, YAML 1.1's booleans and __proto__
  if (
    (first === 110 ||
      first === 78 ||
      first === 116 ||
      first === 84 ||
      first === 102 ||
      first === 70 ||
      first === 121 ||
      first === 89 ||
      first === 111 ||
      first === 79 ||
      first === 95) &&
    (RESOLVED_KEY.test(name) || name === "__proto__")
  )
    unsupported();
  KEY_CACHE[slot] = name;
  return name;
}

/** Whether `text[from, to)` holds neither a line break nor a backslash. */
function noBreakOrBackslash(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || c === 13 || c === 92) return false;
  }
  return true;
}

/** The indentation of the line starting at `s`. */
function indentOf(text: string, s: number): number {
  let n = s;
  while (text.charCodeAt(n) === 32) n++;
  if (text.charCodeAt(n) === 9) unsupported(); // tabs: indentation rules the reader does not model
  return n - s;
}

/** Whether the line starting at `s` is only spaces. */
function isSpaces(text: string, s: number): boolean {
  let n = s;
  while (text.charCodeAt(n) === 32) n++;
  return isBreak(text.charCodeAt(n));
}

function isSequenceEntry(text: string, at: number): boolean {
  return (
    text.charCodeAt(at) === 45 /* - */ && (text.charCodeAt(at + 1) === 32 || isBreak(text.charCodeAt(at + 1)))
  );
}

/**
 * The plain scalars go-yaml v2 reads from its resolve table: YAML 1.1's booleans and nulls (`.inf` and the
 * like are left to plainValue). Each starts with one of `~ y Y n N t T f F o O`.
 */
const MAPPED = new Map<string, boolean | null>([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map((t) => [t, true] as const),
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map(
    (t) => [t, false] as const,
  ),
  ...["~", "null", "Null", "NULL"].map((t) => [t, null] as const),
]);

/** A decimal int of at most 15 digits, exact as a JavaScript number, as go-yaml and plainValue read it. */
const DECIMAL_INT = /^(?:-?[1-9][0-9]{0,14}|0)$/;

/**
 * A plain scalar as kubectl reads it (yaml-keys.ts plainValue: go-yaml v2's YAML 1.1 resolution), with the
 * common case first: text starting with none of go-yaml's hint characters is a string. A float JSON cannot
 * write (`.nan`) hands over, for the general reader to refuse the document as kubectl does.
 */
function resolvePlain(text: string): unknown {
  const first = text.charCodeAt(0);
  // ~ y Y n N t T f F o O: the first characters of the booleans and nulls, all of at most 5 characters
  if (
    first === 126 ||
    first === 121 ||
    first === 89 ||
    first === 110 ||
    first === 78 ||
    first === 116 ||
    first === 84 ||
    first === 102 ||
    first === 70 ||
    first === 111 ||
    first === 79
  ) {
    if (text.length > 5) return text;
    const mapped = MAPPED.get(text);
    return mapped === undefined ? text : mapped;
  }
  // Only text starting like a number can be one: skip the number tests for the common case.
  if (!(first === 43 || first === 45 || first === 46 || (first >= 48 && first <= 57))) return text;
  // The common number, a decimal int (`80`, `-1`; not `010`, octal to go-yaml), without plainValue's BigInt.
  if (DECIMAL_INT.test(text)) return Number.parseInt(text, 10);
  const value = plainValue(text);
  if (unsupportedValue(value) !== undefined) unsupported();
  return value;
}
