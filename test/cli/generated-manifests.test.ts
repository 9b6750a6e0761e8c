/**
 * Every manifest `tenant init` and `fix` write is one the API server takes (server-side dry run as the
 * admin, kube-apiserver v1.37 on loopback), and what `tenant init` refuses, it refuses in the server's words.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixCommand } from "../../src/cli/fix.js";
import { tenantCommand } from "../../src/cli/tenant.js";
import { parseSubject } from "../../src/tenancy/config.js";
import { DEFAULT_QUOTA, tenantManifests } from "../../src/tenancy/guardrails.js";
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
      "cpu=500m,memory=1.5Gi,pods=10,requests.storage=100Gi,count/jobs.batch=5,requests.nvidia.com/gpu=2,hugepages-2Mi=1Gi,limits.cpu=1.5e3",
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
      // An owner ServiceAccount of the tenant's namespace is created with it, not only named.
      for (const owner of args.filter((a) => a.startsWith("ServiceAccount:"))) {
        const [, namespace, name] = owner.split(":");
        if (namespace === args[0])
          expect(applied.stdout).toContain(`serviceaccount/${name} created (server dry run)`);
      }
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

  it("fix --demo -o json: a List kubectl apply takes, every object accepted", async () => {
    const run = await runCommand(fixCommand, ["--demo", "-o", "json"]);
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout) as { kind: string; items: unknown[] };
    expect([list.kind, list.items.length > 0]).toEqual(["List", true]);
    await applyAll(run.stdout);
    const applied = await cluster.kubectl(["apply", "--dry-run=server", "-f", "-"], run.stdout);
    expect(rejections(applied.stderr)).toEqual([]);
    expect(applied.code).toBe(0);
    expect(applied.stdout.split("\n").filter(Boolean)).toHaveLength(list.items.length);
  });

  it("fix on a small case (a privileged Deployment, a cross-tenant binding, no NetworkPolicies): every object accepted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kubefence-fix-"));
    writeFileSync(join(dir, "case.yaml"), SMALL_CASE);
    try {
      const run = await runCommand(fixCommand, [
        "-f",
        join(dir, "case.yaml"),
        "--pod-security-version",
        "v1.30",
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/kind: Deployment/);
      expect(run.stdout).toMatch(/kind: RoleBinding/);
      expect(run.stdout).toMatch(/kind: NetworkPolicy/);
      await applyAll(run.stdout);
      const applied = await cluster.kubectl(["apply", "--dry-run=server", "-f", "-"], run.stdout);
      expect(rejections(applied.stderr)).toEqual([]);
      expect(applied.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fix --tenant-label a/b/c: refused with exit 2, nothing written, in the API server's words", async () => {
    const run = await runCommand(fixCommand, ["--demo", "--tenant-label", "a/b/c"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    // A warning that no namespace has the label may come first; the error is the API server's.
    const first = run.stderr
      .split("\n")
      .find((line) => line.startsWith("error: "))!
      .replace(/^error: /, "");
    expect(first).toMatch(/^Namespace "default" is invalid: metadata\.labels: Invalid value: "a\/b\/c": /);
    const patched = await cluster.kubectl([
      "label",
      "--dry-run=server",
      "namespace",
      "default",
      "a/b/c=default",
    ]);
    expect(patched.code).not.toBe(0);
    expect(patched.stderr).toContain(first);
  });

  it("fix --pod-security-version bogus: refused with Pod Security admission's words", async () => {
    const run = await runCommand(fixCommand, ["--demo", "--pod-security-version", "bogus"]);
    expect([run.code, run.stdout, run.stderr]).toEqual([
      2,
      "",
      'error: --pod-security-version "bogus": must be "latest" or "v1.x"\n',
    ]);
    const labelled = await cluster.kubectl([
      "label",
      "--dry-run=server",
      "namespace",
      "default",
      "pod-security.kubernetes.io/enforce-version=bogus",
    ]);
    expect(labelled.stderr).toContain('Invalid value: "bogus": must be "latest" or "v1.x"');
  });

  /**
   * What the server says to each object, in order, as the admin by server-side dry run (POST ?dryRun=All):
   * a Namespace it takes is then created for real, so that the objects in it can be judged; the objects of
   * a Namespace it refuses are not sent (they could only be NotFound).
   */
  async function serverRejections(manifests: Record<string, unknown>[]): Promise<string[]> {
    const messages: string[] = [];
    const refused = new Set<string>();
    for (const doc of manifests) {
      const kind = doc.kind as string;
      const meta = doc.metadata as { name: string; namespace?: string };
      if (meta.namespace !== undefined && refused.has(meta.namespace)) continue;
      const [plural, namespaced] = COLLECTIONS.get(kind)!;
      const apiVersion = doc.apiVersion as string;
      const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const collection = `${base}${namespaced ? `/namespaces/${meta.namespace}` : ""}/${plural}`;
      const reply = await cluster.request<{ message?: string }>("POST", `${collection}?dryRun=All`, doc);
      if (reply.status >= 300) {
        messages.push(reply.body.message ?? `HTTP ${reply.status}`);
        if (kind === "Namespace") refused.add(meta.name);
      } else if (kind === "Namespace") {
        expect((await cluster.request("POST", collection, doc)).status).toBe(201);
      }
    }
    return messages;
  }

  // Each case its own tenant (NAME), so that every Namespace is new to the server.
  const refusals: string[][] = [
    ["Bad_Name", "--namespace", "NAME"],
    ["NAME", "--level", "strict"],
    ["NAME", "--pod-security-version", "1.30"],
    ["NAME", "--namespace", "Bad_NS"],
    ["NAME", "--namespace", "a.b"],
    ["NAME", "--namespace", "NAME", "--namespace", "x".repeat(64)],
    ["NAME", "--quota", "cpu=lots"],
    ["NAME", "--quota", "memory=1.5.Gi"],
    ["NAME", "--quota", "limits.cpu=1e3m"],
    ["NAME", "--quota", "cpu=1e"],
    ["NAME", "--quota", "cpu=-0.5Gi"],
    ["NAME", "--quota", "hugepages-2Mi=-1"],
    ["NAME", "--quota", "pods=1.5"],
    ["NAME", "--quota", "cpu=-1"],
    ["NAME", "--quota", "foo=3"],
    ["NAME", "--quota", "example.com/gpu=0.5"],
    ["NAME", "--owner", "ServiceAccount:NAME:Bad_x"],
    ["NAME", "--tenant-label", "a/b/c"],
    ["x".repeat(64), "--namespace", "NAME"],
  ];
  refusals.forEach((template, i) => {
    const args = template.map((a) => a.replaceAll("NAME", `refused-${i}`));
    it(`tenant init ${template.join(" ")}: refused with exit 2, nothing written, every error the API server's own`, async () => {
      const run = await init(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      const ours = run.stderr
        .trimEnd()
        .split("\n")
        .map((line) => line.replace(/^error: /, ""));
      expect(await serverRejections(unchecked(args))).toEqual(ours);
    });
  });
});

/** Where each kind kubefence writes is created: plural and whether it is namespaced. */
const COLLECTIONS = new Map<string, [string, boolean]>([
  ["Namespace", ["namespaces", false]],
  ["ServiceAccount", ["serviceaccounts", true]],
  ["RoleBinding", ["rolebindings", true]],
  ["NetworkPolicy", ["networkpolicies", true]],
  ["ResourceQuota", ["resourcequotas", true]],
  ["LimitRange", ["limitranges", true]],
]);

/** The manifests `tenant init` would write for these arguments without its validation. */
function unchecked(args: string[]): Record<string, unknown>[] {
  const option = (name: string) => args.filter((_, i) => args[i - 1] === name);
  const quota: Record<string, string> = { ...DEFAULT_QUOTA };
  for (const pair of option("--quota").join(",").split(",").filter(Boolean)) {
    const [key, value] = pair.split("=") as [string, string];
    quota[key === "cpu" || key === "memory" ? `requests.${key}` : key] = value;
  }
  return tenantManifests({
    name: args[0]!,
    namespaces: option("--namespace").length > 0 ? option("--namespace") : [args[0]!],
    owners: option("--owner").map((o) => parseSubject(o)!),
    level: (option("--level")[0] ?? "baseline") as "baseline",
    version: option("--pod-security-version")[0] ?? "latest",
    quota,
    tenantLabel: option("--tenant-label")[0],
  });
}

/** Two tenants: shop runs a Deployment that escapes to its node, and its ServiceAccount edits bank's namespace. */
const SMALL_CASE = `
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: bank, labels: {pod-security.kubernetes.io/audit: restricted}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: true
      hostPID: true
      containers:
        - name: agent
          image: busybox
          securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}
          ports: [{containerPort: 9100, hostPort: 9100}]
          volumeMounts: [{name: root, mountPath: /host}]
      volumes: [{name: root, hostPath: {path: /}}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: bank, labels: {app: web}}
spec:
  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: editors, namespace: bank}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
  - {kind: ServiceAccount, name: deployer, namespace: shop}
  - {kind: User, name: ops-admin, apiGroup: rbac.authorization.k8s.io}
`;
