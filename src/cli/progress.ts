/**
 * Progress through long phases (listing, loading, each plane, rendering) on stderr, only on a terminal: one
 * line, rewritten in place and cleared at the end. Piped or redirected, nothing is written.
 */
import { terminalSafe } from "../report/terminal.js";

export type Progress = (message: string) => void;

/** The progress line of this process, or undefined when stderr is not a terminal. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress | undefined {
  if (!stream.isTTY) return undefined;
  // Messages name files and contexts, which the user or a kubeconfig chose: escaped like every output.
  return (message) => stream.write(`\r\x1b[K${terminalSafe(message)}`);
}
