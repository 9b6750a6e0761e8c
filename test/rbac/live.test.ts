/**
 * can-i and who-can on a live cluster: the demo's RBAC applied to the real API server, read back through
 * the live source, and every answer compared with `kubectl auth can-i --as` on the same server.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseAllDocuments } from "yaml";
import { canICommand } from "../../src/cli/can-i.js";
import { DEMO_DIR } from "../../src/sources/demo.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
  const docs = ["00-namespaces.yaml", "10-rbac.yaml"].flatMap((file) =>
    parseAllDocuments(readFileSync(join(DEMO_DIR, file), "utf8")).map((d) => d.toJSON() as object),
  );
  await cluster.apply(
    docs.filter((d) => (d as { metadata?: { name?: string } }).metadata?.name !== "default"),
  );
});
afterAll(() => cluster?.stop());

async function kubefence(
  args: string[],
  kubeconfig = cluster.kubeconfig,
): Promise<{ stdout: string; code: number }> {
  let stdout = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    await canICommand()
      .exitOverride()
      .parseAsync([...args, "--kubeconfig", kubeconfig], { from: "user" });
    return { stdout, code: Number(process.exitCode ?? 0) };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = saved;
  }
}

describe("can-i on a live cluster", () => {
  const questions = [
    ["list", "pods", "-n", "kube-system", "--as", "bob"],
    ["list", "pods", "-n", "kube-system", "--as", "alice"],
    ["watch", "pods", "-n", "test-namespace", "--as", "alice"],
    ["delete", "pods", "-n", "test-namespace", "--as", "alice"],
    ["get", "pods/log", "-n", "test-namespace", "--as", "alice"],
    ["get", "/healthz", "--as", "alice"],
    ["get", "/metrics", "--as", "bob"],
    ["create", "selfsubjectaccessreviews", "--as", "alice"],
    ["list", "pods", "-A", "--as", "bob"],
    ["list", "pods", "-A", "--as", "alice"],
    ["get", "pods", "-n", "default", "--as", "carol", "--as-group", "system:masters"],
  ];
  it.each(questions)("answers %s %s … as kubectl auth can-i does", async (...args) => {
    // kubectl reads `TYPE/NAME`; kubefence reads pods/log as a subresource — ask kubectl the same question.
    const kubectlArgs = args.map((a) => (a === "pods/log" ? "pods" : a));
    if (args.includes("pods/log")) kubectlArgs.push("--subresource", "log");
    const kubectl = await cluster.kubectl(["auth", "can-i", ...kubectlArgs]);
    const ours = await kubefence(args);
    expect(ours.stdout).toBe(kubectl.stdout);
    expect(ours.code).toBe(kubectl.code);
  });

  it("without -n asks in the kubeconfig context's namespace, as kubectl does", async () => {
    const withNamespace = join(cluster.dir, "namespaced.kubeconfig");
    writeFileSync(
      withNamespace,
      readFileSync(cluster.kubeconfig, "utf8").replace(
        "      cluster: test\n",
        "      cluster: test\n      namespace: test-namespace\n",
      ),
    );
    const kubectl = await cluster.kubectl([
      "auth",
      "can-i",
      "list",
      "pods",
      "--as",
      "alice",
      "--kubeconfig",
      withNamespace,
    ]);
    expect(kubectl.stdout).toBe("yes\n");
    const ours = await kubefence(["list", "pods", "--as", "alice"], withNamespace);
    expect(ours).toEqual({ stdout: "yes\n", code: 0 });
  });

  it("--list matches kubectl on the live cluster", async () => {
    const kubectl = await cluster.kubectl([
      "auth",
      "can-i",
      "--list",
      "-n",
      "test-namespace",
      "--as",
      "alice",
    ]);
    const ours = await kubefence(["--list", "-n", "test-namespace", "--as", "alice"]);
    expect(ours.stdout).toBe(kubectl.stdout);
  });
});
