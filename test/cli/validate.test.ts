/** `--validate=strict|warn|ignore` (kubectl's flag and values) and its `--strict` alias, through the built CLI. */
import { describe, expect, it } from "vitest";
import { runBuiltCli } from "../support/built-cli.js";
import { manifestFile } from "../support/manifest-file.js";

const NAMELESS = `apiVersion: v1
kind: Namespace
metadata:
  name: team-a
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: team-a
spec:
  containers:
  - image: nginx
    securityContext:
      privileged: true
`;
const WARNING = `warning: FILE:13:5: Pod "web" is invalid: spec.containers[0].name: Required value; analysed as written`;

describe("--validate", () => {
  const file = manifestFile(NAMELESS);
  const run = (...flags: string[]) => runBuiltCli(["podsec", "-f", file(), ...flags]);

  it("warn (the default): analysed as written, with the API server's words on stderr", () => {
    for (const flags of [[], ["--validate", "warn"], ["--validate=warn"]]) {
      const { code, stdout, stderr } = run(...flags);
      expect(code).toBe(0);
      expect(stderr.trim()).toBe(WARNING.replace("FILE", file()));
      expect(stdout).toMatch(/^team-a\s+Pod\s+web\s+privileged:latest\s+yes\s+privileged\s*$/m);
    }
  });

  it("the load summary of audit -o json lists what was analysed despite errors", () => {
    const { stdout } = runBuiltCli(["audit", "-f", file(), "-o", "json"]);
    expect(JSON.parse(stdout).load.analysedDespiteErrors).toEqual([
      {
        origin: `${file()}:13:5`,
        message: 'Pod "web" is invalid: spec.containers[0].name: Required value; analysed as written',
      },
    ]);
  });

  it("ignore (or false): analysed, nothing said", () => {
    for (const value of ["ignore", "false"]) {
      const { code, stdout, stderr } = run("--validate", value);
      expect(code).toBe(0);
      expect(stderr).toBe("");
      expect(stdout).toContain("web");
    }
  });

  it("strict (or true, or --strict): the document is skipped and the exit code is 2", () => {
    for (const flags of [["--validate", "strict"], ["--validate", "true"], ["--strict"]]) {
      const { code, stdout, stderr } = run(...flags);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain(
        'Pod "web" is invalid: spec.containers[0].name: Required value; document skipped',
      );
    }
  });

  it("refuses other values and a contradiction, in kubectl's terms", () => {
    expect(run("--validate", "yes")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        '--validate "yes": must be one of strict (or true), warn, ignore (or false)',
      ),
    });
    expect(run("--strict", "--validate", "ignore")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--strict and --validate=ignore contradict each other"),
    });
  });
});
