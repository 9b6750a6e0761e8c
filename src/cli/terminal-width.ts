/** The terminal's width for wrapped output, and command lines shown back to the user. */
import { DEFAULT_WIDTH } from "../report/audit-text.js";

/** $COLUMNS when set (as shells and `COLUMNS=80 cmd` set it), else the terminal's width, else 100. */
export function terminalWidth(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number.parseInt(env.COLUMNS ?? "", 10);
  if (Number.isFinite(fromEnv) && fromEnv >= 20) return fromEnv;
  if (stream.isTTY && stream.columns >= 20) return stream.columns;
  return DEFAULT_WIDTH;
}

/** Arguments joined as a POSIX shell reads them back: quoted only where needed. */
export function shellWords(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}
