/** Runs the built CLI (dist/cli/main.js) as a user runs it: its own process, `input` on stdin. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BUILT_CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export function runBuiltCli(
  args: string[],
  input = "",
  env: NodeJS.ProcessEnv = process.env,
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BUILT_CLI, ...args], { input, encoding: "utf8", env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
