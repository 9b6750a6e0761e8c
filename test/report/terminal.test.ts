/**
 * Terminal injection: a tenant names an RBAC subject with escape sequences, a carriage return or a newline
 * and tries to clear, rewrite or forge lines on the administrator's terminal. Every text renderer prints
 * such text visibly instead.
 */
import { describe, expect, it } from "vitest";
import { accessMatrixCommand } from "../../src/cli/access-matrix.js";
import { auditCommand } from "../../src/cli/audit.js";
import { canICommand } from "../../src/cli/can-i.js";
import { fixCommand } from "../../src/cli/fix.js";
import { whoCanCommand } from "../../src/cli/who-can.js";
import { renderTable } from "../../src/report/table.js";
import { terminalSafe, terminalSafeText } from "../../src/report/terminal.js";
import { manifestFile } from "../support/manifest-file.js";
import { runCommand } from "../support/run-command.js";

describe("terminalSafe", () => {
  it.each([
    ["ESC, as kubectl prints it", "\x1b[2J", "^[[2J"],
    ["CR, as kubectl prints it", "a\rb", "a\\rb"],
    ["a newline inside a field", "a\nerror: forged", "a\\nerror: forged"],
    ["a tab inside a field", "a\tb", "a\\tb"],
    ["other C0 in caret notation", "\x00\x07\x08", "^@^G^H"],
    ["DEL", "\x7f", "^?"],
    ["C1 CSI (a one-byte ESC [)", "\u009b2J", "\\u009b2J"],
    ["a bidi override (Trojan Source)", "abc\u202edef", "abc\\u202edef"],
    ["line and paragraph separators", "a\u2028b\u2029c", "a\\u2028b\\u2029c"],
    ["ordinary Unicode is left alone", "équipe-日本", "équipe-日本"],
  ])("%s", (_, input, expected) => {
    expect(terminalSafe(input)).toBe(expected);
  });

  it("keeps kubefence's own newlines and tabs in multi-line text, nothing else", () => {
    expect(terminalSafeText("line 1\n\tline 2 \x1b]0;title\x07")).toBe("line 1\n\tline 2 ^[]0;title^G");
  });

  it("makes every table cell and header safe, so a cell cannot add a row", () => {
    const table = renderTable(["name", "x\x1b"], [["a\nforged row", "b"]]);
    expect(table.split("\n").filter(Boolean)).toHaveLength(2);
    expect(table).not.toMatch(/\x1b/);
  });
});

// A RoleBinding whose subjects are hostile names, in a tenant's namespace.
const HOSTILE = `
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: team-b}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: hostile}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: "\\e[2J\\e[Hmallory\\nerror: forged line"}
  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: "ops\\rroot\\u009b31m\\u202e"}
`;

describe("hostile subject names through every text renderer", () => {
  const file = manifestFile(HOSTILE, "hostile.yaml");

  const user = "\x1b[2J\x1b[Hmallory\nerror: forged line";
  const runs: [string, () => Promise<{ stdout: string; stderr: string }>][] = [
    ["audit", () => runCommand(auditCommand, ["-f", file()])],
    ["fix", () => runCommand(fixCommand, ["-f", file()])],
    ["who-can", () => runCommand(whoCanCommand, ["list", "pods", "-n", "team-b", "-f", file()])],
    ["can-i --list", () => runCommand(canICommand, ["--list", "-n", "team-b", "--as", user, "-f", file()])],
    ["can-i", () => runCommand(canICommand, ["delete", "pods", "-n", "team-b", "--as", user, "-f", file()])],
    ["access-matrix", () => runCommand(accessMatrixCommand, ["--as", user, "-n", "team-b", "-f", file()])],
  ];
  it.each(runs)("%s prints no control character and no forged line", async (_, run) => {
    const { stdout, stderr } = await run();
    expect(stdout.length).toBeGreaterThan(0);
    for (const out of [stdout, stderr]) {
      expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
      expect(out).not.toMatch(/^error: forged line/m);
    }
  });

  it("audit names the hostile subject visibly", async () => {
    const { stdout } = await runCommand(auditCommand, ["-f", file()]);
    expect(stdout).toContain("^[[2J^[[Hmallory\\nerror: forged line");
  });
});
