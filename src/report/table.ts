/** kubectl-style tables: upper-case headers, columns aligned by spaces, no borders. */
export function renderTable(
  headers: string[],
  rows: string[][],
  options: { upperCaseHeaders?: boolean } = {},
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]! + 3)))
      .join("")
      .trimEnd();
  return `${[line(options.upperCaseHeaders === false ? headers : headers.map((h) => h.toUpperCase())), ...rows.map(line)].join("\n")}\n`;
}
