/**
 * Whether Pod Security admission runs, asked of real v1.37 API servers: one started with the PodSecurity plugin
 * disabled (its labels are then plain labels, though the version says the plugin is on by default) and one as
 * shipped. The audit's node plane follows the server's answer, not the version.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../src/sources/kube-client.js";
import { loadLive } from "../../src/sources/live.js";
import { probePodSecurityAdmission } from "../../src/sources/pod-security-probe.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";
import { nodeCell as nodeEscapeCell, nodeEscapeScenario } from "../support/node-escape-scenario.js";

/** alice administers team-a, labelled to enforce baseline; team-b runs a pod on node-1. */
const SCENARIO = nodeEscapeScenario({ "pod-security.kubernetes.io/enforce": "baseline" });

/** The article's host pod: privileged, the node's root filesystem, its PID and network namespaces. */
const HOST_POD = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "host", namespace: "team-a" },
  spec: {
    hostPID: true,
    hostNetwork: true,
    containers: [
      {
        name: "c",
        image: "busybox",
        securityContext: { privileged: true },
        volumeMounts: [{ name: "root", mountPath: "/host" }],
      },
    ],
    volumes: [{ name: "root", hostPath: { path: "/" } }],
  },
};

const nodeCell = (cluster: TestCluster, probePodSecurity: boolean) =>
  nodeEscapeCell(cluster.kubeconfig, probePodSecurity);

/** Whether the server admits alice's host pod (dry run: nothing is stored). */
async function admitsHostPod(cluster: TestCluster): Promise<number> {
  const answer = await cluster.request("POST", "/api/v1/namespaces/team-a/pods?dryRun=All", HOST_POD, {
    Authorization: `Bearer ${cluster.userToken("alice")}`,
  });
  return answer.status;
}

describe("a v1.37 server started without the PodSecurity admission plugin", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({
      apiServerArgs: ["--disable-admission-plugins=ServiceAccount,PodSecurity"],
    });
    await cluster.apply(SCENARIO);
  }, 120_000);
  afterAll(() => cluster?.stop());

  it("admits alice's privileged host pod in her baseline namespace", async () => {
    expect(await admitsHostPod(cluster)).toBe(201);
  });

  it("answers the probe by admitting the invalid label, and stores nothing", async () => {
    const probe = await probePodSecurityAdmission(await connect({ kubeconfig: cluster.kubeconfig }));
    expect(probe.active).toBe(false);
    expect(probe.how).toMatch(
      /^the PodSecurity admission plugin is not running: the server admitted a dry-run create/,
    );
    const namespaces = await cluster.request<{ items: { metadata: { name: string } }[] }>(
      "GET",
      "/api/v1/namespaces",
    );
    expect(
      namespaces.body.items.map((n) => n.metadata.name).filter((n) => n.startsWith("kubefence-probe")),
    ).toEqual([]);
  });

  it("the audit reports alice's escape to team-b's node, saying that nothing enforces the label", async () => {
    const { snapshot, cell, report } = await nodeCell(cluster, true);
    expect(snapshot.podSecurityAdmission?.active).toBe(false);
    expect(cell.verdict).toBe("breach");
    expect(JSON.stringify(cell.evidence)).toContain("the PodSecurity admission plugin is not running");
    expect(report.findings.map((f) => f.id)).toContain("node.pod-security-not-enforced");
  });

  it("judged by its version alone (no probe), the same cluster looked isolated: the probe is what tells", async () => {
    const { snapshot, cell } = await nodeCell(cluster, false);
    expect(snapshot.podSecurityAdmission).toBeUndefined();
    expect(cell.verdict).toBe("isolated");
  });
});

describe("a v1.37 server as shipped", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.apply(SCENARIO);
  }, 120_000);
  afterAll(() => cluster?.stop());

  it("refuses alice's host pod, the probe's label, and the audit keeps team-a off team-b's node", async () => {
    expect(await admitsHostPod(cluster)).toBe(403);
    const { snapshot, cell, diagnostics } = await nodeCell(cluster, true);
    expect(snapshot.podSecurityAdmission).toEqual({
      active: true,
      how: "a dry-run create of a Namespace labelled pod-security.kubernetes.io/enforce=kubefence-probe was refused by Pod Security admission",
    });
    expect(cell.verdict).toBe("isolated");
    expect(diagnostics.filter((d) => d.message.includes("Pod Security admission"))).toEqual([]);
  });

  it("an identity that may not create Namespaces leaves the answer to the version, and says so", async () => {
    const { snapshot, diagnostics } = await loadLive({
      kubeconfig: await cluster.userKubeconfig("alice"),
      probePodSecurity: true,
    });
    expect(snapshot.podSecurityAdmission?.active).toBeUndefined();
    expect(snapshot.podSecurityAdmission?.how).toMatch(
      /was answered 403: .*cannot create resource "namespaces"/,
    );
    expect(diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringMatching(/^whether Pod Security admission runs is judged by the server's version alone: /),
    );
  });
});
