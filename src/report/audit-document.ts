/**
 * The audit report as one JSON or YAML document (`audit -o json|yaml`), written piece by piece: the matrix of
 * thousands of tenants can hold millions of breaches, and its findings hundreds of thousands, more than one
 * string (or the heap) can take, so every list is written element by element, the matrix's cells made, written
 * and dropped one at a time. The JSON is byte for byte what
 * `JSON.stringify(document, null, 2)` would give.
 */
import { toYaml } from "../model/yaml-text.js";
import type { AuditReport } from "../tenancy/audit.js";

/** Plain YAML: a repeated object (shared evidence) is written again, never as an anchor and alias. */
const YAML_OPTIONS = { aliasDuplicateObjects: false } as const;

/** Flushed to `write` in chunks of about this many characters. */
const CHUNK = 1 << 20;

export function writeAuditDocument(
  report: AuditReport,
  extra: Record<string, unknown>,
  format: "json" | "yaml",
  write: (chunk: string) => void,
): void {
  const parts: string[] = [];
  let size = 0;
  const emit = (text: string) => {
    parts.push(text);
    size += text.length;
    if (size >= CHUNK) flush();
  };
  const flush = () => {
    if (parts.length > 0) write(parts.join(""));
    parts.length = 0;
    size = 0;
  };
  // The report's own fields in its order; every list is written element by element (the matrix from its view,
  // cell by cell), so no single string holds more than one element.
  const fields: [string, unknown][] = [
    ...Object.keys(report).map((key): [string, unknown] => [
      key,
      key === "matrix" ? report.matrix.document() : report[key as keyof AuditReport],
    ]),
    ...Object.entries(extra),
  ].filter(([, value]) => value !== undefined);
  const listOf = (key: string, value: unknown): Iterable<unknown> | undefined =>
    key === "matrix" || Array.isArray(value) ? (value as Iterable<unknown>) : undefined;
  if (format === "json") {
    emit("{");
    fields.forEach(([key, value], i) => {
      emit(`${i === 0 ? "" : ","}\n  ${JSON.stringify(key)}: `);
      const list = listOf(key, value);
      if (!list) {
        emit(indent(JSON.stringify(value, null, 2), "  "));
        return;
      }
      let first = true;
      for (const element of list) {
        emit(`${first ? "[" : ","}\n    ${indent(JSON.stringify(element, null, 2) ?? "null", "    ")}`);
        first = false;
      }
      emit(first ? "[]" : "\n  ]");
    });
    emit("\n}\n");
  } else {
    for (const [key, value] of fields) {
      const list = listOf(key, value);
      if (!list) {
        emit(toYaml({ [key]: value }, YAML_OPTIONS));
        continue;
      }
      let first = true;
      for (const element of list) {
        emit(`${first ? `${key}:\n` : ""}${indent(toYaml([element], YAML_OPTIONS), "  ", true)}`);
        first = false;
      }
      if (first) emit(`${key}: []\n`);
    }
  }
  flush();
}

/** Indents every non-empty line after the first (and the first too, when asked), as YAML leaves empty lines. */
function indent(text: string, by: string, firstToo = false): string {
  const body = text.replace(/\n(?=[^\n])/g, `\n${by}`);
  return firstToo ? by + body : body;
}
