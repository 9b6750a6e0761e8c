/**
 * Go's formatting verbs as the API server uses them in messages, so kubefence's text is byte-identical:
 * `%q` (strconv.Quote), `%v` of a `[]string`, encoding/json of a string, and apimachinery's error aggregate.
 */

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;
/** Printable ASCII without quote or backslash: quoted as-is (the common case, kept fast). */
const SAFE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, "0");

/** Go `%q` / `strconv.Quote`: double-quoted, with Go escapes for quotes, backslashes and unprintable runes. */
export function goQuote(text: string): string {
  if (SAFE.test(text)) return `"${text}"`;
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    switch (char) {
      case '"':
        out += '\\"';
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case "\x07":
        out += "\\a";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\v":
        out += "\\v";
        continue;
    }
    if (char === " " || (code > 0x7f && PRINTABLE.test(char)) || (code > 0x20 && code < 0x7f)) out += char;
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if (code < 0x10000) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return `${out}"`;
}

/**
 * Go `json.Marshal` of a string: JSON.stringify's escapes (short forms, lower-case `\u00xx`), plus the HTML
 * characters and the two line separators Go escapes too.
 */
export function goJsonString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${hex(char.codePointAt(0)!, 4)}`);
}

/** Go `%v` of a `[]string`: `[a b]`; nil and empty both print `[]`. */
export function goList(values: readonly string[] | undefined): string {
  return `[${(values ?? []).join(" ")}]`;
}

/**
 * apimachinery `pkg/util/errors` `aggregate.Error()`: one error as-is; several de-duplicated, in order,
 * joined by ", " inside brackets.
 */
export function aggregateErrors(messages: readonly string[]): string {
  if (messages.length === 1) return messages[0]!;
  const seen = [...new Set(messages)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(", ")}]`;
}

// unicode.IsSpace: the Latin-1 spaces (TAB, LF, VT, FF, CR, space, NEL, NBSP) and category Z.
const GO_SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const GO_TRIM = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, "g");

/** strings.TrimSpace (Go's idea of white space, which is not JavaScript's: NEL is one, BOM is not). */
export function goTrimSpace(text: string): string {
  return text.replace(GO_TRIM, "");
}
