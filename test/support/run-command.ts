/** Runs one CLI command in-process, capturing its output and mapping errors to exit codes as main.ts does. */
import { type Command, CommanderError } from "commander";
import { vi } from "vitest";
import { EXIT_USAGE, UsageError } from "../../src/cli/errors.js";

export interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

export async function runCommand(make: () => Command, args: string[]): Promise<Run> {
  const result: Run = { stdout: "", stderr: "", code: 0 };
  const capture = (key: "stdout" | "stderr") => (chunk: string | Uint8Array) => {
    result[key] += String(chunk);
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture("stdout"));
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture("stderr"));
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    await make()
      .exitOverride()
      .configureOutput({
        writeOut: (text) => {
          result.stdout += text;
        },
        writeErr: (text) => {
          result.stderr += text;
        },
      })
      .parseAsync(args, { from: "user" });
    result.code = process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof UsageError) {
      result.stderr += `error: ${error.message}\n`;
      result.code = EXIT_USAGE;
    } else if (error instanceof CommanderError) result.code = error.exitCode === 0 ? 0 : EXIT_USAGE;
    else throw error;
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = saved;
  }
  return result;
}
