/**
 * Accepted risks read from a live cluster (a real kube-apiserver v1.37 on loopback): the chart's
 * ClusterRoleBinding, applied as helm renders it, keeps its kubefence.io/accept annotations through the API
 * server, and `audit` of the live cluster shows its finding accepted, declared on the object in the cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CACHE_ACCEPT_REASON } from "../../src/webhook/manifests.js";
import { runBuiltCli } from "../support/built-cli.js";
import { renderChart } from "../support/chart.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";

interface Doc {
  kind: string;
  metadata: { name: string };
}

describe("accepted risks on a live cluster", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
    // The chart's namespace and RBAC, exactly as rendered: no pod runs here, none is needed for the API plane.
    const rbac = (renderChart() as unknown as Doc[]).filter((d) =>
      ["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding"].includes(d.kind),
    );
    expect(rbac.map((d) => d.kind).sort()).toEqual([
      "ClusterRole",
      "ClusterRoleBinding",
      "Namespace",
      "ServiceAccount",
    ]);
    await cluster.apply(rbac);
  }, 120_000);
  afterAll(() => cluster?.stop());

  it("the chart's acceptance survives the API server and accepts its finding in a live audit", () => {
    const run = runBuiltCli(["audit", "--kubeconfig", cluster.kubeconfig, "-o", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    const own = report.findings.filter(
      (f: { subject: string }) => f.subject === "ServiceAccount:kubefence-system/kubefence-webhook",
    );
    expect(
      own.map((f: { id: string; acceptance?: { status: string } }) => [f.id, f.acceptance?.status]),
    ).toEqual([["rbac.cluster-wide-namespaced-access", "accepted"]]);
    expect(own[0].acceptance).toMatchObject({
      reason: CACHE_ACCEPT_REASON,
      owner: "kubefence",
      source: {
        kind: "annotation",
        object: { kind: "ClusterRoleBinding", name: "kubefence-webhook" },
        origin: { cluster: expect.any(String) },
      },
    });
    expect(report.acceptances).toMatchObject([
      { id: "rbac.cluster-wide-namespaced-access", status: "accepted", findings: 1 },
    ]);
  });
});
