/**
 * How the live source pages through a list, against an HTTPS fake of the list API (what a real server does only
 * by chance: a continue token that expires mid-list):
 * - a continue token that expired (410 Gone, as the API server words it) restarts that kind once, from its first
 *   page, and every object is read exactly once;
 * - the requests of one run share a few kept-alive connections instead of one connection (and TLS handshake)
 *   each.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS } from "../../src/model/kinds.js";
import { loadLive } from "../../src/sources/live.js";
import { makeCertificates, type TestCertificates } from "../webhook/certs.js";

const PODS = Array.from({ length: 7 }, (_, i) => ({
  metadata: { name: `pod-${i}`, namespace: "default" },
  spec: { containers: [{ name: "app", image: "nginx:1.27" }] },
}));

const EXPIRED = {
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message:
    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
  reason: "Expired",
  code: 410,
};

/**
 * Every list of KINDS at its stable version: pods in pages of `limit`, the others empty; 404 for the rest. The
 * continue token of the pods' second page is refused with 410 the first time it is used.
 */
async function fakeServer(certs: TestCertificates) {
  const asked: string[] = [];
  let connections = 0;
  let expired = false;
  const lists = new Set(
    KINDS.map((k) => `${k.group ? `/apis/${k.group}` : "/api"}/${k.version}/${k.plural}`),
  );
  const server = createServer(
    { cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) },
    (req, res) => {
      const url = new URL(req.url ?? "", "https://fake");
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === "/api/v1/pods") {
        const token = url.searchParams.get("continue") ?? "";
        asked.push(`pods ${token || "first"}`);
        if (token === "from-4" && !expired) {
          expired = true;
          return send(410, EXPIRED);
        }
        const start = token ? Number(token.slice("from-".length)) : 0;
        const end = start + Number(url.searchParams.get("limit"));
        const more = end < PODS.length ? `from-${end}` : "";
        return send(200, {
          kind: "PodList",
          apiVersion: "v1",
          metadata: more ? { continue: more } : {},
          items: PODS.slice(start, end).map((p) => structuredClone(p)),
        });
      }
      if (lists.has(url.pathname))
        return send(200, { kind: "List", apiVersion: "v1", metadata: {}, items: [] });
      send(404, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 404 });
    },
  );
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `https://127.0.0.1:${port}`, asked, connections: () => connections };
}

describe("paging through a list", () => {
  let certs: TestCertificates;
  let fake: Awaited<ReturnType<typeof fakeServer>>;
  let kubeconfig: string;
  beforeAll(async () => {
    certs = makeCertificates();
    fake = await fakeServer(certs);
    kubeconfig = join(certs.dir, "fake.kubeconfig");
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{ name: fake, cluster: { server: "${fake.url}", certificate-authority: "${certs.caFile}" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: fake, context: { cluster: fake, user: u } }]
current-context: fake
`,
    );
  });
  afterAll(async () => {
    await new Promise((resolve) => fake?.server.close(resolve));
    if (certs) rmSync(certs.dir, { recursive: true, force: true });
  });

  it("restarts a kind from its first page when its continue token expired (410), and reads each object once", async () => {
    const { snapshot, diagnostics } = await loadLive({ kubeconfig, pageSize: 2 });
    expect(fake.asked).toEqual([
      "pods first",
      "pods from-2",
      "pods from-4", // 410 Gone: start again
      "pods first",
      "pods from-2",
      "pods from-4",
      "pods from-6",
    ]);
    expect(snapshot.pods.map((p) => p.metadata.name)).toEqual(PODS.map((p) => p.metadata.name));
    expect(diagnostics).toEqual([]);
    // One run's requests (the version, every kind's lists, the pods' pages) over a few kept-alive connections.
    const requests = KINDS.length + fake.asked.length;
    expect(fake.connections()).toBeLessThanOrEqual(5);
    expect(fake.connections()).toBeLessThan(requests / 4);
  });
});
