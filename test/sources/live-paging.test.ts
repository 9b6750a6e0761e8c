/**
 * How the live source pages through lists, against an HTTPS fake of the list API (what a real server does only by
 * chance or with a particular identity):
 * - a continue token that expired (410 Gone, as the API server words it) restarts that kind once, from its first
 *   page, and every object is read exactly once;
 * - the requests of one run share a few kept-alive connections instead of one connection (and TLS handshake)
 *   each;
 * - Namespaces are listed alongside the other kinds, and a kind forbidden cluster-wide waits for them to be read
 *   in each namespace, however late the Namespace list answers.
 */
import { readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS } from "../../src/model/kinds.js";
import { loadLive } from "../../src/sources/live.js";
import { makeCertificates, type TestCertificates, writeFakeKubeconfig } from "../webhook/certs.js";

const PODS = Array.from({ length: 7 }, (_, i) => ({
  metadata: { name: `pod-${i}`, namespace: i < 4 ? "tenant-a" : "tenant-b" },
  // A null decodes as the field left out, as the API server's decoding does (only this page holds one).
  spec: { containers: [{ name: "app", image: "nginx:1.27" }], ...(i === 5 ? { nodeName: null } : {}) },
}));

const NAMESPACES = ["tenant-a", "tenant-b"].map((name) => ({
  metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
  spec: { finalizers: ["kubernetes"] },
  status: { phase: "Active" },
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

const PODS_FORBIDDEN = {
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: 'pods is forbidden: User "u" cannot list resource "pods" in API group "" at the cluster scope',
  reason: "Forbidden",
  code: 403,
};

type Send = (status: number, body: unknown) => void;

/**
 * Every list of KINDS at its stable version, empty, unless `handle` answers the request; 404 for the rest. Records
 * the pods requests and counts connections.
 */
async function fakeServer(certs: TestCertificates, handle: (url: URL, send: Send) => boolean) {
  let connections = 0;
  const lists = new Set(
    KINDS.map((k) => `${k.group ? `/apis/${k.group}` : "/api"}/${k.version}/${k.plural}`),
  );
  const server = createServer(
    { cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) },
    (req, res) => {
      const url = new URL(req.url ?? "", "https://fake");
      const send: Send = (status, body) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (handle(url, send)) return;
      if (lists.has(url.pathname))
        return send(200, { kind: "List", apiVersion: "v1", metadata: {}, items: [] });
      send(404, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 404 });
    },
  );
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `https://127.0.0.1:${port}`, connections: () => connections };
}

describe("paging through lists", () => {
  let certs: TestCertificates;
  const servers: Server[] = [];
  beforeAll(() => {
    certs = makeCertificates();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    if (certs) rmSync(certs.dir, { recursive: true, force: true });
  });

  function kubeconfigFor(fake: { server: Server; url: string }): string {
    servers.push(fake.server);
    const kubeconfig = join(certs.dir, `fake-${servers.length}.kubeconfig`);
    writeFakeKubeconfig(kubeconfig, fake.url, certs);
    return kubeconfig;
  }

  it("restarts a kind from its first page when its continue token expired (410), and reads each object once", async () => {
    const asked: string[] = [];
    let expired = false;
    const fake = await fakeServer(certs, (url, send) => {
      if (url.pathname !== "/api/v1/pods") return false;
      const token = url.searchParams.get("continue") ?? "";
      asked.push(`pods ${token || "first"}`);
      if (token === "from-4" && !expired) {
        expired = true;
        send(410, EXPIRED);
        return true;
      }
      const start = token ? Number(token.slice("from-".length)) : 0;
      const end = start + Number(url.searchParams.get("limit"));
      const more = end < PODS.length ? `from-${end}` : "";
      send(200, {
        kind: "PodList",
        apiVersion: "v1",
        metadata: more ? { continue: more } : {},
        items: PODS.slice(start, end),
      });
      return true;
    });
    const { snapshot, diagnostics } = await loadLive({ kubeconfig: kubeconfigFor(fake), pageSize: 2 });
    expect(asked).toEqual([
      "pods first",
      "pods from-2",
      "pods from-4", // 410 Gone: start again
      "pods first",
      "pods from-2",
      "pods from-4",
      "pods from-6",
    ]);
    expect(snapshot.pods.map((p) => p.metadata.name)).toEqual(PODS.map((p) => p.metadata.name));
    expect(snapshot.pods.map((p) => "nodeName" in (p.spec ?? {}))).toEqual(PODS.map(() => false));
    expect(diagnostics).toEqual([]);
    // One run's requests (the version, every kind's lists, the pods' pages) over a few kept-alive connections.
    const requests = KINDS.length + asked.length;
    expect(fake.connections()).toBeLessThanOrEqual(5);
    expect(fake.connections()).toBeLessThan(requests / 4);
  });

  it("reads a kind forbidden cluster-wide in every listed namespace, waiting for a Namespace list that answers last", async () => {
    const asked: string[] = [];
    const fake = await fakeServer(certs, (url, send) => {
      if (url.pathname === "/api/v1/namespaces") {
        asked.push("namespaces");
        // Answers after the cluster-wide pods list has been refused.
        setTimeout(
          () => send(200, { kind: "NamespaceList", apiVersion: "v1", metadata: {}, items: NAMESPACES }),
          300,
        );
        return true;
      }
      if (url.pathname === "/api/v1/pods") {
        asked.push("pods 403");
        send(403, PODS_FORBIDDEN);
        return true;
      }
      const inNamespace = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
      if (!inNamespace) return false;
      asked.push(`pods in ${inNamespace[1]}`);
      send(200, {
        kind: "PodList",
        apiVersion: "v1",
        metadata: {},
        items: PODS.filter((p) => p.metadata.namespace === inNamespace[1]),
      });
      return true;
    });
    const { snapshot, diagnostics } = await loadLive({ kubeconfig: kubeconfigFor(fake) });
    expect(asked.slice(0, 2)).toEqual(["namespaces", "pods 403"]);
    expect(asked.slice(2).sort()).toEqual(["pods in tenant-a", "pods in tenant-b"]);
    expect(snapshot.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(
      PODS.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    );
    expect(snapshot.missingKinds).toEqual([]);
    expect(diagnostics.map((d) => `${d.severity} ${d.message}`)).toEqual([
      "info cannot list Pod cluster-wide; read in namespaces tenant-a, tenant-b",
    ]);
  });
});
