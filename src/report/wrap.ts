/**
 * Text wrapped to a terminal's width, on spaces, with a hanging indent. Widths are counted in code points, as
 * the table writer counts them; a word longer than a line is cut, so no line is ever wider than asked.
 */

const width = (text: string): number => [...text].length;

/**
 * `text` as lines of at most `columns` code points: the first starts with `first`, the others with `rest`
 * (a hanging indent). Runs of spaces inside the text are kept where no line breaks.
 */
export function wrapText(text: string, columns: number, first = "", rest = first): string[] {
  const room = Math.max(width(rest) + 10, columns);
  const lines: string[] = [];
  let prefix = first;
  let line = "";
  const flush = () => {
    lines.push(prefix + line);
    prefix = rest;
    line = "";
  };
  for (const word of text.split(" ")) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (line !== "" && width(prefix + candidate) > room) {
      flush();
      line = word;
    } else line = candidate;
    // A word wider than the line is cut where the line ends.
    while (width(prefix + line) > room) {
      const chars = [...line];
      const fits = room - width(prefix);
      lines.push(prefix + chars.slice(0, fits).join(""));
      prefix = rest;
      line = chars.slice(fits).join("");
    }
  }
  if (line !== "" || lines.length === 0) flush();
  return lines;
}

/** The first `max` lines of wrapped text; when some are left out, the last shown ends with "…". */
export function clampLines(lines: string[], max: number, columns: number): string[] {
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  const last = [...kept[max - 1]!];
  kept[max - 1] = `${last.slice(0, Math.max(0, Math.min(last.length, columns - 1))).join("")}…`;
  return kept;
}

/** One line cut to `columns` code points ("…" at the end when cut). */
export function truncateLine(line: string, columns: number): string {
  const chars = [...line];
  return chars.length <= columns ? line : `${chars.slice(0, Math.max(0, columns - 1)).join("")}…`;
}
