/**
 * Enforcement read from a real kube-apiserver: its version, and the kubefence webhook configuration and
 * policies registered in it (as `webhook manifests` writes them), credited by the audit of the live cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatKubeVersion } from "../../src/model/kube-version.js";
import { validatingWebhookConfiguration } from "../../src/webhook/manifests.js";
import { defaultSettings } from "../../src/webhook/settings.js";
import { admissionPolicies } from "../../src/webhook/vap/index.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";
import { nodeCell as nodeEscapeCell, nodeEscapeScenario } from "../support/node-escape-scenario.js";

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.apply(nodeEscapeScenario());
}, 120_000);
afterAll(() => cluster?.stop());

const nodeCell = () => nodeEscapeCell(cluster.kubeconfig);

describe("enforcement on a live cluster", () => {
  it("keeps the server's version, and without a webhook reports alice's escape to team-b's node", async () => {
    const { snapshot, cell } = await nodeCell();
    expect(snapshot.serverVersion && formatKubeVersion(snapshot.serverVersion)).toBe("1.37");
    expect(snapshot.missingKinds).toEqual([]);
    expect(cell.verdict).toBe("breach");
  });

  it("the server accepts kubefence's policies, and the audit credits the registered webhook", async () => {
    // The policies as `webhook manifests --engine vap` writes them: the server's own validation accepts them.
    await cluster.apply(admissionPolicies(defaultSettings()).objects as never);
    // Registered last: with failurePolicy Fail and nothing listening, it would refuse writes after it.
    await cluster.apply([
      validatingWebhookConfiguration({
        namespace: "kubefence-system",
        clientConfig: { url: "https://127.0.0.1:1/validate", caBundle: Buffer.from("x").toString("base64") },
      }) as never,
    ]);
    const { snapshot, report, cell } = await nodeCell();
    expect(snapshot.admission.map((o) => o.kind)).toEqual(
      expect.arrayContaining([
        "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
      ]),
    );
    expect(cell.verdict).toBe("isolated");
    expect(report.findings.find((f) => f.id === "node.admission-enforced")?.subject).toBe(
      'webhook validate.kubefence.io (ValidatingWebhookConfiguration "kubefence")',
    );
  });
});
