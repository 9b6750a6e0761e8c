/**
 * The API versions and the server version the live source reads at.
 * - A real v1.37 API server that stops serving batch/v1 (`--runtime-config=batch/v1=false`): Job and
 *   CronJob are tried at every version kubefence knows (CronJob at batch/v1, then batch/v1beta1), said not
 *   served, and everything else is read.
 * - What no v1.37 server can show: a kind served only at an older version (CronJob was batch/v1beta1 only,
 *   before Kubernetes 1.21; v1.37 serves no older version of any kind kubefence reads) and an older
 *   /version (the defaulting then follows that version). For these, a small HTTPS fake of the list API
 *   answers as a v1.20.2 server did.
 */
import { readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS } from "../../src/model/kinds.js";
import { loadLive } from "../../src/sources/live.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";
import { makeCertificates, type TestCertificates, writeFakeKubeconfig } from "../webhook/certs.js";

describe("a real v1.37 API server that does not serve batch/v1", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ runtimeConfig: "batch/v1=false" });
    await cluster.apply([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "tenant-a" } },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "tenant-a" },
        spec: {
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
          },
        },
      },
    ]);
  });
  afterAll(() => cluster?.stop());

  it("tries Job and CronJob at each version kubefence knows, says they are not served, and reads the rest", async () => {
    for (const path of ["/apis/batch/v1/cronjobs", "/apis/batch/v1beta1/cronjobs", "/apis/batch/v1/jobs"])
      expect((await cluster.request("GET", path)).status).toBe(404);
    const { snapshot, diagnostics } = await loadLive({ kubeconfig: cluster.kubeconfig });
    expect(diagnostics.map((d) => `${d.severity} ${d.message}`)).toEqual([
      "info Job is not served by this cluster (tried batch/v1); none read",
      "info CronJob is not served by this cluster (tried batch/v1, batch/v1beta1); none read",
    ]);
    expect(snapshot.missingKinds).toEqual([]);
    expect(snapshot.workloads.map((w) => `${w.kind} ${w.metadata.namespace}/${w.metadata.name}`)).toEqual([
      "Deployment tenant-a/web",
    ]);
  });
});

/** Paths of the list API → items; any other path is 404, as on a server that does not serve it. */
type Lists = Record<string, Record<string, unknown>[]>;

/**
 * Answers GET /version with `version` and each list in `lists` (one page), everything else 404 with a
 * Status, as the API server does; records every path asked.
 */
async function fakeServer(
  certs: TestCertificates,
  version: Record<string, string> | undefined,
  lists: Lists,
): Promise<{ server: Server; url: string; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer(
    { cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) },
    (req, res) => {
      const path = (req.url ?? "").split("?")[0]!;
      asked.push(path);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (path === "/version" && version) return send(200, version);
      const items = lists[path];
      if (items) return send(200, { kind: "List", apiVersion: "v1", metadata: {}, items });
      send(404, {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "the server could not find the requested resource",
        reason: "NotFound",
        code: 404,
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `https://127.0.0.1:${port}`, asked };
}

/** `gitVersion` etc. as a v1.20.2 API server reported them. */
const V1_20_2 = { major: "1", minor: "20", gitVersion: "v1.20.2", platform: "linux/amd64" };

/** Every list path of KINDS at its stable version, empty. */
function emptyLists(): Lists {
  return Object.fromEntries(
    KINDS.map((k) => [`${k.group ? `/apis/${k.group}` : "/api"}/${k.version}/${k.plural}`, []]),
  );
}

const NAMESPACE = {
  metadata: { name: "tenant-a", labels: { tenant: "a" } },
  spec: { finalizers: ["kubernetes"] },
  status: { phase: "Active" },
};

const CRONJOB_V1BETA1 = {
  metadata: { name: "nightly", namespace: "tenant-a" },
  spec: {
    schedule: "0 3 * * *",
    concurrencyPolicy: "Allow",
    suspend: false,
    jobTemplate: {
      spec: {
        template: {
          spec: { restartPolicy: "OnFailure", containers: [{ name: "job", image: "busybox:1.36" }] },
        },
      },
    },
  },
};

describe("against an HTTPS fake of an older API server", () => {
  let certs: TestCertificates;
  const servers: Server[] = [];
  beforeAll(() => {
    certs = makeCertificates();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    if (certs) rmSync(certs.dir, { recursive: true, force: true });
  });

  async function live(version: Record<string, string> | undefined, lists: Lists) {
    const fake = await fakeServer(certs, version, lists);
    servers.push(fake.server);
    const kubeconfig = join(certs.dir, `fake-${servers.length}.kubeconfig`);
    writeFakeKubeconfig(kubeconfig, fake.url, certs);
    return { ...(await loadLive({ kubeconfig })), asked: fake.asked };
  }

  it("falls back to an older served version: CronJob only as batch/v1beta1, as on Kubernetes 1.20", async () => {
    const lists = emptyLists();
    delete lists["/apis/batch/v1/cronjobs"];
    lists["/apis/batch/v1beta1/cronjobs"] = [CRONJOB_V1BETA1];
    const { snapshot, diagnostics, asked } = await live(V1_20_2, lists);
    expect(asked.filter((p) => p.endsWith("/cronjobs"))).toEqual([
      "/apis/batch/v1/cronjobs",
      "/apis/batch/v1beta1/cronjobs",
    ]);
    const cronJob = snapshot.workloads.find((w) => w.kind === "CronJob");
    expect(cronJob?.metadata.name).toBe("nightly");
    expect(cronJob?.apiVersion).toBe("batch/v1");
    expect(diagnostics.map((d) => `${d.severity} ${d.message}`)).toEqual([
      "info this cluster serves CronJob only as batch/v1beta1; 1 object read as batch/v1",
    ]);
  });

  it("defaults as the version /version reports: a 1.20 server's namespace gets no name label", async () => {
    const lists = { ...emptyLists(), "/api/v1/namespaces": [NAMESPACE] };
    const labelsAt = async (version: Record<string, string> | undefined) =>
      (await live(version, lists)).snapshot.namespaces[0]?.metadata.labels;
    expect(await labelsAt(V1_20_2)).toEqual({ tenant: "a" });
    // A gitVersion that is no release (an unstamped build): major and minor ("20+") still say 1.20.
    expect(await labelsAt({ major: "1", minor: "20+", gitVersion: "v0.0.0-master+$Format:%H$" })).toEqual({
      tenant: "a",
    });
    expect(await labelsAt({ major: "1", minor: "21", gitVersion: "v1.21.0" })).toEqual({
      tenant: "a",
      "kubernetes.io/metadata.name": "tenant-a",
    });
    // No /version answer: read as the newest version kubefence knows, which sets the label.
    expect(await labelsAt(undefined)).toEqual({ tenant: "a", "kubernetes.io/metadata.name": "tenant-a" });
  });
});
