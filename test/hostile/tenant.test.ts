/**
 * The hostile-tenant suite: against a real kube-apiserver (the test cluster's version, on loopback) with
 * the kubefence webhook run locally and registered as `webhook manifests` registers it, a tenant (mallory,
 * admin of tenant-a and allowed to patch its own Namespace) tries what an attacker would. Each probe is
 * expected to be refused, undone, or reported — never to pass unnoticed or crash kubefence.
 */
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLive } from "../../src/sources/live.js";
import { parseWebhookSettings } from "../../src/sources/tenants-file.js";
import type { VerifyReport } from "../../src/verify/report.js";
import { type ClusterCache, startClusterCache } from "../../src/webhook/cache.js";
import { admissionContext } from "../../src/webhook/context.js";
import { GUARDRAIL_IDS } from "../../src/webhook/guardrails/index.js";
import {
  NAMESPACES_WEBHOOK_NAME,
  validatingWebhookConfiguration,
  WEBHOOK_NAME,
} from "../../src/webhook/manifests.js";
import { startWebhookServer, type WebhookServer } from "../../src/webhook/server.js";
import { BUILT_CLI } from "../support/built-cli.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";
import { makeCertificates, type TestCertificates } from "../webhook/certs.js";

const TENANTS = `apiVersion: kubefence.io/v1alpha1
kind: TenantConfig
tenants:
  - name: tenant-a
    namespaces: [tenant-a]
    owners: [{kind: User, name: mallory}]
  - name: tenant-b
    namespaces: [tenant-b]
    owners: [{kind: User, name: bob}]
`;
const AS_MALLORY = { "Impersonate-User": "mallory" };
const MERGE = { ...AS_MALLORY, "Content-Type": "application/merge-patch+json" };
const NAME_LABEL = "kubernetes.io/metadata.name";

/** The built CLI, asynchronously: the webhook answering the API server runs in this process. */
function kubefence(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = { ...process.env };
  delete env.KUBECONFIG;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BUILT_CLI, ...args],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ stdout, stderr, code: error ? (typeof error.code === "number" ? error.code : -1) : 0 }),
    );
    child.stdin?.end();
  });
}

/** POSTs `body` to the webhook's /validate and resolves with the HTTP status (or -1 when the connection broke). */
function fetchStatus(url: string, ca: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpsRequest(
      new URL("/validate", url),
      {
        method: "POST",
        ca,
        agent: false,
        localAddress: "127.0.0.2",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? -1));
      },
    );
    req.on("error", () => resolve(-1));
    req.end(body);
  });
}

type Namespace = { metadata: { labels?: Record<string, string> } };
type Status = { message?: string };

let cluster: TestCluster;
let certs: TestCertificates;
let cache: ClusterCache;
let server: WebhookServer;
let tenantsFile: string;

const privilegedPod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: {
    hostPID: true,
    hostNetwork: true,
    volumes: [{ name: "root", hostPath: { path: "/" } }],
    containers: [
      {
        name: "c",
        image: "busybox",
        securityContext: { privileged: true },
        volumeMounts: [{ name: "root", mountPath: "/host" }],
      },
    ],
  },
});

beforeAll(async () => {
  cluster = await startTestCluster();
  tenantsFile = join(cluster.dir, "tenants.yaml");
  writeFileSync(tenantsFile, TENANTS);
  await cluster.apply([
    // No Pod Security labels: only the webhook stands between the tenant and the node.
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "tenant-a" } },
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "tenant-b" } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "mallory-admin", namespace: "tenant-a" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
      subjects: [{ kind: "User", name: "mallory", apiGroup: "rbac.authorization.k8s.io" }],
    },
    // What kubefence rates high, not critical: the tenant may edit its own Namespace object.
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "edit-own-namespace" },
      rules: [
        {
          apiGroups: [""],
          resources: ["namespaces"],
          resourceNames: ["tenant-a"],
          verbs: ["get", "patch", "update"],
        },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "mallory-edits-tenant-a" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit-own-namespace" },
      subjects: [{ kind: "User", name: "mallory", apiGroup: "rbac.authorization.k8s.io" }],
    },
  ]);
  certs = makeCertificates();
  const { settings, diagnostics } = parseWebhookSettings(TENANTS, "tenants.yaml", GUARDRAIL_IDS);
  if (!settings) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromFile(cluster.kubeconfig);
  cache = startClusterCache({ kubeconfig, log: () => {}, restartDelayMs: 200 });
  await cache.waitForSync(30_000);
  server = await startWebhookServer({
    host: "127.0.0.1",
    port: 0,
    certFile: certs.certFile,
    keyFile: certs.keyFile,
    log: () => {},
    context: () => {
      const snapshot = cache.snapshot();
      return snapshot && admissionContext(snapshot, settings);
    },
  });
  const registered = await cluster.request(
    "POST",
    "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
    validatingWebhookConfiguration({
      namespace: "kubefence-system",
      clientConfig: { url: `${server.url}/validate`, caBundle: Buffer.from(certs.ca).toString("base64") },
    }),
  );
  expect(registered.status).toBe(201);
  // The API server picks webhook configurations up asynchronously: wait until it calls this one.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const probe = await cluster.request(
      "POST",
      "/api/v1/namespaces/tenant-a/pods?dryRun=All",
      privilegedPod("probe"),
      AS_MALLORY,
    );
    if (probe.status !== 201 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  await cache?.stop();
  cluster?.stop();
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

describe("hostile tenant against a real kube-apiserver and the kubefence webhook", () => {
  it("webhook selector escape: relabelling its namespace kube-system is undone by the API server, and the privileged pod that would follow is refused", async () => {
    for (const labels of [{ [NAME_LABEL]: "kube-system" }, { [NAME_LABEL]: null }]) {
      const patched = await cluster.request<Namespace>(
        "PATCH",
        "/api/v1/namespaces/tenant-a",
        { metadata: { labels } },
        MERGE,
      );
      // Accepted (mallory may patch it) but the label is the name again, for a change as for a removal.
      expect(patched.status).toBe(200);
      expect(patched.body.metadata.labels?.[NAME_LABEL]).toBe("tenant-a");
    }
    // A JSON patch replacing the label directly fares no better.
    const json = await cluster.request<Namespace>(
      "PATCH",
      "/api/v1/namespaces/tenant-a",
      [{ op: "replace", path: "/metadata/labels/kubernetes.io~1metadata.name", value: "kube-system" }],
      { ...AS_MALLORY, "Content-Type": "application/json-patch+json" },
    );
    expect(json.status).toBe(200);
    const stored = await cluster.request<Namespace>("GET", "/api/v1/namespaces/tenant-a");
    expect(stored.body.metadata.labels?.[NAME_LABEL]).toBe("tenant-a");
    const pod = await cluster.request<Status>(
      "POST",
      "/api/v1/namespaces/tenant-a/pods?dryRun=All",
      privilegedPod("escape"),
      AS_MALLORY,
    );
    expect(pod.status).toBe(403);
    expect(pod.body.message).toMatch(
      new RegExp(`^admission webhook "${WEBHOOK_NAME}" denied the request: \\[kubefence:pod-security\\]`),
    );
  });

  it("verify reports the selector escape as held by the API server, and every other attempt as blocked", async () => {
    const run = await kubefence([
      "verify",
      "--kubeconfig",
      cluster.kubeconfig,
      "--tenants",
      tenantsFile,
      "--tenant",
      "tenant-a",
      "-o",
      "json",
    ]);
    const report = JSON.parse(run.stdout) as VerifyReport;
    const selectorEscape = report.tenants[0]!.attempts.find((a) => a.id === "webhook-selector-escape")!;
    expect(selectorEscape).toMatchObject({ verdict: "blocked", blockedBy: "api-server", status: 200 });
    expect(selectorEscape.message).toBe(
      `namespace/tenant-a labeled (server dry run), but the API server kept ${NAME_LABEL}=tenant-a (it sets that label to the namespace's name): the webhook's namespaceSelector still selects it`,
    );
    // The pods are the webhook's to stop here: tenant-a has no Pod Security labels.
    const byWebhook = report.tenants[0]!.attempts.filter((a) => a.blockedBy === "webhook").map((a) => a.id);
    expect(byWebhook).toEqual(expect.arrayContaining(["privileged-host-pod", "host-network-pod"]));
  });

  it("flooding the webhook from a tenant's address neither stops other writes nor lets the privileged pod through", async () => {
    // 256 concurrent reviews straight at the webhook from 127.0.0.2 (a tenant pod's address stand-in), with a
    // 10 MB body among them: the API server's own reviews (from 127.0.0.1) keep being answered meanwhile.
    const floodClient = new URL("../webhook/flood-client.ts", import.meta.url).pathname;
    const body = JSON.stringify({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      request: {
        uid: "flood-@I@",
        kind: { group: "", version: "v1", kind: "Pod" },
        resource: { group: "", version: "v1", resource: "pods" },
        operation: "CREATE",
        namespace: "tenant-a",
        userInfo: { username: "mallory" },
        object: { ...privilegedPod("flood-@I@"), metadata: { name: "flood-@I@", namespace: "tenant-a" } },
      },
    });
    const flood = new Promise<{ status?: number }[]>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        ["--import", "tsx", floodClient, server.url, certs.caFile, "256", "10000", "127.0.0.2"],
        { maxBuffer: 64 * 1024 * 1024 },
        (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))),
      );
      child.stdin?.end(body);
    });
    const huge = fetchStatus(server.url, certs.ca, "x".repeat(10 * 1024 * 1024));
    const legit: number[] = [];
    const refused: Status[] = [];
    for (let i = 0; i < 6; i++) {
      // A plain pod: reviewed by the webhook too, and allowed.
      const ok = await cluster.request(
        "POST",
        "/api/v1/namespaces/tenant-a/pods?dryRun=All",
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: `legit-${i}` },
          spec: { containers: [{ name: "c", image: "busybox" }] },
        },
        AS_MALLORY,
      );
      legit.push(ok.status);
      const pod = await cluster.request<Status>(
        "POST",
        "/api/v1/namespaces/tenant-a/pods?dryRun=All",
        privilegedPod(`during-flood-${i}`),
        AS_MALLORY,
      );
      expect(pod.status).toBe(403);
      refused.push(pod.body);
    }
    const replies = await flood;
    expect(await huge).toBe(413);
    // Every flood request got an answer: a review (denied) or a 429; none hung or reset.
    expect(replies.filter((r) => r.status !== 200 && r.status !== 429)).toEqual([]);
    // The flood met the per-client cap: it was shed, not queued ahead of the API server.
    expect(replies.some((r) => r.status === 429)).toBe(true);
    expect(legit).toEqual([201, 201, 201, 201, 201, 201]);
    for (const body of refused)
      expect(body.message).toMatch(/^admission webhook "validate\.kubefence\.io" denied/);
  });

  it("moving its namespace into another tenant by the tenant label is refused by the webhook", async () => {
    const moved = await cluster.request<Status>(
      "PATCH",
      "/api/v1/namespaces/tenant-a",
      { metadata: { labels: { "kubefence.io/tenant": "tenant-b" } } },
      MERGE,
    );
    expect(moved.status).toBe(403);
    expect(moved.body.message).toContain(
      `admission webhook "${NAMESPACES_WEBHOOK_NAME}" denied the request: [kubefence:namespace-tenant] label "kubefence.io/tenant" of namespace "tenant-a" may not change (from unset to "tenant-b")`,
    );
  });

  it("prototype-key and terminal-injection subjects bound by the tenant do not crash audit nor reach the terminal raw", async () => {
    const hostile = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];
    for (const [i, name] of [...hostile, "\u001b[2J\u001b[Herror: forged\nline"].entries()) {
      const created = await cluster.request(
        "POST",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/tenant-a/rolebindings",
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "RoleBinding",
          metadata: { name: `hostile-${i}` },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
          subjects: [
            { kind: i < hostile.length ? "Group" : "User", name, apiGroup: "rbac.authorization.k8s.io" },
          ],
        },
        AS_MALLORY,
      );
      // The API server accepts any subject name; what the webhook says of it is its guardrails' business.
      expect([201, 403]).toContain(created.status);
    }
    for (const output of ["table", "json"]) {
      const run = await kubefence([
        "audit",
        "--kubeconfig",
        cluster.kubeconfig,
        "--tenants",
        tenantsFile,
        "-o",
        output,
      ]);
      expect([0, 1]).toContain(run.code);
      expect(run.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
      if (output === "json") expect(() => JSON.parse(run.stdout)).not.toThrow();
      else {
        expect(run.stdout).not.toContain("\u001b");
        expect(run.stdout.split("\n").some((line) => line.startsWith("error: forged"))).toBe(false);
      }
    }
  });

  it("a namespace-scoped identity: read where it may, told exactly what it could not read, never told it is isolated", async () => {
    await cluster.apply([
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web", namespace: "tenant-a" },
        spec: { containers: [{ name: "web", image: "nginx" }] },
      },
    ]);
    // mallory's own credentials, its context in its namespace, as a tenant's kubeconfig is.
    const kubeconfig = join(cluster.dir, "mallory-in-tenant-a.kubeconfig");
    writeFileSync(
      kubeconfig,
      readFileSync(await cluster.userKubeconfig("mallory"), "utf8").replace(
        "      user: mallory\n",
        "      user: mallory\n      namespace: tenant-a\n",
      ),
    );
    const { snapshot, diagnostics } = await loadLive({ kubeconfig });
    expect(snapshot.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(["tenant-a/web"]);
    expect(snapshot.missingKinds).toContain("Namespace");
    expect(snapshot.missingKinds).toContain("Pod");
    expect(diagnostics.map((d) => d.message)).toContain(
      'cannot list Pod: pods is forbidden: User "mallory" cannot list resource "pods" in API group "" at the cluster scope; read in namespace tenant-a (the context\'s; Namespaces cannot be listed); network reachability and Pod Security findings see only workload templates, not running pods',
    );
    const run = await kubefence(["audit", "--kubeconfig", kubeconfig, "--fail-on", "low"]);
    expect(run.code).toBe(1);
    for (const plane of ["api", "network", "node"])
      expect(run.stdout).toMatch(new RegExp(`^${plane}\\s+\\d+\\s+\\d+\\s+unknown$`, "m"));
    expect(run.stdout).not.toMatch(/100%/);
    // ClusterRoles could not be read: a binding to `edit` is not a binding to a role that does not exist.
    expect(run.stdout).not.toContain("rbac.missing-role");
    expect(run.stderr).toContain("--allow-incomplete");
    const allowed = await kubefence([
      "audit",
      "--kubeconfig",
      kubeconfig,
      "--fail-on",
      "low",
      "--allow-incomplete",
    ]);
    expect(allowed.stdout).toMatch(/^network\s+\d+\s+\d+\s+unknown$/m);
  });
});
