/** `kubefence completion`: generated from the command tree; the bash script is run by bash itself. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runBuiltCli } from "../support/built-cli.js";

const bash = runBuiltCli(["completion", "bash"]).stdout;

/** What bash offers after the words typed (the last one being completed). */
function complete(...typed: string[]): string[] {
  const words = typed.map((w) => `'${w}'`).join(" ");
  const script = `${bash}\nCOMP_WORDS=(${words}); COMP_CWORD=${typed.length - 1}; _kubefence; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync("bash", ["-c", script], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  return result.stdout.split("\n").filter((l) => l !== "");
}

describe("kubefence completion", () => {
  it("bash completes commands, nested commands, flags and flag values", () => {
    expect(complete("kubefence", "au")).toEqual(["audit"]);
    expect(complete("kubefence", "webhook", "m")).toEqual(["manifests"]);
    expect(complete("kubefence", "webhook", "manifests", "--eng")).toEqual(["--engine"]);
    expect(complete("kubefence", "audit", "--fail")).toEqual(["--fail-on"]);
    expect(complete("kubefence", "audit", "--fail-on", "")).toEqual([
      "info",
      "low",
      "medium",
      "high",
      "critical",
    ]);
    expect(complete("kubefence", "audit", "-f", "package.js")).toEqual(["package.json"]);
    // A flag's value is not taken for a command: after `-n webhook`, audit's flags are still offered.
    expect(complete("kubefence", "audit", "-n", "webhook", "--tenant-l")).toEqual(["--tenant-label"]);
  });

  it("every command and flag of the tree is in each script", () => {
    const fish = runBuiltCli(["completion", "fish"]).stdout;
    const zsh = runBuiltCli(["completion", "zsh"]).stdout;
    expect(zsh.startsWith("autoload -U +X bashcompinit && bashcompinit\n")).toBe(true);
    for (const command of ["audit", "can-i", "podsec", "verify", "completion"]) {
      expect(fish).toContain(`-a '${command}'`);
      expect(bash).toContain(`"/${command}"`);
    }
    expect(fish).toContain("-n '__kubefence_path \\'/webhook\\'' -a 'serve'");
    expect(fish).toMatch(/-l fail-on -r -f -a 'info low medium high critical'/);
  });

  it("refuses a shell it has no script for", () => {
    expect(runBuiltCli(["completion", "tcsh"])).toMatchObject({
      code: 2,
      stderr: 'error: completion: shell must be one of bash, zsh, fish (got "tcsh")\n',
    });
  });
});
