/**
 * What the webhook adds to a write, through the real API server: 1 000 server-side dry-run creates of a pod
 * with the webhook and 1 000 without, at concurrency 1 and 16, side by side against one kube-apiserver (v1.37
 * on loopback, test/support/cluster.ts). Side by side means interleaved: kubefence's
 * ValidatingWebhookConfiguration is registered once, and the creates alternate between a namespace it reviews
 * (team-a; every guardrail that reads pods runs) and one its namespaceSelector leaves out (the webhook's own),
 * so both halves share the same API server, connections and machine load. A third namespace is reviewed only
 * by a no-op webhook (a few lines of node:https that allow everything, in its own process): what any webhook
 * costs on this machine, the API server's call included, apart from what kubefence's review costs.
 * The webhook is `kubefence webhook serve` from dist/ in its own process on 127.0.0.1, as in a cluster
 * (its cache listing that API server); the client is this process, over keep-alive HTTPS. The cluster is the
 * same for every size (the size's generated snapshot is not used), so it runs at size small only. Goal: the webhook adds ≤ 5 ms at p99.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { get } from "node:https";
import { fileURLToPath } from "node:url";
import { validatingWebhookConfiguration } from "../src/webhook/manifests.js";
import { startTestCluster, type TestCluster } from "../test/support/cluster.js";
import { makeCertificates } from "../test/webhook/certs.js";
import { benchmark } from "./harness.js";

const REQUESTS = 1_000;
const WARM_UP = 100;
const CONCURRENCY = [1, 16];
const MAIN = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const REVIEWED = "team-a";
const EXCLUDED = "kubefence-system";
const NO_OP = "no-op-reviewed";
const NAMESPACES = [REVIEWED, EXCLUDED, NO_OP];

/** The no-op webhook: allows every review, answers nothing else; prints its port on stderr. */
const NO_OP_WEBHOOK = `
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
const [cert, key] = process.argv.slice(1);
const server = createServer({ cert: readFileSync(cert), key: readFileSync(key), keepAliveTimeout: 30000 }, (req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const { request } = JSON.parse(Buffer.concat(chunks).toString());
    const body = JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: request.uid, allowed: true } });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => process.stderr.write("port " + server.address().port + "\\n"));
`;

/**
 * `total` dry-run creates of one pod in each of the namespaces, in turn, `concurrency` at a time over
 * keep-alive connections: each namespace's latencies in ms, sorted.
 */
async function creates(
  cluster: TestCluster,
  total: number,
  concurrency: number,
): Promise<Map<string, number[]>> {
  const agent = cluster.keepAliveAgent(concurrency);
  const latencies = new Map<string, number[]>(NAMESPACES.map((namespace) => [namespace, []]));
  let next = 0;
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "bench", labels: { app: "bench" } },
    spec: { containers: [{ name: "app", image: "registry.example/app:1" }] },
  };
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < NAMESPACES.length * total) {
          const namespace = NAMESPACES[next++ % NAMESPACES.length]!;
          const started = performance.now();
          const reply = await cluster.request(
            "POST",
            `/api/v1/namespaces/${namespace}/pods?dryRun=All`,
            pod,
            {},
            { agent },
          );
          latencies.get(namespace)!.push(performance.now() - started);
          if (reply.status !== 201)
            throw new Error(`dry-run create: ${reply.status} ${JSON.stringify(reply.body)}`);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  for (const list of latencies.values()) list.sort((a, b) => a - b);
  return latencies;
}

/**
 * The API server's own histogram of each webhook call (apiserver_admission_webhook_admission_duration_seconds,
 * the time the call adds to a request as the server measures it, without the client's side): for a webhook
 * configuration's webhook names, the cumulative count at each bucket bound, summed over the other labels.
 */
async function serverWebhookHistogram(
  cluster: TestCluster,
  names: readonly string[],
): Promise<Map<string, number>> {
  const reply = await cluster.request("GET", "/metrics");
  const counts = new Map<string, number>();
  const pattern = /^apiserver_admission_webhook_admission_duration_seconds_bucket\{([^}]*)\} (\d+)/;
  for (const line of String(reply.body).split("\n")) {
    const match = pattern.exec(line);
    const name = /name="([^"]+)"/.exec(match?.[1] ?? "")?.[1];
    if (!match || !name || !names.includes(name)) continue;
    const le = /le="([^"]+)"/.exec(match[1]!)?.[1] ?? "";
    counts.set(le, (counts.get(le) ?? 0) + Number(match[2]));
  }
  return counts;
}

/** "99.8% ≤ 5 ms, 100.0% ≤ 25 ms" over the calls between two readings of that histogram. */
function withinBounds(before: Map<string, number>, after: Map<string, number>): string {
  const all = (after.get("+Inf") ?? 0) - (before.get("+Inf") ?? 0);
  if (all === 0) return "no calls recorded";
  return ["0.005", "0.025", "0.1"]
    .filter((le) => after.has(le))
    .map((le) => {
      const within = (after.get(le) ?? 0) - (before.get(le) ?? 0);
      return `${((100 * within) / all).toFixed(1)}% ≤ ${Number(le) * 1000} ms`;
    })
    .join(", ")
    .concat(` (${all} calls)`);
}

/** GET from the webhook (trusting the test CA): status and body; status 0 when it does not answer. */
function fetchWebhook(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    get(url, { ca }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", () => resolve({ status: 0, body: "" }));
  });
}

/** Starts a process and resolves with the port it prints on stderr (`pattern`'s first group). */
async function listening(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  const port = await new Promise<number>((resolve, reject) => {
    let text = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`${args[0]} exited (${code}): ${text}`)));
  });
  child.stderr!.resume();
  return { child, port };
}

/** Starts `kubefence webhook serve` against the cluster and resolves with its port (its cache syncs after). */
function serve(
  cluster: TestCluster,
  certFile: string,
  keyFile: string,
): Promise<{ child: ChildProcess; port: number }> {
  return listening(
    [
      MAIN,
      "webhook",
      "serve",
      "--bind-address",
      "127.0.0.1",
      "--port",
      "0",
      "--tls-cert-file",
      certFile,
      "--tls-private-key-file",
      keyFile,
      "--kubeconfig",
      cluster.kubeconfig,
      "--log-allowed-per-second",
      "0",
    ],
    /"msg":"serving","address":"127\.0\.0\.1:(\d+)"/,
  );
}

await benchmark("admission", async ({ size, measure, note }) => {
  // The API server's cluster is the same at every size: one run (at small) says it all.
  if (size !== "small")
    return note("not run at this size", "the cluster is the same for every size: see small");
  const cluster = await startTestCluster();
  const certs = makeCertificates();
  let webhook: ChildProcess | undefined;
  let noOp: ChildProcess | undefined;
  try {
    await cluster.apply(
      NAMESPACES.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })),
    );
    const served = await serve(cluster, certs.certFile, certs.keyFile);
    webhook = served.child;
    const url = `https://127.0.0.1:${served.port}`;
    // Ready once the cache has synced (reviews before that would be refused, and the creates fail closed).
    for (let ready = false; !ready; ) {
      ready = (await fetchWebhook(`${url}/readyz`, certs.ca)).status === 200;
      if (!ready) await new Promise((r) => setTimeout(r, 200));
    }

    const configuration = validatingWebhookConfiguration({
      namespace: EXCLUDED,
      clientConfig: { url: `${url}/validate`, caBundle: Buffer.from(certs.ca).toString("base64") },
    });
    // kubefence leaves the no-op webhook's namespace out, and the no-op webhook reviews only that one.
    const reviews = configuration.webhooks as {
      name: string;
      namespaceSelector?: { matchExpressions: { values: string[] }[] };
    }[];
    reviews[0]!.namespaceSelector!.matchExpressions[0]!.values.push(NO_OP);
    const noOpServed = await listening(
      ["--input-type=module", "-e", NO_OP_WEBHOOK, certs.certFile, certs.keyFile],
      /port (\d+)/,
    );
    noOp = noOpServed.child;
    const noOpConfiguration = {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingWebhookConfiguration",
      metadata: { name: "bench-no-op" },
      webhooks: [
        {
          name: "no-op.bench.kubefence.io",
          clientConfig: {
            url: `https://127.0.0.1:${noOpServed.port}/validate`,
            caBundle: Buffer.from(certs.ca).toString("base64"),
          },
          rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }],
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": NO_OP } },
          failurePolicy: "Fail",
          sideEffects: "None",
          admissionReviewVersions: ["v1"],
          timeoutSeconds: 10,
        },
      ],
    };
    await cluster.apply([configuration, noOpConfiguration]);
    // The API server picks a new configuration up from its informer: wait until a review reaches the webhook.
    const reviewed = async () =>
      /kubefence_webhook_reviews_total\{[^}]*kind="Pod"/.test(
        (await fetchWebhook(`${url}/metrics`, certs.ca)).body,
      );
    while (!(await reviewed())) await creates(cluster, 1, 1);

    for (const concurrency of CONCURRENCY) {
      await creates(cluster, WARM_UP, concurrency);
      const histograms = () =>
        Promise.all([
          serverWebhookHistogram(
            cluster,
            reviews.map((review) => review.name),
          ),
          serverWebhookHistogram(cluster, ["no-op.bench.kubefence.io"]),
        ]);
      const [kubefenceBefore, noOpBefore] = await histograms();
      let result = new Map<string, number[]>();
      await measure(
        `dry-run creates, concurrency ${concurrency} (a third each: kubefence, none, no-op)`,
        async () => {
          result = await creates(cluster, REQUESTS, concurrency);
        },
        { count: NAMESPACES.length * REQUESTS, unit: "creates" },
      );
      const line = (sorted: number[]) =>
        `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`;
      const without = result.get(EXCLUDED)!;
      const withWebhook = result.get(REVIEWED)!;
      const withNoOp = result.get(NO_OP)!;
      note(`  without webhook (${without.length}), concurrency ${concurrency}`, line(without));
      note(`  with webhook (${withWebhook.length}), concurrency ${concurrency}`, line(withWebhook));
      note(`  with the no-op webhook (${withNoOp.length}), concurrency ${concurrency}`, line(withNoOp));
      const added = (sorted: number[], p: number) =>
        (percentile(sorted, p) - percentile(without, p)).toFixed(2);
      note(
        `  webhook adds, concurrency ${concurrency}`,
        `p50 ${added(withWebhook, 50)} ms, p99 ${added(withWebhook, 99)} ms (goal: p99 ≤ 5 ms)`,
      );
      note(
        `  the no-op webhook adds, concurrency ${concurrency}`,
        `p50 ${added(withNoOp, 50)} ms, p99 ${added(withNoOp, 99)} ms`,
      );
      const [kubefenceAfter, noOpAfter] = await histograms();
      note(
        `  the API server's webhook call time, kubefence, concurrency ${concurrency}`,
        withinBounds(kubefenceBefore, kubefenceAfter),
      );
      note(
        `  the API server's webhook call time, no-op, concurrency ${concurrency}`,
        withinBounds(noOpBefore, noOpAfter),
      );
    }
    // The webhook's own time per review (its histogram), to tell its work from the machine's load.
    const metrics = (await fetchWebhook(`${url}/metrics`, certs.ca)).body;
    const bucket = (le: string) =>
      Number(
        new RegExp(`kubefence_webhook_review_duration_seconds_bucket\\{le="${le}"\\} (\\d+)`).exec(
          metrics,
        )?.[1],
      );
    const count = Number(/kubefence_webhook_review_duration_seconds_count (\d+)/.exec(metrics)?.[1]);
    note(
      "  the webhook's own review time (all runs)",
      ["0.001", "0.0025", "0.005"]
        .map((le) => `${((100 * bucket(le)) / count).toFixed(1)}% ≤ ${Number(le) * 1000} ms`)
        .join(", "),
    );
  } finally {
    webhook?.kill("SIGTERM");
    noOp?.kill("SIGTERM");
    await cluster.stop();
    rmSync(certs.dir, { recursive: true, force: true });
  }
});
