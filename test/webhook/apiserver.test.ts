/**
 * The round trip through a real kube-apiserver (v1.37 on loopback): the webhook registered with a
 * ValidatingWebhookConfiguration (clientConfig.url on 127.0.0.1, the test CA in caBundle), tenants acting
 * through impersonation, and the API server's own answers asserted — allowed, denied with the guardrail's
 * message, warned — plus failing closed when the webhook is down, certificate rotation, and the cache
 * following the cluster.
 */

import { spawn } from "node:child_process";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kindInfo } from "../../src/model/kinds.js";
import { type ClusterCache, startClusterCache } from "../../src/webhook/cache.js";
import { admissionContext } from "../../src/webhook/context.js";
import {
  validatingWebhookConfiguration,
  WEBHOOK_NAME,
  webhookManifests,
} from "../../src/webhook/manifests.js";
import { type LogEntry, startWebhookServer, type WebhookServer } from "../../src/webhook/server.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";
import { makeCertificates, type TestCertificates } from "./certs.js";
import { call, rawConnection } from "./client.js";
import { settingsOf } from "./helpers.js";

const TENANTS = `
apiVersion: kubefence.io/v1alpha1
kind: TenantConfig
tenants:
  - name: team-a
    namespaceSelector: {matchLabels: {kubefence.io/tenant: team-a}}
    owners: [{kind: User, name: alice}]
  - name: team-b
    namespaces: [team-b]
    owners: [{kind: User, name: bob}]
guardrails:
  service-exposure: warn
`;

interface ApiReply {
  status: number;
  body: { message?: string; code?: number; metadata?: { name?: string; resourceVersion?: string } };
  warnings: string[];
}

describe("webhook round trip through kube-apiserver", () => {
  let cluster: TestCluster;
  let certs: TestCertificates;
  let cache: ClusterCache;
  let server: WebhookServer | undefined;
  const logs: LogEntry[] = [];

  /** One API request, as the admin or (impersonated) as a tenant user; keeps the Warning headers. */
  const api = (method: string, path: string, body?: unknown, as?: string): Promise<ApiReply> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = {
        Authorization: `Bearer ${cluster.token}`,
        Accept: "application/json",
      };
      if (payload !== undefined)
        headers["Content-Type"] = method === "PATCH" ? "application/merge-patch+json" : "application/json";
      if (as) headers["Impersonate-User"] = as;
      const req = httpsRequest(
        `${cluster.server}${path}`,
        { method, headers, ca: readFileSync(cluster.caFile) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const warning = res.headers.warning;
            const warnings = (Array.isArray(warning) ? warning : warning ? [warning] : []).map((w) =>
              w.replace(/^299 - "(.*)"$/, "$1").replace(/\\"/g, '"'),
            );
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
              warnings,
            });
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });

  const startServer = async () => {
    const settings = settingsOf(TENANTS);
    server = await startWebhookServer({
      host: "127.0.0.1",
      port: 0,
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      certPollMs: 50,
      log: (entry) => logs.push(entry),
      context: () => {
        const snapshot = cache.snapshot();
        return snapshot && admissionContext(snapshot, settings);
      },
    });
    return server;
  };

  const register = async (url: string, ca: string) => {
    const path = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";
    const configuration = validatingWebhookConfiguration({
      namespace: "kubefence-system",
      clientConfig: { url: `${url}/validate`, caBundle: Buffer.from(ca).toString("base64") },
    });
    const existing = await api("GET", `${path}/kubefence`);
    if (existing.status === 404) return api("POST", path, configuration);
    const metadata = { name: "kubefence", resourceVersion: existing.body.metadata?.resourceVersion };
    return api("PUT", `${path}/kubefence`, { ...configuration, metadata });
  };

  const pod = (name: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { containers: [{ name: "app", image: "nginx" }], ...spec },
  });

  /** Retries until `done` holds (the API server picks up webhook configurations asynchronously). */
  const eventually = async <T>(
    attempt: () => Promise<T>,
    done: (value: T) => boolean,
    ms = 15_000,
  ): Promise<T> => {
    const deadline = Date.now() + ms;
    let value = await attempt();
    while (!done(value) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      value = await attempt();
    }
    return value;
  };

  beforeAll(async () => {
    cluster = await startTestCluster();
    certs = makeCertificates();
    await cluster.apply([
      {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "team-a", labels: { "kubefence.io/tenant": "team-a" } },
      },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-b" } },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "owners", namespace: "team-a" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "alice" }],
      },
      {
        // RBAC lets alice write ClusterRoleBindings of "view", so the denial below is the webhook's, not RBAC's.
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "crb-writer" },
        rules: [
          { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterrolebindings"], verbs: ["create"] },
          {
            apiGroups: ["rbac.authorization.k8s.io"],
            resources: ["clusterroles"],
            verbs: ["bind"],
            resourceNames: ["view"],
          },
        ],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "alice-crb-writer" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "crb-writer" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "alice" }],
      },
    ]);
    // The webhook configuration leaves kube-system out by this label, which the API server sets itself.
    const kubeSystem = await api("GET", "/api/v1/namespaces/kube-system");
    expect(
      (kubeSystem.body as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.[
        "kubernetes.io/metadata.name"
      ],
    ).toBe("kube-system");
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(cluster.kubeconfig);
    cache = startClusterCache({ kubeconfig, log: (entry) => logs.push(entry), restartDelayMs: 200 });
    await cache.waitForSync(30_000);
    const started = await startServer();
    expect((await register(started.url, certs.ca)).status).toBeLessThan(300);
  });

  afterAll(async () => {
    await server?.close();
    await cache?.stop();
    await cluster?.stop();
    if (certs) rmSync(certs.dir, { recursive: true, force: true });
  });

  it("denies a tenant's privileged pod with the guardrail's message, through the API server", async () => {
    const reply = await eventually(
      () => api("POST", "/api/v1/namespaces/team-a/pods", pod("escape", { hostPID: true }), "alice"),
      (r) => r.status !== 201 && /kubefence/.test(r.body.message ?? ""),
    );
    expect(reply.status).toBe(403);
    expect(reply.body.message).toBe(
      `admission webhook "${WEBHOOK_NAME}" denied the request: [kubefence:pod-security] pods "escape" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true); to comply: change the pod spec to meet Pod Security "baseline:latest" (https://kubernetes.io/docs/concepts/security/pod-security-standards/), or ask a platform administrator to change tenant "team-a"'s podSecurity level`,
    );
    expect(logs.some((l) => l.msg === "review" && l.user === "alice" && l.allowed === false)).toBe(true);
  });

  it("allows a tenant's compliant pod", async () => {
    const reply = await api("POST", "/api/v1/namespaces/team-a/pods", pod("fine"), "alice");
    expect(reply.status).toBe(201);
  });

  it("denies a tenant's ClusterRoleBinding that RBAC alone would allow", async () => {
    const reply = await api(
      "POST",
      "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "alice-views-everything" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "alice" }],
      },
      "alice",
    );
    expect(reply.status).toBe(403);
    expect(reply.body.message).toContain(
      `admission webhook "${WEBHOOK_NAME}" denied the request: [kubefence:rbac-cluster-bindings]`,
    );
  });

  it("warns (and allows) where the guardrail's mode is warn", async () => {
    const reply = await api(
      "POST",
      "/api/v1/namespaces/team-a/services",
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "exposed" },
        spec: { type: "NodePort", ports: [{ port: 80 }] },
      },
      "alice",
    );
    expect(reply.status).toBe(201);
    expect(reply.warnings).toEqual([
      expect.stringContaining(
        '[kubefence:service-exposure] Service "exposed": type NodePort opens a port on every node',
      ),
    ]);
  });

  it("lets platform administrators through", async () => {
    const reply = await api(
      "POST",
      "/api/v1/namespaces/team-a/pods",
      pod("admin-debug", { hostNetwork: true }),
    );
    expect(reply.status).toBe(201);
  });

  it("follows the cluster: a new RoleBinding changes the next decision", async () => {
    const role = (resources: string[]) => ({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "reader", namespace: "team-a" },
      rules: [{ apiGroups: [""], resources, verbs: ["get"] }],
    });
    expect(
      (
        await api(
          "POST",
          "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles",
          role(["pods"]),
          "alice",
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await api(
          "PUT",
          "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles/reader",
          role(["pods", "services"]),
          "alice",
        )
      ).status,
    ).toBe(200);
    // The platform binds team-b's service account to the role; now widening it reaches into team-a from team-b.
    const binding = await api("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings", {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "team-b-reads" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
      subjects: [{ kind: "ServiceAccount", name: "builder", namespace: "team-b" }],
    });
    expect(binding.status).toBe(201);
    await eventually(
      async () => cache.snapshot()?.roleBindings.some((b) => b.metadata.name === "team-b-reads") ?? false,
      (seen) => seen,
    );
    const widened = await api(
      "PUT",
      "/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles/reader",
      role(["pods", "services", "configmaps"]),
      "alice",
    );
    expect(widened.status).toBe(403);
    expect(widened.body.message).toContain(
      '[kubefence:rbac-cross-tenant] Role "reader" would give identities of one tenant access into another tenant or the platform: ServiceAccount:team-b/builder of tenant "team-b" would gain',
    );
  });

  it("the API server retries a review shed with 429 and Retry-After, and the write succeeds within its timeout", async () => {
    const own = makeCertificates();
    const settings = settingsOf(TENANTS);
    // One slot in all: while a stalled client holds it, every call from the API server is shed.
    const shedding = await startWebhookServer({
      host: "127.0.0.1",
      port: 0,
      certFile: own.certFile,
      keyFile: own.keyFile,
      load: { global: 1 },
      context: () => {
        const snapshot = cache.snapshot();
        return snapshot && admissionContext(snapshot, settings);
      },
    });
    try {
      expect((await register(shedding.url, own.ca)).status).toBeLessThan(300);
      await eventually(
        () => api("POST", "/api/v1/namespaces/team-a/pods?dryRun=All", pod("probe"), "alice"),
        () => shedding.metrics.reviews.get({ kind: "Pod", operation: "CREATE", allowed: "true" }) > 0,
      );
      const stalled = await rawConnection(shedding.port, own.ca);
      stalled.on("error", () => {});
      stalled.write(
        'POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
      );
      await eventually(
        async () => shedding.metrics.render(),
        (text) => /^kubefence_webhook_in_flight 1$/m.test(text),
      );
      const created = api("POST", "/api/v1/namespaces/team-a/pods", pod("after-429"), "alice");
      await eventually(
        async () => shedding.metrics.shed.get({ reason: "global-limit" }),
        (n) => n > 0,
      );
      stalled.destroy();
      const reply = await created;
      expect(reply.status, reply.body.message).toBe(201);
      expect(shedding.metrics.reviews.get({ kind: "Pod", operation: "CREATE", allowed: "true" })).toBe(2);
    } finally {
      expect((await register(server!.url, certs.ca)).status).toBeLessThan(300);
      await shedding.close();
      rmSync(own.dir, { recursive: true, force: true });
    }
    const before = server!.metrics.reviews.get({ kind: "Pod", operation: "CREATE", allowed: "true" });
    await eventually(
      () => api("POST", "/api/v1/namespaces/team-a/pods?dryRun=All", pod("probe"), "alice"),
      () => server!.metrics.reviews.get({ kind: "Pod", operation: "CREATE", allowed: "true" }) > before,
    );
  });

  it("picks up a rotated serving certificate without a restart", async () => {
    const rotated = makeCertificates(certs.dir, "rotated-");
    copyFileSync(rotated.keyFile, certs.keyFile);
    copyFileSync(rotated.certFile, certs.certFile);
    await eventually(
      async () => logs.filter((l) => l.msg === "serving certificate reloaded").length,
      (n) => n > 0,
    );
    // Trust only the new CA: answers can now come only from the new certificate.
    expect((await register(server!.url, rotated.ca)).status).toBeLessThan(300);
    const reply = await eventually(
      () => api("POST", "/api/v1/namespaces/team-a/pods", pod("after-rotation", { hostIPC: true }), "alice"),
      (r) => /denied the request: \[kubefence:pod-security\]/.test(r.body.message ?? ""),
    );
    expect(reply.body.message).toContain("host namespaces (hostIPC=true)");
  });

  it("accepts every object `webhook manifests` writes (server-side dry run)", async () => {
    const docs = webhookManifests({
      namespace: "kubefence-system",
      image: "kubefence:test",
      caBundle: certs.ca,
      tenantsFile: TENANTS,
      apiServerCidrs: ["127.0.0.1/32", "::1/128"],
    }) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace?: string };
    }[];
    expect((await api("POST", "/api/v1/namespaces", docs[0])).status).toBe(201);
    const extra: Record<string, { plural: string; namespaced: boolean }> = {
      ConfigMap: { plural: "configmaps", namespaced: true },
      PodDisruptionBudget: { plural: "poddisruptionbudgets", namespaced: true },
      ValidatingWebhookConfiguration: { plural: "validatingwebhookconfigurations", namespaced: false },
    };
    for (const doc of docs.slice(1)) {
      const info = kindInfo(doc.kind) ?? extra[doc.kind]!;
      const base = doc.apiVersion.includes("/") ? `/apis/${doc.apiVersion}` : `/api/${doc.apiVersion}`;
      const path = `${base}${info.namespaced ? `/namespaces/${doc.metadata.namespace}` : ""}/${info.plural}?dryRun=All`;
      // The registration in use is called "kubefence" already; a dry run still checks names.
      const object =
        doc.kind === "ValidatingWebhookConfiguration"
          ? { ...doc, metadata: { name: "kubefence-dry-run" } }
          : doc;
      const reply = await api("POST", path, object);
      expect(reply.status, `${doc.kind}: ${reply.body.message}`).toBe(201);
    }
  });

  it("kubefence webhook serve syncs, answers, follows its tenants file, and exits cleanly on SIGTERM", async () => {
    const own = makeCertificates();
    const tenantsFile = join(own.dir, "tenants.yaml");
    writeFileSync(tenantsFile, TENANTS);
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        `${root}src/cli/main.ts`,
        "webhook",
        "serve",
        "--bind-address",
        "127.0.0.1",
        "--port",
        "0",
        "--tls-cert-file",
        own.certFile,
        "--tls-private-key-file",
        own.keyFile,
        "--kubeconfig",
        cluster.kubeconfig,
        "--tenants",
        tenantsFile,
        "--cert-poll-interval",
        "100",
      ],
      { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
    );
    try {
      const lines: Record<string, unknown>[] = [];
      let partial = "";
      child.stderr.on("data", (chunk: Buffer) => {
        const text = partial + chunk.toString();
        const complete = text.split("\n");
        partial = complete.pop() ?? "";
        for (const line of complete.filter(Boolean)) lines.push(JSON.parse(line));
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const serving = await eventually(async () => lines.find((l) => l.msg === "serving"), Boolean, 30_000);
      const url = `https://${String(serving?.address)}`;
      const ready = await eventually(
        () => call(url, own.ca, "GET", "/readyz"),
        (r) => r.status === 200,
        30_000,
      );
      expect(ready.status).toBe(200);
      const review = (uid: string, object: Record<string, unknown>) =>
        call(
          url,
          own.ca,
          "POST",
          "/validate",
          JSON.stringify({
            apiVersion: "admission.k8s.io/v1",
            kind: "AdmissionReview",
            request: {
              uid,
              kind: { group: "", version: "v1", kind: object.kind },
              resource: { group: "", version: "v1", resource: object.kind === "Pod" ? "pods" : "services" },
              namespace: "team-a",
              operation: "CREATE",
              userInfo: { username: "alice", groups: ["system:authenticated"] },
              object,
            },
          }),
        ).then(
          (reply) =>
            JSON.parse(reply.body).response as { uid: string; allowed: boolean; warnings?: string[] },
        );
      expect(await review("from-cli", pod("p", { hostNetwork: true }))).toMatchObject({
        uid: "from-cli",
        allowed: false,
      });
      const logged = await eventually(
        async () => lines.find((l) => l.msg === "review" && l.uid === "from-cli"),
        Boolean,
      );
      expect(logged).toMatchObject({
        level: "info",
        tenant: "team-a",
        allowed: false,
        time: expect.any(String),
      });

      // service-exposure is in warn mode; switching the file to enforce takes effect without a restart.
      const nodePort = {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "np", namespace: "team-a" },
        spec: { type: "NodePort", ports: [{ port: 80 }] },
      };
      expect(await review("warned", nodePort)).toMatchObject({
        allowed: true,
        warnings: [expect.stringContaining("[kubefence:service-exposure]")],
      });
      writeFileSync(tenantsFile, TENANTS.replace("service-exposure: warn", "service-exposure: enforce"));
      const enforced = await eventually(
        () => review("enforced", nodePort),
        (r) => !r.allowed,
      );
      expect(enforced.allowed).toBe(false);
      expect(lines.map((l) => l.msg)).toContain("tenants file reloaded");
      // A broken file is refused; the last good one stays in force.
      writeFileSync(tenantsFile, "kind: Nope\n");
      await eventually(
        async () => lines.some((l) => l.msg === "tenants file not reloaded; keeping the previous one"),
        Boolean,
      );
      expect((await review("still-enforced", nodePort)).allowed).toBe(false);

      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(lines.map((l) => l.msg)).toContain("stopped");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(own.dir, { recursive: true, force: true });
    }
  });

  it("kubefence webhook serve: --guardrail-mode wins over the tenants file's guardrails: section", async () => {
    const own = makeCertificates();
    const tenantsFile = join(own.dir, "tenants.yaml");
    writeFileSync(tenantsFile, TENANTS); // service-exposure: warn
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        `${root}src/cli/main.ts`,
        "webhook",
        "serve",
        "--bind-address=127.0.0.1",
        "--port=0",
        `--tls-cert-file=${own.certFile}`,
        `--tls-private-key-file=${own.keyFile}`,
        `--kubeconfig=${cluster.kubeconfig}`,
        `--tenants=${tenantsFile}`,
        "--guardrail-mode=service-exposure=enforce",
      ],
      { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
    );
    try {
      let text = "";
      child.stderr.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      const address = await eventually(
        async () => /"msg":"serving","address":"([^"]+)"/.exec(text)?.[1],
        Boolean,
        30_000,
      );
      const url = `https://${address}`;
      await eventually(
        () => call(url, own.ca, "GET", "/readyz"),
        (r) => r.status === 200,
        30_000,
      );
      const reply = await call(
        url,
        own.ca,
        "POST",
        "/validate",
        JSON.stringify({
          apiVersion: "admission.k8s.io/v1",
          kind: "AdmissionReview",
          request: {
            uid: "mode-flag",
            kind: { group: "", version: "v1", kind: "Service" },
            resource: { group: "", version: "v1", resource: "services" },
            namespace: "team-a",
            operation: "CREATE",
            userInfo: { username: "alice", groups: ["system:authenticated"] },
            object: {
              apiVersion: "v1",
              kind: "Service",
              metadata: { name: "np", namespace: "team-a" },
              spec: { type: "NodePort", ports: [{ port: 80 }] },
            },
          },
        }),
      );
      const response = JSON.parse(reply.body).response as { allowed: boolean; status?: { message?: string } };
      expect(response.allowed).toBe(false);
      expect(response.status?.message).toContain("[kubefence:service-exposure]");
    } finally {
      child.kill("SIGKILL");
      rmSync(own.dir, { recursive: true, force: true });
    }
  });

  it("fails closed in tenant namespaces when the webhook is down, while kube-system still works", async () => {
    await server!.close();
    server = undefined;
    const tenant = await api("POST", "/api/v1/namespaces/team-a/pods", pod("while-down"), "alice");
    expect(tenant.status).toBe(500);
    // "connection refused", or "EOF" when the API server tries a pooled connection the shutdown closed.
    expect(tenant.body.message).toContain(`failed calling webhook "${WEBHOOK_NAME}"`);
    const platform = await api("POST", "/api/v1/namespaces/kube-system/pods", pod("still-works"));
    expect(platform.status).toBe(201);
  });
});
