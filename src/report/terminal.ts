/**
 * Cluster-supplied text made safe for a terminal. Every string a cluster or a manifest supplies is
 * attacker-controlled (an RBAC subject's name is any string: `User "\x1b[2J…"`), and a terminal acts on control
 * characters: ESC starts sequences that move the cursor, clear the screen or retitle the window, CR rewrites
 * the line, a newline inside a field forges a line of its own, bidirectional overrides reorder what is shown.
 * Each is printed visibly instead: ESC as `^[` and CR as `\r` as kubectl's printers.EscapeTerminal does, the
 * other C0 characters in caret notation (`^@` … `^_`, DEL `^?`), C1 controls and the Unicode line, paragraph
 * and bidirectional controls as `\uXXXX`.
 */

// C0 but TAB and LF, DEL, C1, U+2028/U+2029, the bidi embeddings/overrides/isolates and marks.
const UNSAFE_IN_TEXT =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
// The same, plus TAB and LF: a field printed on one line (a table cell, a name).
const UNSAFE_IN_FIELD =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  if (char === "\r") return "\\r";
  if (char === "\n") return "\\n";
  if (char === "\t") return "\\t";
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return "^?";
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/** One field (a name, a table cell): every control character visible, newlines and tabs included. */
export function terminalSafe(field: string): string {
  return field.replace(UNSAFE_IN_FIELD, visible);
}

/** Multi-line text made by kubefence around cluster data: its own newlines and tabs kept, the rest visible. */
export function terminalSafeText(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, visible);
}
