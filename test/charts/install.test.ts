/**
 * The chart's safe install and removal against a real kube-apiserver (v1.37 on loopback, no node): a rollout
 * whose pods never get ready (here: no node runs them) leaves no ValidatingWebhookConfiguration behind, so
 * nothing in the cluster is blocked, on install and on upgrade (which keeps the CA and renews the serving
 * certificate); a configuration whose pods are gone fails closed; `helm uninstall`
 * removes the configuration before anything else, and everything else with it. helm is the real one
 * (scripts/install-helm.sh).
 */
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHART as chart, renderChart, helm as runHelm } from "../support/chart.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";

/** Calls `fn` until `done` holds for its answer (at most 15 s), and returns the last answer. */
async function until<T>(fn: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await fn();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("helm install and uninstall through a real API server", () => {
  let cluster: TestCluster;
  const helm = (args: string[]) => runHelm(cluster.kubeconfig, cluster.dir, args);
  /** A pod the node-escape and pod-security guardrails deny, created with a server-side dry run. */
  const privilegedPod = () =>
    cluster.request<{ message?: string }>("POST", "/api/v1/namespaces/team-a/pods?dryRun=All", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "escape" },
      spec: { hostPID: true, containers: [{ name: "c", image: "busybox" }] },
    });
  const configuration = () =>
    cluster.request("GET", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/kubefence");

  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } }]);
  });
  afterAll(() => cluster?.stop());

  it("a rollout that never gets ready fails the release and registers no webhook: the cluster is not blocked", async () => {
    const install = await helm(["install", "kubefence", chart, "--timeout", "8s"]);
    expect(install.code).not.toBe(0);
    expect(install.stderr).toMatch(/failed post-install: [\s\S]*timed out waiting for the condition/);
    // The readiness Job ran (its pod is still Pending: there is no node) and is what held the hook back.
    const job = await cluster.request<{ status?: { succeeded?: number } }>(
      "GET",
      "/apis/batch/v1/namespaces/kubefence-system/jobs/kubefence-webhook-ready",
    );
    expect(job.status).toBe(200);
    expect(job.body.status?.succeeded).toBeUndefined();
    // The release's objects exist; the configuration does not.
    expect(
      (
        await cluster.request(
          "GET",
          "/apis/apps/v1/namespaces/kubefence-system/deployments/kubefence-webhook",
        )
      ).status,
    ).toBe(200);
    expect((await configuration()).status).toBe(404);
    expect((await privilegedPod()).status).toBe(201);
  }, 90_000);

  it("an upgrade keeps the CA and renews the serving certificate, and still registers nothing before a pod is ready", async () => {
    // Start over from a deployed release (the hooks skipped, as if a first install had gone through).
    expect((await helm(["uninstall", "kubefence", "--no-hooks", "--wait", "--timeout", "60s"])).code).toBe(0);
    const install = await helm(["install", "kubefence", chart, "--no-hooks"]);
    expect(install.code, install.stderr).toBe(0);
    const secret = async (name: string) => {
      const reply = await cluster.request<{ data: Record<string, string> }>(
        "GET",
        `/api/v1/namespaces/kubefence-system/secrets/${name}`,
      );
      expect(reply.status, name).toBe(200);
      return (field: string) => Buffer.from(reply.body.data[field]!, "base64").toString("utf8");
    };
    const ca = await secret("kubefence-webhook-ca");
    const before = await secret("kubefence-webhook-tls");

    const upgrade = await helm(["upgrade", "kubefence", chart, "--timeout", "8s"]);
    expect(upgrade.code).not.toBe(0);
    expect(upgrade.stderr).toMatch(/post-upgrade hooks failed: [\s\S]*timed out waiting for the condition/);
    expect((await configuration()).status).toBe(404);
    expect((await privilegedPod()).status).toBe(201);

    const caAfter = await secret("kubefence-webhook-ca");
    const renewed = await secret("kubefence-webhook-tls");
    expect(caAfter("tls.crt")).toBe(ca("tls.crt"));
    expect(renewed("tls.crt")).not.toBe(before("tls.crt"));
    expect(renewed("ca.crt")).toBe(ca("tls.crt"));
    const served = new X509Certificate(renewed("tls.crt"));
    expect(served.verify(new X509Certificate(ca("tls.crt")).publicKey)).toBe(true);
    expect(served.subjectAltName).toContain("DNS:kubefence-webhook.kubefence-system.svc");
  }, 150_000);

  it("with the configuration in place and no pod behind it, guarded writes fail closed; helm uninstall removes it first and leaves nothing", async () => {
    // What the post-install hook creates once the Job has seen a ready pod, as helm renders it.
    const hook = renderChart().find(
      (d) =>
        d.kind === "ValidatingWebhookConfiguration" &&
        (d.metadata as { name: string }).name === "kubefence" &&
        (d.webhooks as unknown[]).length > 0,
    )!;
    await cluster.apply([hook]);
    // The API server sees a new configuration through its informer, a moment after it is stored.
    const closed = await until(privilegedPod, (r) => r.status !== 201);
    expect(closed.status).toBe(500);
    expect(closed.body.message).toMatch(/failed calling webhook "validate\.kubefence\.io"/);

    const uninstall = await helm(["uninstall", "kubefence", "--timeout", "30s"]);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect((await configuration()).status).toBe(404);
    expect((await until(privilegedPod, (r) => r.status === 201)).status).toBe(201);
    for (const path of [
      "/apis/rbac.authorization.k8s.io/v1/clusterroles/kubefence-webhook",
      "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/kubefence-webhook",
    ])
      expect((await cluster.request("GET", path)).status, path).toBe(404);
    // The namespace goes, and with it everything the release put there (the namespace controller empties it).
    const deadline = Date.now() + 60_000;
    let status = 200;
    while (Date.now() < deadline && status !== 404) {
      status = (await cluster.request("GET", "/api/v1/namespaces/kubefence-system")).status;
      if (status !== 404) await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe(404);
    expect((await helm(["list", "--all", "-q"])).stdout.trim()).toBe("");
  }, 120_000);
});
