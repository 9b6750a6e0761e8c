/**
 * Every manifest `tenant init` and `fix` write is one the API server takes (server-side dry run as the
 * admin, kube-apiserver v1.37 on loopback), and what `tenant init` refuses, it refuses in the server's words.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixCommand } from "../../src/cli/fix.js";
import { tenantCommand } from "../../src/cli/tenant.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";
import { runCommand } from "../support/run-command.js";

describe("generated manifests against kube-apiserver", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
  }, 120_000);
  afterAll(() => cluster?.stop());

  /** Namespaces for real (namespaced objects need one to exist), then every object by server-side dry run. */
  async function applyAll(text: string): Promise<void> {
    const { parseAllDocuments } = await import("yaml");
    const objects = parseAllDocuments(text).flatMap((d) => {
      const o = d.toJS() as { items?: unknown[] } | null;
      return o?.items ?? (o ? [o] : []);
    }) as { kind: string; metadata: { name: string; namespace?: string } }[];
    const names = objects.map((o) => (o.kind === "Namespace" ? o.metadata.name : o.metadata.namespace));
    for (const ns of new Set(names)) if (ns) await cluster.kubectl(["create", "namespace", ns]);
  }
  /** kubectl's note that an object it did not create has no last-applied annotation is not a rejection. */
  const rejections = (stderr: string) =>
    stderr.split("\n").filter((l) => l !== "" && !/^Warning: resource .* is missing the kubectl/.test(l));

  const init = (args: string[]) => runCommand(tenantCommand, ["init", ...args]);

  for (const args of [
    ["team-a"],
    [
      "team-a",
      "--namespace",
      "team-a",
      "--namespace",
      "team-a-dev",
      "--owner",
      "User:alice",
      "--level",
      "restricted",
    ],
    [
      "team-b",
      "--owner",
      "Group:team-b",
      "--owner",
      "ServiceAccount:team-b:deployer",
      "--pod-security-version",
      "v1.30",
    ],
    [
      "team-c",
      "--quota",
      "cpu=500m,memory=1.5Gi,pods=10,requests.storage=100Gi,count/jobs.batch=5",
      "--level",
      "privileged",
    ],
    ["team-d", "--tenant-label", "example.com/team", "-o", "json"],
  ]) {
    it(`tenant init ${args.join(" ")}: every object accepted`, async () => {
      const run = await init(args);
      expect(run.code).toBe(0);
      await applyAll(run.stdout);
      const applied = await cluster.kubectl(["apply", "--dry-run=server", "-f", "-"], run.stdout);
      expect(rejections(applied.stderr)).toEqual([]);
      expect(applied.code).toBe(0);
      expect(applied.stdout).toMatch(/\(server dry run\)/);
    });
  }

  it("fix --demo: every object accepted", async () => {
    const run = await runCommand(fixCommand, ["--demo"]);
    expect(run.code).toBe(0);
    await applyAll(run.stdout);
    const applied = await cluster.kubectl(["apply", "--dry-run=server", "-f", "-"], run.stdout);
    expect(rejections(applied.stderr)).toEqual([]);
    expect(applied.code).toBe(0);
  });

  for (const args of [
    ["bad", "--namespace", "Bad_NS"],
    ["bad", "--namespace", "a.b"],
    ["bad", "--quota", "cpu=lots"],
    ["bad", "--quota", "pods=1.5"],
    ["bad", "--quota", "cpu=-1"],
    ["bad", "--quota", "foo=3"],
    ["bad", "--owner", "ServiceAccount:ns:Bad_x"],
    ["bad", "--tenant-label", "a/b/c"],
  ]) {
    it(`tenant init ${args.join(" ")}: refused with exit 2, nothing written, in the API server's words`, async () => {
      const run = await init(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      // The server's own answer to the same objects, written as they would be without the check.
      const { manifestErrors } = await import("../../src/tenancy/guardrails.js");
      expect(manifestErrors).toBeTypeOf("function");
      const message = run.stderr.replace(/^error: /, "").trimEnd();
      expect(message).not.toBe("");
      const yaml = await unchecked(args);
      await cluster.kubectl(["create", "namespace", "bad"]);
      const created = await cluster.kubectl(["create", "--dry-run=server", "-f", "-"], yaml);
      expect(created.code).not.toBe(0);
      expect(created.stderr).toContain(message.split("\n")[0]!);
    });
  }
});

/** The manifests `tenant init` would write for these arguments without its validation. */
async function unchecked(args: string[]): Promise<string> {
  const guardrails = await import("../../src/tenancy/guardrails.js");
  const { stringify } = await import("yaml");
  const { parseSubject } = await import("../../src/tenancy/config.js");
  const option = (name: string) => args.filter((_, i) => args[i - 1] === name);
  const quota: Record<string, string> = { ...guardrails.DEFAULT_QUOTA };
  for (const pair of option("--quota").join(",").split(",").filter(Boolean)) {
    const [key, value] = pair.split("=") as [string, string];
    quota[key === "cpu" || key === "memory" ? `requests.${key}` : key] = value;
  }
  const manifests = guardrails.tenantManifests({
    name: args[0]!,
    namespaces: option("--namespace").length > 0 ? option("--namespace") : [args[0]!],
    owners: option("--owner").map((o) => parseSubject(o)!),
    level: "baseline",
    version: "latest",
    quota,
    tenantLabel: option("--tenant-label")[0],
  });
  return manifests.map((m) => stringify(m)).join("---\n");
}
