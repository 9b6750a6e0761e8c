/** kubectl-style tables: upper-case headers, columns aligned by spaces, no borders; cells made terminal-safe. */
import { terminalSafe } from "./terminal.js";

export function renderTable(
  headerCells: string[],
  cellRows: string[][],
  options: { upperCaseHeaders?: boolean } = {},
): string {
  const headers = headerCells.map(terminalSafe);
  const rows = cellRows.map((row) => row.map(terminalSafe));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]! + 3)))
      .join("")
      .trimEnd();
  return `${[line(options.upperCaseHeaders === false ? headers : headers.map((h) => h.toUpperCase())), ...rows.map(line)].join("\n")}\n`;
}
