/**
 * The admission webhook under load: the generated cluster is the webhook's cache (pods included, so the
 * peak RSS is that of a webhook holding the whole cluster), and a load generator on loopback — in a worker
 * thread, so it has the second core — sends a realistic mix of AdmissionReviews (pods, deployments,
 * rolebindings, as tenant service accounts) at rising concurrency over keep-alive HTTPS connections.
 * Each row gives throughput; p50/p99 latency as the client sees it are in the operation name.
 */
import { rmSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { KubeObject } from "../src/model/objects.js";
import { admissionContext } from "../src/webhook/context.js";
import { startWebhookServer } from "../src/webhook/server.js";
import { defaultSettings } from "../src/webhook/settings.js";
import { makeCertificates } from "../test/webhook/certs.js";
import { benchmark } from "./harness.js";

const REQUESTS = 6_000;
const CONCURRENCY = [1, 4, 16, 64];

const LOAD_GENERATOR = `
const { workerData, parentPort } = require("node:worker_threads");
const https = require("node:https");
const { port, ca, bodies, total, concurrency } = workerData;
const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency, ca });
const latencies = [];
let next = 0, statusErrors = 0;
const one = () => new Promise((resolve) => {
  const body = bodies[next % bodies.length];
  next++;
  const start = process.hrtime.bigint();
  const req = https.request({ host: "127.0.0.1", port, path: "/validate", method: "POST", agent,
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on("end", () => {
      if (res.statusCode !== 200) statusErrors++;
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      resolve();
    });
  });
  req.on("error", () => { statusErrors++; resolve(); });
  req.end(body);
});
(async () => {
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < total) await one(); }));
  parentPort.postMessage({ ms: Number(process.hrtime.bigint() - started) / 1e6, latencies, statusErrors });
  agent.destroy();
})();
`;

interface LoadResult {
  ms: number;
  latencies: number[];
  statusErrors: number;
}

function load(
  port: number,
  ca: string,
  bodies: string[],
  total: number,
  concurrency: number,
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_GENERATOR, {
      eval: true,
      workerData: { port, ca, bodies, total, concurrency },
    });
    worker.once("message", (result: LoadResult) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once("error", reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

await benchmark("webhook", async (context) => {
  const { measure } = context;
  const snapshot = context.snapshot;
  const settings = defaultSettings();
  const admission = await measure("build admission context (tenancy)", () =>
    admissionContext(snapshot, settings),
  );

  // The mix: 60% pods, 30% deployments, 10% rolebindings, each CREATE by a service account of its namespace.
  const review = (object: KubeObject, group: string, resource: string, i: number) => {
    const namespace = object.metadata.namespace ?? "";
    return JSON.stringify({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      request: {
        uid: `bench-${i}`,
        kind: { group, version: "v1", kind: object.kind },
        resource: { group, version: "v1", resource },
        namespace,
        name: object.metadata.name,
        operation: "CREATE",
        userInfo: {
          username: `system:serviceaccount:${namespace}:deployer`,
          groups: ["system:authenticated"],
        },
        object,
      },
    });
  };
  const tenantNamespace = (o: KubeObject) => !(o.metadata.namespace ?? "").startsWith("kube-");
  const pods = snapshot.pods.filter(tenantNamespace).slice(0, 60);
  const deployments = snapshot.workloads
    .filter((w) => w.kind === "Deployment" && tenantNamespace(w))
    .slice(0, 30);
  const bindings = snapshot.roleBindings.filter(tenantNamespace).slice(0, 10);
  const bodies = [
    ...pods.map((o, i) => review(o, "", "pods", i)),
    ...deployments.map((o, i) => review(o, "apps", "deployments", i)),
    ...bindings.map((o, i) => review(o, "rbac.authorization.k8s.io", "rolebindings", i)),
  ];

  const certs = makeCertificates();
  const server = await startWebhookServer({
    host: "127.0.0.1",
    port: 0,
    certFile: certs.certFile,
    keyFile: certs.keyFile,
    context: () => admission,
  });
  try {
    // Warm up: the first RBAC review builds the authorizer index; schemas compile on first use.
    await load(server.port, certs.ca, bodies, bodies.length * 2, 4);
    for (const concurrency of CONCURRENCY) {
      let result: LoadResult | undefined;
      await measure(
        `reviews, concurrency ${concurrency}`,
        async () => {
          result = await load(server.port, certs.ca, bodies, REQUESTS, concurrency);
        },
        { count: REQUESTS, unit: "reviews" },
      );
      const sorted = result!.latencies.sort((a, b) => a - b);
      const note = `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms${result!.statusErrors ? `, ${result!.statusErrors} errors` : ""}`;
      await measure(`  latency at concurrency ${concurrency}: ${note}`, () => undefined);
    }
  } finally {
    await server.close();
    rmSync(certs.dir, { recursive: true, force: true });
  }
});
