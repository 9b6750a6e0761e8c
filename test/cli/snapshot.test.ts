import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotList } from "../../src/cli/snapshot.js";
import { allObjects } from "../../src/model/snapshot.js";
import { loadDemo } from "../../src/sources/demo.js";
import { loadLive } from "../../src/sources/live.js";
import { loadManifests } from "../../src/sources/manifests.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = join(ROOT, "src", "cli", "main.ts");

/** Runs the CLI from source (tsx), stdin closed, stderr a pipe (so no progress line), KUBECONFIG unset. */
function kubefence(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = { ...process.env, ...extraEnv };
  delete env.KUBECONFIG;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", MAIN, ...args],
      { env, cwd: ROOT, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ stdout, stderr, code: error ? (typeof error.code === "number" ? error.code : -1) : 0 }),
    );
    child.stdin?.end();
  });
}

let cluster: TestCluster;
let dir: string;

beforeAll(async () => {
  cluster = await startTestCluster();
  dir = cluster.dir;
  await cluster.apply([
    ...allObjects(loadDemo().snapshot),
    {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "nightly", namespace: "test-namespace" },
      spec: {
        schedule: "0 3 * * *",
        jobTemplate: {
          spec: {
            template: {
              spec: { restartPolicy: "OnFailure", containers: [{ name: "job", image: "busybox:1.36" }] },
            },
          },
        },
      },
    },
  ]);
});
afterAll(() => cluster?.stop());

describe("kubefence snapshot", () => {
  it("round-trips the demo: snapshot, then -f of the saved List, gives the same snapshot", () => {
    const demo = loadDemo();
    const file = join(dir, "demo.json");
    writeFileSync(file, JSON.stringify(snapshotList(demo.snapshot)));
    const reloaded = loadManifests([file]);
    expect(reloaded.diagnostics).toEqual([]);
    expect(reloaded.snapshot).toEqual(demo.snapshot);
  });

  it("prints a v1 List of every object, without kubefence's own bookkeeping", async () => {
    const { stdout, stderr, code } = await kubefence(["snapshot", "--demo"]);
    expect({ stderr, code }).toEqual({ stderr: "", code: 0 });
    const list = JSON.parse(stdout) as { apiVersion: string; kind: string; items: { kind: string }[] };
    expect(list.apiVersion).toBe("v1");
    expect(list.kind).toBe("List");
    expect(list.items).toHaveLength(allObjects(loadDemo().snapshot).length);
    expect(list.items.map((i) => i.kind)).toContain("ClusterRoleBinding");
    expect(stdout).not.toMatch(/origin|kubefence/);
  });

  it("-o yaml round-trips through the CLI too", async () => {
    const { stdout, code } = await kubefence(["snapshot", "--demo", "-o", "yaml"]);
    expect(code).toBe(0);
    expect(stdout.startsWith("apiVersion: v1\nkind: List\n")).toBe(true);
    const file = join(dir, "demo.yaml");
    writeFileSync(file, stdout);
    expect(loadManifests([file]).snapshot).toEqual(loadDemo().snapshot);
  });

  it("saves a live cluster so that reading the file equals reading the cluster", async () => {
    const { stdout, stderr, code } = await kubefence(["snapshot", "--kubeconfig", cluster.kubeconfig]);
    expect(code).toBe(0);
    // Nothing said: every kind is served at its stable version, and no progress line when stderr is a pipe.
    expect(stderr).toBe("");
    const file = join(dir, "cluster.json");
    writeFileSync(file, stdout);
    const fromFile = loadManifests([file]);
    expect(fromFile.diagnostics).toEqual([]);
    const live = await loadLive({ kubeconfig: cluster.kubeconfig });
    // The file holds objects; the server's version is the cluster's, and --kube-version says it for a file.
    const { serverVersion, ...objects } = live.snapshot;
    expect(serverVersion).toBeDefined();
    expect(fromFile.snapshot).toEqual(objects);
    expect(fromFile.snapshot.clusterRoles.length).toBeGreaterThan(40);
  });

  it("analysis of the saved file equals analysis of the live cluster", async () => {
    const saved = await kubefence(["snapshot", "--kubeconfig", cluster.kubeconfig]);
    const file = join(dir, "for-audit.json");
    writeFileSync(file, saved.stdout);
    const fromFile = await kubefence(["audit", "-f", file, "-o", "json"]);
    const fromCluster = await kubefence(["audit", "--kubeconfig", cluster.kubeconfig, "-o", "json"]);
    expect(fromFile.code).toBe(fromCluster.code);
    // The same answers; only where each object came from differs (file:line vs cluster).
    const comparable = (text: string) =>
      JSON.parse(text, (key, value: unknown) =>
        key === "origin" || key === "diagnostics"
          ? undefined
          : typeof value === "string"
            ? // Evidence names where each object was read: `(cluster test)` or `(/tmp/…/for-audit.json:12:5)`.
              value.replace(/ \((cluster [^)]+|[^()\s]+:\d+:\d+)\)/g, " (origin)")
            : value,
      );
    const report = comparable(fromCluster.stdout) as Record<string, unknown>;
    expect(Object.keys(report).length).toBeGreaterThan(1);
    expect(comparable(fromFile.stdout)).toEqual(report);
  });

  it("with credentials that may list only pods, saves the pods and warns about every other kind", async () => {
    const kubeconfig = await cluster.userKubeconfig("bob");
    // bob (demo) reads pods everywhere and nothing else.
    const { stdout, stderr, code } = await kubefence(["snapshot", "--kubeconfig", kubeconfig]);
    expect(code).toBe(0);
    const list = JSON.parse(stdout) as { items: { kind: string }[] };
    expect(new Set(list.items.map((i) => i.kind))).toEqual(new Set(["Pod"]));
    expect(stderr).toContain(
      'warning: cluster test: cannot list Namespace: namespaces is forbidden: User "bob" cannot list resource "namespaces" in API group "" at the cluster scope; ',
    );
    expect(stderr).toContain(
      "warning: the snapshot lacks Namespace, Node, ServiceAccount, Service, ReplicationController, PodTemplate, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, NetworkPolicy, Role, ClusterRole, RoleBinding, ClusterRoleBinding, ValidatingWebhookConfiguration, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding (not readable with these credentials); analysis of the saved file cannot know that\n",
    );
  });

  it("fails with exit code 2 and kubectl's message when the cluster cannot be reached", async () => {
    const kubeconfig = join(dir, "unreachable.kubeconfig");
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
    );
    expect(await kubefence(["snapshot", "--kubeconfig", kubeconfig])).toEqual({
      stdout: "",
      stderr:
        "error: The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n",
      code: 2,
    });
  });

  it("fails with exit code 2 for bad credentials", async () => {
    const kubeconfig = join(dir, "bad-token.kubeconfig");
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${cluster.server}", certificate-authority: "${cluster.caFile}" } }]
users: [{ name: u, user: { token: wrong } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
    );
    const { stdout, stderr, code } = await kubefence(["snapshot", "--kubeconfig", kubeconfig]);
    expect({ stdout, code }).toEqual({ stdout: "", code: 2 });
    expect(stderr).toMatch(
      /^error: You must be logged in to the server \(Unauthorized\): the credentials of context "x" were rejected by https:\/\/127\.0\.0\.1:\d+\n$/,
    );
  });

  it("without -f, --demo or any kubeconfig, says how to point it at something (exit code 2)", async () => {
    // HOME without .kube/config, KUBECONFIG unset, not inside a pod.
    expect(await kubefence(["snapshot"], { HOME: dir })).toEqual({
      stdout: "",
      stderr:
        "error: no kubeconfig: pass --kubeconfig, set KUBECONFIG or create ~/.kube/config to read a live cluster; or read manifests with -f, or try --demo\n",
      code: 2,
    });
  });

  it("rejects output formats other than json and yaml", async () => {
    expect(await kubefence(["snapshot", "--demo", "-o", "table"])).toEqual({
      stdout: "",
      stderr:
        'error: unable to match a printer suitable for the output format "table", allowed formats are: json,yaml\n',
      code: 2,
    });
  });
});
