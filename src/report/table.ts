/**
 * The one table writer: columns aligned by spaces, no borders, every cell but a line's last padded to its
 * column's width — Go's text/tabwriter as kubectl's printers configure it (padding 3). kubectl-style tables
 * (`renderTable`: upper-case headers, cells made terminal-safe) and kubectl's own tabwriter output
 * (`goTabwriter`: minimum width 6, as `kubectl auth can-i --list` prints) are two settings of it.
 */
import { terminalSafe } from "./terminal.js";

interface Layout {
  /** The narrowest a padded column is (tabwriter's minwidth). */
  minWidth: number;
  /** Trailing spaces dropped (a line whose last cells are empty). */
  trimEnd: boolean;
}

const PADDING = 3;

/** Widths counted in runes (code points), as tabwriter counts them. */
const width = (text: string): number => [...text].length;

function alignColumns(lines: readonly (readonly string[])[], layout: Layout): string {
  const columns = Math.max(0, ...lines.map((l) => l.length - 1));
  const widths: number[] = [];
  for (let c = 0; c < columns; c++)
    widths.push(
      Math.max(layout.minWidth, ...lines.filter((l) => l.length - 1 > c).map((l) => width(l[c]!) + PADDING)),
    );
  return lines
    .map((line) => {
      const text = line
        .map((cell, c) => (c < line.length - 1 ? cell + " ".repeat(widths[c]! - width(cell)) : cell))
        .join("");
      return `${layout.trimEnd ? text.trimEnd() : text}\n`;
    })
    .join("");
}

/** kubectl-style: upper-case headers (unless told), terminal-safe cells. */
export function renderTable(
  headerCells: string[],
  cellRows: string[][],
  options: { upperCaseHeaders?: boolean } = {},
): string {
  const headers = headerCells.map(terminalSafe);
  const rows = cellRows.map((row) => row.map(terminalSafe));
  const header = options.upperCaseHeaders === false ? headers : headers.map((h) => h.toUpperCase());
  return alignColumns([header, ...rows], { minWidth: 0, trimEnd: true });
}

/**
 * Go text/tabwriter as cli-runtime configures it (minwidth 6, padding 3, pad ' '): every cell but the last
 * of a line is padded to its column's width = max(6, widest cell + 3), widths counted in runes.
 */
export function goTabwriter(lines: readonly (readonly string[])[]): string {
  return alignColumns(lines, { minWidth: 6, trimEnd: false });
}
