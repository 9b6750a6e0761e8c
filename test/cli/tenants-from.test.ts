/** `audit --tenants-from`: the CLI on the examples/platforms fixtures, as a user runs it. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBuiltCli } from "../support/built-cli.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples", "platforms");
const audit = (...args: string[]) => runBuiltCli(["audit", ...args]);
const json = (stdout: string) =>
  JSON.parse(stdout) as {
    tenants: { name: string; namespaces: string[]; from?: { platform: string } }[];
    findings: { id: string; subject: string; object: string }[];
  };

describe("audit --tenants-from", () => {
  it("capsule: Tenants become the matrix's tenants, and Capsule's findings are reported", () => {
    const run = audit("-f", join(EXAMPLES, "capsule.yaml"), "--tenants-from", "capsule", "-o", "json");
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("info: tenants from Capsule (2 tenants: oil, gas)\n");
    const report = json(run.stdout);
    expect(report.tenants.map((t) => [t.name, t.namespaces, t.from?.platform])).toEqual([
      ["gas", ["gas-dev"], "capsule"],
      ["oil", ["oil-dev", "oil-prod"], "capsule"],
    ]);
    expect(report.findings.filter((f) => f.id.includes("capsule")).map((f) => [f.id, f.subject])).toEqual([
      ["network.capsule-tenant-not-isolated", "Capsule tenant gas"],
      ["node.capsule-tenant-shares-nodes", "Capsule tenant oil"],
      ["node.capsule-tenant-shares-nodes", "Capsule tenant gas"],
    ]);
  });

  it("hnc: hierarchies are tenants; the propagated cross-tenant grant is a breach and a finding", () => {
    const run = audit("-f", join(EXAMPLES, "hnc.yaml"), "--tenants-from", "hnc");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("FROM \\ TO   acme   beta\nacme        -      AX\nbeta        .      -\n");
    // The table wraps long lines to the width (100 columns here): compare them unwrapped.
    expect(run.stdout.replace(/\n {9}/g, " ")).toContain(
      "HIGH     rbac.hnc-grant-crosses-subtrees  ServiceAccount:acme-dev/deployer (tenant acme) -> tenant beta's subtree",
    );
  });

  it("vcluster: text output names synced pods by both names, and the host namespace's findings are reported", () => {
    const run = audit("-f", join(EXAMPLES, "vcluster.yaml"), "--tenants-from", "vcluster");
    expect(run.code).toBe(0);
    expect(run.stdout.replace(/\n {9}/g, " ")).toContain(
      "vc1: default/web[Pod] (host team-a-vc/web-x-default-x-vc1) can take over its node",
    );
    for (const id of [
      "node.vcluster-host-without-pod-security",
      "network.vcluster-host-without-network-policy",
      "rbac.vcluster-syncer-beyond-namespace",
    ])
      expect(run.stdout).toContain(id);
    expect(run.stdout).not.toContain("team-b-vc has no NetworkPolicy");
  });

  it("auto over every fixture says which platforms it found", () => {
    const run = audit("-f", EXAMPLES, "--tenants-from", "auto", "-o", "json");
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      "info: --tenants-from auto: tenants from Capsule (2 tenants: oil, gas) and HNC (2 tenants: acme, beta) and vcluster (2 tenants: vc1, vc2)\n",
    );
    expect(json(run.stdout).tenants).toHaveLength(6);
  });

  it("platform objects read from files are counted as read, not as kinds kubefence does not analyse", () => {
    const run = audit("-f", EXAMPLES, "--tenants-from", "auto", "-o", "json");
    expect(run.stdout).not.toContain("capsule.clastix.io/v1beta2/Tenant");
    const text = audit("-f", EXAMPLES, "--tenants-from", "auto").stdout;
    expect(text).not.toContain("Not analysed");
  });

  it("refuses an unknown platform and a second way of naming tenants (exit 2)", () => {
    expect(audit("--demo", "--tenants-from", "kiosk")).toMatchObject({
      code: 2,
      stderr:
        'error: --tenants-from "kiosk": must be auto or one or more of capsule, hnc, vcluster (comma-separated)\n',
    });
    expect(audit("--demo", "--tenants-from", "auto", "--tenant-label", "team")).toMatchObject({
      code: 2,
      stderr: "error: --tenant-label and --tenants-from cannot be used together\n",
    });
  });

  it("several platforms at once, comma-separated", () => {
    const run = audit("-f", EXAMPLES, "--tenants-from", "capsule,vcluster", "-o", "json");
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      "info: tenants from Capsule (2 tenants: oil, gas) and vcluster (2 tenants: vc1, vc2)\ninfo: 5 namespaces belong to no platform tenant (acme, acme-dev, acme-team, beta, beta-ci); each is analysed as a tenant of its own\n",
    );
  });
});
