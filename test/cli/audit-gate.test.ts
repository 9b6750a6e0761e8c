/**
 * `audit` as a CI gate: it never passes on input it did not read. Empty stdin or a binary file is an input error
 * (exit 2), not "0 tenants, 100% isolated"; `--fail-on` says on stderr why it failed, and fails when a document
 * was skipped, unless `--allow-incomplete`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBuiltCli } from "../support/built-cli.js";

const audit = (args: string[], input = "") => runBuiltCli(["audit", ...args], input);

const NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n";
// The API server rejects this Pod (containerPort must be an integer), so kubefence skips it.
const SKIPPED_POD =
  "apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: team-a}\nspec: {containers: [{name: c, image: x, ports: [{containerPort: lots}]}]}\n";

describe("audit as a gate", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kubefence-gate-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("an empty stdin is an input error (exit 2), not an isolated cluster", () => {
    const run = audit(["-f", "-", "--fail-on", "low"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("error: no Kubernetes objects read from -\n");
  });

  it("a binary file is an input error (exit 2) naming the file and why", () => {
    const file = join(dir, "binary.yaml");
    writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
    const run = audit(["-f", file, "--fail-on", "low"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      `error: no Kubernetes objects read from ${file} (1 document could not be read, see above)`,
    );
  });

  it("--fail-on names the threshold and the count that tripped it", () => {
    const run = audit(["--demo", "--fail-on", "critical"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("kubefence audit: --fail-on critical: 1 finding at or above critical\n");
  });

  it("--fail-on fails when a document was skipped, even with no finding at the threshold", () => {
    const run = audit(["-f", "-", "--fail-on", "critical"], `${NAMESPACE}---\n${SKIPPED_POD}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Pod "x": .*document skipped/);
    expect(run.stderr).toContain(
      "kubefence audit: --fail-on critical: 1 document was skipped (see above), so the input was not fully judged; --allow-incomplete accepts that",
    );
  });

  it("--allow-incomplete lets the gate pass over a skipped document; without --fail-on nothing fails", () => {
    expect(
      audit(["-f", "-", "--fail-on", "critical", "--allow-incomplete"], `${NAMESPACE}---\n${SKIPPED_POD}`)
        .code,
    ).toBe(0);
    expect(audit(["-f", "-"], `${NAMESPACE}---\n${SKIPPED_POD}`).code).toBe(0);
  });
});
