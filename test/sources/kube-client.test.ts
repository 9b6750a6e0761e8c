/**
 * The small API client verify shares with the live source, against a real kube-apiserver: writes with JSON
 * bodies, the three patch types, impersonation with several groups, and answers returned rather than thrown.
 * (Its GET path, kubeconfig handling and kubectl-worded failures are proven by test/sources/live.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type KubeClient, PATCH_CONTENT_TYPES } from "../../src/sources/kube-client.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";

let cluster: TestCluster;
let client: KubeClient;

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.apply([
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "kc" } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "readers", namespace: "kc" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "Group", name: "readers", apiGroup: "rbac.authorization.k8s.io" }],
    },
  ]);
  client = await connect({ kubeconfig: cluster.kubeconfig });
});
afterAll(() => cluster?.stop());

const labelsOf = async () =>
  (
    (await client.request("GET", "/api/v1/namespaces/kc")).body as {
      metadata: { labels?: Record<string, string> };
    }
  ).metadata.labels;

describe("kube-client against a real kube-apiserver", () => {
  it("names the server and context it talks to", () => {
    expect(client.server).toBe(cluster.server);
    expect(client.contextName).toBe("test");
  });

  it("creates with a JSON body, and a dry run stores nothing", async () => {
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dry" }, data: { a: "1" } };
    const dry = await client.request("POST", "/api/v1/namespaces/kc/configmaps?dryRun=All", configMap);
    expect(dry.status).toBe(201);
    expect((await client.request("GET", "/api/v1/namespaces/kc/configmaps/dry")).status).toBe(404);
    expect((await client.request("POST", "/api/v1/namespaces/kc/configmaps", configMap)).status).toBe(201);
    expect((await client.request("DELETE", "/api/v1/namespaces/kc/configmaps/dry?dryRun=All")).status).toBe(
      200,
    );
    expect((await client.request("GET", "/api/v1/namespaces/kc/configmaps/dry")).status).toBe(200);
  });

  it("patches as a merge patch by default, or as the Content-Type given (any case)", async () => {
    const merge = await client.request("PATCH", "/api/v1/namespaces/kc", {
      metadata: { labels: { merge: "yes" } },
    });
    expect(merge.status).toBe(200);
    const strategic = await client.request(
      "PATCH",
      "/api/v1/namespaces/kc",
      { metadata: { labels: { strategic: "yes" } } },
      { "Content-Type": PATCH_CONTENT_TYPES.strategic },
    );
    expect(strategic.status).toBe(200);
    // A JSON patch is an array: were our merge-patch Content-Type sent too, the server would reject it.
    const json = await client.request(
      "PATCH",
      "/api/v1/namespaces/kc",
      [{ op: "add", path: "/metadata/labels/json", value: "yes" }],
      { "content-type": PATCH_CONTENT_TYPES.json },
    );
    expect(json.status).toBe(200);
    expect(await labelsOf()).toMatchObject({ merge: "yes", strategic: "yes", json: "yes" });
  });

  it("impersonates a user with several groups (Impersonate-Group repeated)", async () => {
    const list = (groups: string[]) =>
      client.request("GET", "/api/v1/namespaces/kc/pods", undefined, {
        "Impersonate-User": "someone",
        "Impersonate-Group": groups,
      });
    expect((await list(["others", "readers"])).status).toBe(200);
    const denied = await list(["others"]);
    expect(denied.status).toBe(403);
    expect((denied.body as { message: string }).message).toBe(
      'pods is forbidden: User "someone" cannot list resource "pods" in API group "" in the namespace "kc"',
    );
  });

  it("returns refusals and absences as answers, with the server's Status", async () => {
    const missing = await client.request("GET", "/api/v1/namespaces/kc/configmaps/none");
    expect(missing).toMatchObject({ status: 404, body: { kind: "Status", reason: "NotFound" } });
  });
});
