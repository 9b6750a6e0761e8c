/**
 * Progress through the long phases on a terminal, nothing when piped. The terminal is a real pseudo-terminal
 * (util-linux `script`, part of every Debian system): stderr is the terminal, stdout a file or the terminal.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_DIR } from "../../src/sources/demo.js";
import { BUILT_CLI, runBuiltCli } from "../support/built-cli.js";

/** Runs a shell command line under a pseudo-terminal; returns what reached the terminal. */
function onTerminal(commandLine: string): { code: number | null; terminal: string } {
  const r = spawnSync("script", ["-qec", commandLine, "/dev/null"], { encoding: "utf8" });
  return { code: r.status, terminal: r.stdout };
}

/** The progress lines written: each starts by returning to the line's start and clearing it. */
const progressLines = (terminal: string) =>
  terminal
    .split("\r\x1b[K")
    .slice(1)
    .map((line) => line.replace(/[\r\n].*$/s, ""));

describe("progress on a terminal", () => {
  const dir = mkdtempSync(join(tmpdir(), "kubefence-progress-"));

  it("audit names each phase on stderr (reading, each plane, writing) and clears the line; stdout stays clean", () => {
    const out = join(dir, "audit.json");
    const { code, terminal } = onTerminal(`node ${BUILT_CLI} audit -f ${DEMO_DIR} -o json > ${out}`);
    expect(code).toBe(0);
    const lines = progressLines(terminal);
    expect(lines).toContain(`reading ${join(DEMO_DIR, "10-rbac.yaml")}`);
    for (const phase of [
      "API plane: ",
      "node plane: ",
      "network plane: ",
      "findings: ",
      "writing the json report",
    ])
      expect(
        lines.some((l) => l.startsWith(phase)),
        phase,
      ).toBe(true);
    expect(lines.indexOf("API plane: RBAC between 4 tenants")).toBeLessThan(
      lines.findIndex((l) => l.startsWith("writing")),
    );
    // Cleared at the end: the last write is the empty line.
    expect(lines.at(-1)).toBe("");
    // The report itself carries none of it.
    const written = readFileSync(out, "utf8");
    expect(written).not.toContain("\x1b");
    expect(JSON.parse(written).kind).toBe("AuditReport");
  });

  it("when stdout is the terminal too, the line is cleared before the report is printed", () => {
    const { code, terminal } = onTerminal(`NO_COLOR=1 node ${BUILT_CLI} audit -f ${DEMO_DIR}`);
    expect(code).toBe(0);
    const report = terminal.lastIndexOf("\r\x1b[K");
    expect(terminal.slice(report + 4).replace(/\r\n/g, "\n")).toMatch(/^kubefence audit: 4 tenants/);
  });

  it("is quiet when stderr is not a terminal (piped)", () => {
    const r = runBuiltCli(["audit", "-f", DEMO_DIR, "-o", "json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const rbac = runBuiltCli(["can-i", "--list", "--as", "bob", "-f", DEMO_DIR]);
    expect(rbac.stderr).toBe("");
  });
});
