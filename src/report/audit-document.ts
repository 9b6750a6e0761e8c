/**
 * The audit report as one JSON or YAML document (`audit -o json|yaml`), written piece by piece: the matrix of
 * thousands of tenants can hold millions of breaches, more than one string (or the heap) can take, so its
 * cells are made, written and dropped one at a time. The JSON is byte for byte what
 * `JSON.stringify(document, null, 2)` would give.
 */
import { stringify } from "yaml";
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
  // The report's own fields in its order; the matrix is streamed from its view, cell by cell.
  const fields: [string, unknown][] = [
    ...Object.keys(report).map((key): [string, unknown] => [
      key,
      key === "matrix" ? undefined : report[key as keyof AuditReport],
    ]),
    ...Object.entries(extra),
  ].filter(([key, value]) => key === "matrix" || value !== undefined);
  if (format === "json") {
    emit("{");
    fields.forEach(([key, value], i) => {
      emit(`${i === 0 ? "" : ","}\n  ${JSON.stringify(key)}: `);
      if (key !== "matrix") {
        emit(indent(JSON.stringify(value, null, 2), "  "));
        return;
      }
      let first = true;
      for (const cell of report.matrix.cells()) {
        emit(`${first ? "[" : ","}\n    ${indent(JSON.stringify(cell, null, 2), "    ")}`);
        first = false;
      }
      emit(first ? "[]" : "\n  ]");
    });
    emit("\n}\n");
  } else {
    for (const [key, value] of fields) {
      if (key !== "matrix") {
        emit(stringify({ [key]: value }, YAML_OPTIONS));
        continue;
      }
      let first = true;
      for (const cell of report.matrix.cells()) {
        emit(`${first ? "matrix:\n" : ""}${indent(stringify([cell], YAML_OPTIONS), "  ", true)}`);
        first = false;
      }
      if (first) emit("matrix: []\n");
    }
  }
  flush();
}

/** Indents every line after the first (and the first too, when asked). */
function indent(text: string, by: string, firstToo = false): string {
  const body = text.replace(/\n(?!$)/g, `\n${by}`);
  return firstToo ? by + body : body;
}
