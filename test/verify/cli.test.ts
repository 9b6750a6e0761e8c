/** `kubefence verify`'s usage errors, which fail before any cluster is contacted (exit code 2). */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = join(ROOT, "src", "cli", "main.ts");
const dir = mkdtempSync(join(tmpdir(), "kubefence-verify-cli-"));
const tenants = join(dir, "tenants.yaml");
writeFileSync(
  tenants,
  "kind: TenantConfig\ntenants:\n  - name: team-a\n    namespaces: [team-a]\n    owners: [{kind: User, name: alice}]\n",
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubefence(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir };
  delete env.KUBECONFIG;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", MAIN, ...args],
      { env, cwd: ROOT },
      (error, stdout, stderr) =>
        resolve({ stdout, stderr, code: error ? (typeof error.code === "number" ? error.code : -1) : 0 }),
    );
  });
}

describe("kubefence verify usage", () => {
  it("requires a tenants file", async () => {
    expect(await kubefence(["verify"])).toEqual({
      stdout: "",
      stderr:
        "error: --tenants FILE is required: verify acts as each tenant's owner, and the tenants file says who they are\n",
      code: 2,
    });
  });

  it("names the tenants there are when --tenant names another", async () => {
    const run = await kubefence(["verify", "--tenants", tenants, "--tenant", "team-z"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: tenant "team-z" is not in the tenants file ${tenants} (tenants: team-a)\n`,
    );
  });

  it("rejects an output format it cannot print, as kubectl words it", async () => {
    const run = await kubefence(["verify", "--tenants", tenants, "-o", "sarif"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: unable to match a printer suitable for the output format "sarif", allowed formats are: table,json,yaml\n',
    );
  });

  it("without any kubeconfig, says how to point it at a cluster", async () => {
    const run = await kubefence(["verify", "--tenants", tenants]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: no kubeconfig: pass --kubeconfig, set KUBECONFIG or create ~\/\.kube\/config/,
    );
  });

  it("documents the attempts and shows examples in --help", async () => {
    const run = await kubefence(["verify", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("delete-default-deny");
    expect(run.stdout).toContain("Examples:\n  # Every tenant, as a CI gate");
  });
});
