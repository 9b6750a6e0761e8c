/**
 * can-i and who-can on a live cluster: the demo's RBAC applied to the real API server, read back through
 * the live source, and every answer compared with `kubectl auth can-i --as` on the same server.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { canICommand } from "../../src/cli/can-i.js";
import { DEMO_DIR } from "../../src/sources/demo.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";
import { type Run, runCommand } from "../support/run-command.js";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
  const docs = ["00-namespaces.yaml", "10-rbac.yaml"].flatMap((file) =>
    parseAllDocuments(readFileSync(join(DEMO_DIR, file), "utf8")).map((d) => d.toJSON() as object),
  );
  await cluster.apply(
    docs.filter((d) => (d as { metadata?: { name?: string } }).metadata?.name !== "default"),
  );
  // dana's bindings name roles that do not exist: a denial's reason lists them, per scope.
  const rbac = "rbac.authorization.k8s.io";
  const dana = [{ kind: "User", apiGroup: rbac, name: "dana" }];
  await cluster.apply([
    {
      apiVersion: `${rbac}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name: "dana-gone" },
      roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "gone" },
      subjects: dana,
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: "RoleBinding",
      metadata: { name: "dana-gone", namespace: "default" },
      roleRef: { apiGroup: rbac, kind: "Role", name: "gone-role" },
      subjects: dana,
    },
  ]);
});
afterAll(() => cluster?.stop());

async function kubefence(args: string[], kubeconfig = cluster.kubeconfig): Promise<Run> {
  return runCommand(canICommand, [...args, "--kubeconfig", kubeconfig]);
}

describe("can-i on a live cluster", () => {
  // kubectl's grammar: VERB TYPE, VERB TYPE/NAME (pods/log is the pod named log), the subresource only from
  // --subresource, -A, non-resource URLs; kubectl's warnings on stderr.
  const questions = [
    ["list", "pods", "-n", "kube-system", "--as", "bob"],
    ["list", "pods", "-n", "kube-system", "--as", "alice"],
    ["watch", "pods", "-n", "test-namespace", "--as", "alice"],
    ["delete", "pods", "-n", "test-namespace", "--as", "alice"],
    ["get", "pods/log", "-n", "test-namespace", "--as", "alice"],
    ["delete", "pods/log", "-n", "test-namespace", "--as", "alice"],
    ["get", "pods", "--subresource", "log", "-n", "test-namespace", "--as", "alice"],
    ["get", "pods/log", "--subresource", "log", "-n", "test-namespace", "--as", "alice"],
    ["get", "pods/web/log", "-n", "test-namespace", "--as", "alice"],
    ["get", "pods/web", "--subresource=exec", "-n", "test-namespace", "--as", "bob"],
    ["get", "deployments.apps/scale", "-n", "test-namespace", "--as", "bob"],
    ["get", "deployments/web", "--subresource", "scale", "-n", "test-namespace", "--as", "bob"],
    ["get", "nodes", "--as", "bob"],
    ["get", "nodes/n1", "--subresource", "proxy", "--as", "bob"],
    ["get", "nodes", "-A", "--as", "bob"],
    ["get", "namespaces/test-namespace", "--as", "alice"],
    ["get", "/healthz", "--as", "alice"],
    ["get", "/healthz/*", "--as", "alice"],
    ["get", "/healthz/etcd", "--as", "alice"],
    ["get", "/logs", "--as", "alice"],
    ["get", "/metrics", "--as", "bob"],
    ["frob", "/healthz", "--as", "alice"],
    ["frob", "pods", "--as", "alice"],
    ["frob", "pods", "-A", "--as", "alice"],
    ["get", "widgets/x", "--as", "alice"],
    ["get", "Widgets.example.com", "--as", "alice"],
    ["impersonate", "users/bob", "--as", "alice"],
    ["create", "selfsubjectaccessreviews", "--as", "alice"],
    ["list", "pods", "-A", "--as", "bob"],
    ["list", "pods", "-A", "--as", "alice"],
    ["get", "pods", "-n", "default", "--as", "carol", "--as-group", "system:masters"],
    ["*", "*", "-n", "test-namespace", "--as", "alice"],
  ];
  it.each(questions)("answers %s %s … as kubectl auth can-i does", async (...args) => {
    const kubectl = await cluster.kubectl(["auth", "can-i", ...args]);
    const ours = await kubefence(args);
    expect(ours.stdout).toBe(kubectl.stdout);
    expect(ours.code).toBe(kubectl.code);
    // kubectl's warnings byte for byte, then (on no) the Forbidden message kubectl does not print.
    expect(ours.stderr.startsWith(kubectl.stderr), ours.stderr).toBe(true);
    expect(ours.stderr.slice(kubectl.stderr.length)).toMatch(ours.code === 0 ? /^$/ : /^[^\n]+\n$/);
  });

  // kubectl exits 1 on bad input; kubefence 2 (its usage-error code) with kubectl's words.
  const badInput = [
    ["get", "--as", "alice"],
    ["get", "pods", "web", "--as", "alice"],
    ["get", "pods/exec", "web", "--as", "alice"],
    ["get", "/logs", "--subresource", "log", "--as", "alice"],
    ["get", "pods", "--no-headers", "--as", "alice"],
    ["frob", "nodes", "--no-headers", "--as", "alice"],
    ["--list", "pods", "--as", "alice"],
    ["--list", "-A", "--as", "alice"],
    ["--list", "-q", "--as", "alice"],
    ["--list", "--subresource", "log", "--as", "alice"],
  ];
  it.each(badInput)("rejects %s %s … with kubectl's error", async (...args) => {
    const kubectl = await cluster.kubectl(["auth", "can-i", ...args]);
    expect(kubectl.code).toBe(1);
    expect(kubectl.stderr).toMatch(/(^|\n)error: /);
    const ours = await kubefence(args);
    expect(ours.code).toBe(2);
    expect(ours.stdout).toBe("");
    expect(ours.stderr).toBe(kubectl.stderr.replace("'kubectl auth can-i -h'", "'kubefence can-i -h'"));
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
    expect(ours).toMatchObject({ stdout: "yes\n", code: 0 });
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

describe("can-i's Forbidden message is the API server's 403 for the same request", () => {
  // [can-i arguments, the REST request they stand for]; every one denied. Impersonate-User adds
  // system:authenticated, as --as does.
  const requests: [string[], string, string][] = [
    [["list", "pods", "-n", "kube-system", "--as", "alice"], "GET", "/api/v1/namespaces/kube-system/pods"],
    [
      ["delete", "pods/log", "-n", "test-namespace", "--as", "alice"],
      "DELETE",
      "/api/v1/namespaces/test-namespace/pods/log",
    ],
    [
      ["get", "pods/web", "--subresource", "log", "-n", "test-namespace", "--as", "alice"],
      "GET",
      "/api/v1/namespaces/test-namespace/pods/web/log",
    ],
    [
      ["get", "deployments.apps/web", "--subresource", "scale", "-n", "test-namespace", "--as", "bob"],
      "GET",
      "/apis/apps/v1/namespaces/test-namespace/deployments/web/scale",
    ],
    [["list", "nodes", "--as", "bob"], "GET", "/api/v1/nodes"],
    [["get", "nodes/n1", "--as", "bob"], "GET", "/api/v1/nodes/n1"],
    [["get", "nodes/n1", "--subresource", "proxy", "--as", "bob"], "GET", "/api/v1/nodes/n1/proxy"],
    [
      ["list", "clusterroles.rbac.authorization.k8s.io", "-n", "test-namespace", "--as", "alice"],
      "GET",
      "/apis/rbac.authorization.k8s.io/v1/clusterroles",
    ],
    [["list", "namespaces", "--as", "alice"], "GET", "/api/v1/namespaces"],
    [["get", "namespaces/kube-system", "--as", "alice"], "GET", "/api/v1/namespaces/kube-system"],
    [
      ["update", "namespaces/kube-system", "--subresource", "finalize", "--as", "alice"],
      "PUT",
      "/api/v1/namespaces/kube-system/finalize",
    ],
    [["list", "pods", "-A", "--as", "alice"], "GET", "/api/v1/pods"],
    [["list", "deployments.apps", "-A", "--as", "alice"], "GET", "/apis/apps/v1/deployments"],
    [["get", "/logs", "--as", "alice"], "GET", "/logs"],
    [["get", "/metrics", "--as", "bob"], "GET", "/metrics"],
    [["get", "/healthz/etcd", "--as", "alice"], "GET", "/healthz/etcd"],
    [["list", "nodes", "--as", "dana"], "GET", "/api/v1/nodes"],
    [["list", "pods", "-n", "default", "--as", "dana"], "GET", "/api/v1/namespaces/default/pods"],
    [["list", "pods", "-A", "--as", "dana"], "GET", "/api/v1/pods"],
  ];
  it.each(requests)("%j is the server's 403 for %s %s", async (args, method, path) => {
    const server = await cluster.request<{ message: string }>(
      method,
      path,
      method === "PUT" ? {} : undefined,
      {
        "Impersonate-User": args[args.indexOf("--as") + 1]!,
      },
    );
    expect(server.status).toBe(403);
    const ours = await kubefence(args);
    expect(ours.code).toBe(1);
    const forbidden = ours.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("Warning: "));
    expect(forbidden).toEqual([server.body.message]);
  });
});
