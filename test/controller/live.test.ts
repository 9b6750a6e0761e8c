/**
 * `kubefence controller` against the real v1.37 API server, with the chart's PolicyReport CRDs installed:
 * a breach (a ClusterRoleBinding that lets tenant beta's ServiceAccount read pods everywhere) shows in tenant
 * alpha's PolicyReport, in /metrics and as an Event within a bound, and clears when the binding goes; a
 * restarted controller adds no report and rewrites none that is unchanged; of two replicas only the Lease holder
 * writes, and the other takes over when it leaves; an API server restart mid-watch is recovered from unaided.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { type Controller, startController } from "../../src/controller/controller.js";
import { connect } from "../../src/sources/kube-client.js";
import { BUILT_CLI } from "../support/built-cli.js";
import { CHART, helm } from "../support/chart.js";
import { CILIUM_CRD } from "../support/cilium-crd.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const CRDS = ["wgpolicyk8s.io_policyreports.yaml", "wgpolicyk8s.io_clusterpolicyreports.yaml"].map(
  (f) => parseYaml(readFileSync(join(root, "charts/kubefence/files", f), "utf8")) as object,
);
/** How soon a change must show: the debounce, one judgment of this small cluster, the writes. */
const BOUND_MS = 5_000;

// biome-ignore lint/suspicious/noExplicitAny: walking API JSON in assertions
type Doc = Record<string, any>;

let cluster: TestCluster;
const running: Controller[] = [];

async function poll<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${String(last ?? "")})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function controller(identity: string): Promise<Controller> {
  const client = await connect({ kubeconfig: cluster.kubeconfig });
  const c = await startController({
    client,
    kubeconfig: client.kubeConfig!,
    tenants: { from: "namespace", byTenantLabel: true },
    namespace: "kubefence-system",
    identity,
    leaseDurationSeconds: 3,
    renewDeadlineMs: 2_000,
    retryPeriodMs: 300,
    debounceMs: 50,
    restartDelayMs: 300,
    http: { host: "127.0.0.1", port: 0 },
    ...(process.env.KUBEFENCE_TEST_LOG
      ? { log: (e: object) => console.error(identity, JSON.stringify(e)) }
      : {}),
  });
  running.push(c);
  return c;
}

async function stop(c: Controller): Promise<void> {
  running.splice(running.indexOf(c), 1);
  await c.stop();
}

const reports = async (namespace: string): Promise<Doc[]> => {
  const answer = await cluster.request<Doc>(
    "GET",
    `/apis/wgpolicyk8s.io/v1alpha2/namespaces/${namespace}/policyreports`,
  );
  return answer.body.items as Doc[];
};
const apiIsolation = (report: Doc | undefined) =>
  (report?.results as Doc[] | undefined)?.find(
    (r) => r.policy === "kubefence.isolation" && r.rule === "api-plane",
  );
const metric = async (c: Controller, series: string): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${c.port()}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no series ${series} in /metrics`);
  return Number(line.slice(series.length + 1));
};

const BINDING = {
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRoleBinding",
  metadata: { name: "beta-reads-pods" },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "pod-reader" },
  subjects: [{ kind: "ServiceAccount", name: "default", namespace: "beta" }],
};

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.apply([...CRDS, CILIUM_CRD]);
  await cluster.apply(
    ["kubefence-system", "alpha", "beta"].map((name) => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name },
    })),
  );
  await cluster.apply([
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "pod-reader" },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
    },
  ]);
  // The CRDs are served once established.
  for (const path of [
    "/apis/wgpolicyk8s.io/v1alpha2/policyreports",
    "/apis/cilium.io/v2/ciliumnetworkpolicies",
  ])
    await poll(path, 20_000, async () =>
      (await cluster.request("GET", path)).status === 200 ? true : undefined,
    );
}, 120_000);

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  await cluster?.stop();
});

describe("kubefence controller on a real API server", () => {
  let first: Controller;

  it("writes a PolicyReport per tenant namespace and a ClusterPolicyReport, and shows a breach within the bound, then clears it", async () => {
    first = await controller("replica-a");
    await first.ready(30_000);
    const before = await poll("alpha's PolicyReport", BOUND_MS, async () =>
      apiIsolation((await reports("alpha"))[0]),
    );
    expect(before.result).toBe("pass");
    // The ClusterPolicyReport is written last.
    await poll("the ClusterPolicyReport", BOUND_MS, async () =>
      (await cluster.request("GET", "/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/kubefence"))
        .status === 200
        ? true
        : undefined,
    );
    const breachesBefore = await metric(first, 'kubefence_breaches{plane="api"}');

    const created = Date.now();
    await cluster.apply([BINDING]);
    const failing = await poll("the breach in alpha's report", BOUND_MS, async () => {
      const r = apiIsolation((await reports("alpha"))[0]);
      return r?.result === "fail" ? r : undefined;
    });
    expect(Date.now() - created).toBeLessThan(BOUND_MS);
    expect(failing.message).toContain("tenant alpha is reached on the api plane by beta");
    expect(await metric(first, 'kubefence_breaches{plane="api"}')).toBeGreaterThan(breachesBefore);
    // The finding itself: about the binding (cluster-scoped), so in the ClusterPolicyReport (written last).
    const finding = await poll("the binding's finding in the ClusterPolicyReport", BOUND_MS, async () => {
      const crb = await cluster.request<Doc>(
        "GET",
        "/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/kubefence",
      );
      return (crb.body.results as Doc[]).find((r) =>
        (r.resources ?? []).some((o: Doc) => o.kind === "ClusterRoleBinding" && o.name === "beta-reads-pods"),
      );
    });
    expect(finding).toMatchObject({
      source: "kubefence",
      result: "fail",
      resources: [
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", name: "beta-reads-pods" },
      ],
    });
    expect(finding.properties["evidence.1"]).toBeTruthy();
    // An Event for the new breach.
    const event = await poll("a breach Event", BOUND_MS, async () => {
      const all = await cluster.request<Doc>("GET", "/api/v1/events?labelSelector=kubefence.io%2Fbreach");
      return (all.body.items as Doc[]).find(
        (e) => e.message.includes("beta reaches") && e.message.includes("api plane"),
      );
    });
    expect(event).toMatchObject({
      reason: "IsolationBreach",
      type: "Warning",
      source: { component: "kubefence-controller" },
    });

    const removed = Date.now();
    await cluster.request("DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/beta-reads-pods");
    await poll("the breach to clear", BOUND_MS, async () =>
      apiIsolation((await reports("alpha"))[0])?.result === "pass" ? true : undefined,
    );
    expect(Date.now() - removed).toBeLessThan(BOUND_MS);
    expect(await metric(first, 'kubefence_breaches{plane="api"}')).toBe(breachesBefore);
  }, 60_000);

  it("an update of only what the audit does not read (a pod's status) is not judged again; a label is", async () => {
    const judgments = () => first.stats().judgments;
    const settled = async () => {
      let last = -1;
      return poll("judgments to settle", 10_000, async () => {
        const now = judgments();
        if (now === last) return now;
        last = now;
        await new Promise((r) => setTimeout(r, 400));
        return undefined;
      });
    };
    await cluster.apply([
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "status-churn", namespace: "alpha", labels: { app: "churn" } },
        spec: { containers: [{ name: "c", image: "busybox" }] },
      },
    ]);
    await poll("the pod in the controller's view", BOUND_MS, async () =>
      (await metric(first, 'kubefence_controller_changes_total{judged="yes"}')) > 0 ? true : undefined,
    );
    const before = await settled();
    const unreadBefore = await metric(first, 'kubefence_controller_changes_total{judged="no"}');
    const pod = "/api/v1/namespaces/alpha/pods/status-churn";
    const patch = (path: string, body: object) =>
      cluster.request("PATCH", path, body, { "Content-Type": "application/merge-patch+json" });
    const status = await patch(`${pod}/status`, {
      status: { conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }] },
    });
    expect(status.status).toBe(200);
    await poll("the status update to be seen", BOUND_MS, async () =>
      (await metric(first, 'kubefence_controller_changes_total{judged="no"}')) > unreadBefore
        ? true
        : undefined,
    );
    await new Promise((r) => setTimeout(r, 500)); // past the debounce: a judgment would have started
    expect(judgments()).toBe(before);
    expect((await patch(pod, { metadata: { labels: { app: "churned" } } })).status).toBe(200);
    await poll("the label change to be judged", BOUND_MS, async () =>
      judgments() > before ? true : undefined,
    );
    await cluster.request("DELETE", pod);
  }, 30_000);

  it("a restarted controller adds no report and rewrites none that did not change", async () => {
    const listAll = async () =>
      ((await cluster.request<Doc>("GET", "/apis/wgpolicyk8s.io/v1alpha2/policyreports")).body.items as Doc[])
        .map((r) => `${r.metadata.namespace}/${r.metadata.name}@${r.metadata.resourceVersion}`)
        .sort();
    // Settled: the last judgment's writes are done (two listings a second apart agree).
    const before = await poll("the reports to settle", 10_000, async () => {
      const a = await listAll();
      await new Promise((r) => setTimeout(r, 1_000));
      return JSON.stringify(a) === JSON.stringify(await listAll()) ? a : undefined;
    });
    await stop(first);
    first = await controller("replica-a2");
    await first.ready(30_000);
    await poll("leadership", 10_000, async () => (first.isLeader() ? true : undefined));
    await new Promise((r) => setTimeout(r, 1_000)); // a chance to write, if it (wrongly) would
    expect(await listAll()).toEqual(before);
    expect(first.stats().writes).toBe(0);
    expect(before.filter((r) => r.startsWith("alpha/"))).toHaveLength(1);
  }, 30_000);

  it("of two replicas only the Lease holder writes; the other takes over when it leaves", async () => {
    const second = await controller("replica-b");
    await second.ready(30_000);
    await cluster.apply([BINDING]);
    await poll("the breach in alpha's report", BOUND_MS, async () =>
      apiIsolation((await reports("alpha"))[0])?.result === "fail" ? true : undefined,
    );
    expect(first.isLeader()).toBe(true);
    expect(second.isLeader()).toBe(false);
    expect(second.stats().writes).toBe(0);
    expect(first.stats().writes).toBeGreaterThan(0);
    const lease = await cluster.request<Doc>(
      "GET",
      "/apis/coordination.k8s.io/v1/namespaces/kubefence-system/leases/kubefence-controller",
    );
    expect(lease.body.spec).toMatchObject({ holderIdentity: "replica-a2", leaseDurationSeconds: 3 });
    const transitions = lease.body.spec.leaseTransitions as number;

    await stop(first);
    await poll("replica-b to lead", 5_000, async () => (second.isLeader() ? true : undefined));
    const taken = await cluster.request<Doc>(
      "GET",
      "/apis/coordination.k8s.io/v1/namespaces/kubefence-system/leases/kubefence-controller",
    );
    expect(taken.body.spec).toMatchObject({ holderIdentity: "replica-b", leaseTransitions: transitions + 1 });
    first = second;
  }, 30_000);

  it("recovers by itself from an API server restart mid-watch", async () => {
    const restartsBefore = await metric(first, "kubefence_controller_watch_restarts_total");
    await cluster.restartApiServer();
    await cluster.request("DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/beta-reads-pods");
    await poll("the breach to clear after the restart", 20_000, async () =>
      apiIsolation((await reports("alpha"))[0])?.result === "pass" ? true : undefined,
    );
    expect(await metric(first, "kubefence_controller_watch_restarts_total")).toBeGreaterThan(restartsBefore);
    expect(first.isLeader()).toBe(true);
  }, 40_000);

  it("watches Cilium policies as audit reads them: the verdicts they may change are incomplete, never pass", async () => {
    const networkIsolation = async () =>
      ((await reports("beta"))[0]?.results as Doc[] | undefined)?.find(
        (r) => r.policy === "kubefence.isolation" && r.rule === "network-plane",
      );
    await cluster.apply([
      {
        apiVersion: "cilium.io/v2",
        kind: "CiliumNetworkPolicy",
        metadata: { name: "lock", namespace: "beta" },
        spec: { endpointSelector: {} },
      },
    ]);
    const marked = await poll("beta's network verdict marked incomplete", BOUND_MS, async () => {
      const r = await networkIsolation();
      return r?.result === "error" ? r : undefined;
    });
    expect(marked.message).toBe(
      "the network plane's verdicts for tenant beta are incomplete: 1 Cilium policy is not modelled",
    );
    await cluster.request("DELETE", "/apis/cilium.io/v2/namespaces/beta/ciliumnetworkpolicies/lock");
    await poll("beta's network verdict judged again", BOUND_MS, async () =>
      (await networkIsolation())?.result === "pass" ? true : undefined,
    );
  }, 30_000);

  it("kubefence controller (the CLI) serves /readyz and /metrics as a follower, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, [
      BUILT_CLI,
      "controller",
      "--kubeconfig",
      cluster.kubeconfig,
      "--bind-address",
      "127.0.0.1",
      "--port",
      "0",
      "--identity",
      "cli",
      "--debounce",
      "50",
    ]);
    const lines: Doc[] = [];
    let buffered = "";
    child.stderr.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const parts = buffered.split("\n");
      buffered = parts.pop()!;
      for (const p of parts) lines.push(JSON.parse(p) as Doc);
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const port = await poll(
        "the serving line",
        10_000,
        async () => lines.find((l) => l.msg === "serving")?.port as number | undefined,
      );
      await poll("/readyz", 20_000, async () =>
        (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined,
      );
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/^kubefence_breaches\{plane="api"\} \d+$/m);
      expect(text).toMatch(/^kubefence_controller_leader 0$/m);
      expect(text).toMatch(/^kubefence_seconds_since_last_full_sync \d/m);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(lines.map((l) => l.msg)).toContain("received SIGTERM; shutting down");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 40_000);

  it("the chart leaves PolicyReport CRDs that something else installed alone (lookup against the server)", async () => {
    // The CRDs here were applied by this test, not by a Helm release.
    const rendered = await helm(cluster.kubeconfig, cluster.dir, [
      "template",
      "kubefence",
      CHART,
      "--set",
      "controller.enabled=true",
      "--dry-run=server",
    ]);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.stdout).toContain("name: kubefence-controller");
    expect(rendered.stdout).not.toContain("kind: CustomResourceDefinition");
    // One this release installed (Helm's release annotation) is rendered, so an upgrade keeps managing it.
    const patched = await cluster.request(
      "PATCH",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/policyreports.wgpolicyk8s.io",
      { metadata: { annotations: { "meta.helm.sh/release-name": "kubefence" } } },
      { "Content-Type": "application/merge-patch+json" },
    );
    expect(patched.status).toBe(200);
    const again = await helm(cluster.kubeconfig, cluster.dir, [
      "template",
      "kubefence",
      CHART,
      "--set",
      "controller.enabled=true",
      "--dry-run=server",
    ]);
    expect(again.stdout).toContain("name: policyreports.wgpolicyk8s.io");
    expect(again.stdout).not.toContain("name: clusterpolicyreports.wgpolicyk8s.io");
  }, 30_000);
});
