/**
 * `kubefence … | head`: a reader that closes early ends the process quietly with the SIGPIPE status (141),
 * never Node's unhandled EPIPE stack trace. The built CLI runs for real with its stdout in a pipe that the
 * test closes after the first byte; the input (250 namespaces) makes outputs larger than a pipe holds, so the commands are still writing then.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_BROKEN_PIPE } from "../../src/cli/errors.js";

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
let dir: string;
let big: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kubefence-pipe-"));
  big = join(dir, "big.yaml");
  const docs: string[] = [];
  for (let i = 0; i < 250; i++)
    docs.push(
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ns${i}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns${i}, labels: {app: web}}\nspec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}`,
    );
  writeFileSync(big, docs.join("\n---\n"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI, reads one byte of its stdout, then closes the pipe, as `| head -c 1` does. */
function headOneByte(args: string[]): Promise<{ code: number | null; stderr: string; first: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let first = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.stdout.once("data", (chunk: Buffer) => {
      first = chunk.toString("utf8", 0, 1);
      child.stdout.destroy();
    });
    child.on("close", (code) => resolve({ code, stderr, first }));
  });
}

describe("stdout closed early (| head -c 1)", () => {
  const commands: [string, () => string[]][] = [
    ["audit", () => ["audit", "-f", big]],
    ["audit -o json", () => ["audit", "-f", big, "-o", "json"]],
    ["snapshot -o yaml", () => ["snapshot", "-f", big, "-o", "yaml"]],
    ["podsec --namespaces", () => ["podsec", "-f", big, "--namespaces"]],
    ["netmap", () => ["netmap", "-f", big]],
    [
      "can-i --list",
      () => ["can-i", "--list", "-f", big, "--as", "system:admin", "--as-group", "system:masters"],
    ],
    ["fix", () => ["fix", "-f", big]],
  ];
  it.each(commands)("%s ends quietly with the SIGPIPE status, no stack trace", async (_, args) => {
    const run = await headOneByte(args());
    expect(run.first).not.toBe("");
    expect(run.stderr).not.toMatch(/EPIPE|\n\s+at |internal error/);
    // 141 when the pipe broke mid-write; 0 if the command happened to finish writing first.
    expect([EXIT_BROKEN_PIPE, 0]).toContain(run.code);
  });
});
