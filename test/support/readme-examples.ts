/**
 * The README's examples, as test/docs/readme.test.ts reads and runs them. Each shell session (a ```console block, or a plain one that starts with a `$ ` line) is run in a
 * directory of its own, one `$ ` line after another, as a user would type them (bash, `kubefence` on the PATH,
 * no colours, no terminal width, the repository's examples/, test/ and charts/ at hand), and each command's output
 * (stdout and stderr, as a terminal shows them) is compared with what the README shows under it: exactly, or,
 * where the README marks left-out lines with a line `…` of its own, as an excerpt (each shown run of lines
 * appears, in order). A `[exit N]` last line is the command's exit status. A `$ cat FILE` shows an input: FILE
 * is written with what is shown before the block runs, so the input shown is the input used. A block that
 * cannot run here (a live cluster, a registry, an interactive shell) says why in a comment right before it,
 * `<!-- not run: why -->`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUILT_CLI } from "./built-cli.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const README_PATH = join(ROOT, "README.md");
export const README = readFileSync(README_PATH, "utf8");

export interface Example {
  /** 1-based line of the `$ ` line. */
  line: number;
  command: string;
  expected: string[];
  /** Blank lines after the output, before the next example (not output). */
  blankAfter: number;
}

export interface Block {
  line: number;
  notRun?: string;
  examples: Example[];
  /** Inputs the block shows with `$ cat FILE`. */
  files: Map<string, string>;
}

export function blocks(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)$/.exec(lines[i]!);
    if (!fence) continue;
    const start = i;
    const body: { line: number; text: string }[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push({ line: i + 1, text: lines[i]! });
    // A shell session: a console block, or a plain or sh block that starts with a `$ ` line.
    const session =
      fence[1] === "console" || (["", "sh"].includes(fence[1]!) && body[0]?.text.startsWith("$ "));
    if (!session) continue;
    const marker = /^<!-- not run: (.+) -->$/.exec(lines[start - 1] ?? "");
    const block: Block = { line: start + 1, notRun: marker?.[1], examples: [], files: new Map() };
    let current: Example | undefined;
    const close = () => {
      while (current && current.expected.at(-1) === "") {
        current.expected.pop();
        current.blankAfter++;
      }
      const cat = current && /^cat (\S+)$/.exec(current.command);
      if (cat) block.files.set(cat[1]!, [...current!.expected, ""].join("\n"));
    };
    for (const { line, text } of body) {
      if (text.startsWith("$ ")) {
        close();
        current = { line, command: text.slice(2), expected: [], blankAfter: 0 };
        block.examples.push(current);
      } else current?.expected.push(text);
    }
    close();
    out.push(block);
  }
  return out;
}

/** Whether an example runs kubefence (what the README documents). */
export const runsKubefence = (command: string) => /(^|[|;&(<]\s*)kubefence\b/.test(command);

/** A scratch directory with `kubefence` on a PATH of its own; `remove` when done. */
export function workspace(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "kubefence-readme-"));
  mkdirSync(join(dir, ".bin"));
  writeFileSync(
    join(dir, ".bin", "kubefence"),
    `#!/bin/sh\nexec "${process.execPath}" "${BUILT_CLI}" "$@"\n`,
    {
      mode: 0o755,
    },
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Between two examples' outputs: a line no command prints. */
const SEPARATOR = "\u001eREADME-EXAMPLE\u001e";

/**
 * Runs a block's examples in order, in one shell (so `echo $?` sees the command before it) and a directory of
 * their own: each one's output lines.
 */
export function runBlock(block: Block, work: string): string[][] {
  const dir = mkdtempSync(join(work, "block-"));
  for (const name of ["examples", "test", "charts"]) symlinkSync(join(ROOT, name), join(dir, name));
  for (const [name, text] of block.files) writeFileSync(join(dir, name), text);
  const script = block.examples
    .map((example) => {
      const status = /^\[exit \d+\]$/.test(example.expected.at(-1) ?? "") ? '; echo "[exit $?]"' : "";
      // The separator is printed without losing the status the next example may ask for.
      return `{ ${example.command}\n} 2>&1${status}\n__status=$?; printf '\\n%s\\n' '${SEPARATOR}'; (exit $__status)`;
    })
    .join("\n");
  const result = spawnSync("bash", ["-c", script], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: `${join(work, ".bin")}:${process.env.PATH}`, NO_COLOR: "1", HOME: dir, LANG: "C.UTF-8" },
    timeout: 120_000,
  });
  const outputs = (result.stdout ?? "").split(`${SEPARATOR}\n`).slice(0, block.examples.length);
  return block.examples.map((_, i) => {
    // Each output ends with the newline printed before the separator (and its own last newline, if any).
    const output = (outputs[i] ?? "").replace(/\n$/, "").replace(/\n$/, "");
    return output === "" ? [] : output.split("\n");
  });
}

/** The shown lines, in runs between `…` lines: each run must appear in the output, in order. */
export function matches(actual: string[], expected: string[]): boolean {
  const shown = expected;
  if (!shown.includes("…")) return actual.join("\n") === shown.join("\n");
  const runs: string[][] = [[]];
  for (const line of shown) {
    if (line === "…") runs.push([]);
    else runs.at(-1)!.push(line);
  }
  let at = 0;
  for (const run of runs) {
    if (run.length === 0) continue;
    let found = -1;
    for (let i = at; i + run.length <= actual.length && found < 0; i++)
      if (run.every((line, k) => actual[i + k] === line)) found = i;
    if (found < 0) return false;
    at = found + run.length;
  }
  return true;
}
