/**
 * The classic isolation walk-through (the demo cluster's story), for real: on a one-node cluster whose pods run
 * (test/support/node.ts), every claim kubefence makes is checked against what the cluster does.
 * - API: alice's Role in test-namespace and bob's ClusterRole over all pods, answered by real requests as each
 *   user (`kubectl --as`), exactly where and as worded as `kubefence can-i` says;
 * - network: the "nginx" in `network` (busybox httpd serving nginx's title) reached from a pod in `default` over
 *   a real TCP connection, as `kubefence reach` says; then `kubefence fix`'s output applied with kubectl, after
 *   which the connection fails, kube-router enforcing, and `reach` says no;
 * - node: the privileged, hostPID, hostNetwork pod with the host's `/` at /host reads a marker file this test
 *   wrote on the host (and nothing else of the host); after the guardrails — fix's Pod Security labels, and the
 *   kubefence webhook started by the CLI — it cannot be created.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { validatingWebhookConfiguration } from "../../src/webhook/manifests.js";
import { BUILT_CLI } from "../support/built-cli.js";
import { freePorts } from "../support/cluster.js";
import { BUSYBOX_IMAGE, type NodeCluster, startNodeCluster } from "../support/node.js";
import { makeCertificates, type TestCertificates } from "../webhook/certs.js";
import { busyboxPod, httpGet, inPod, kubefence, mapLimit, podIP, waitReady } from "./support.js";

const RBAC = fileURLToPath(new URL("../../examples/demo/10-rbac.yaml", import.meta.url));
const NGINX_PAGE = "<title>Welcome to nginx!</title>";

const nginx = busyboxPod(
  "network",
  "nginx",
  `mkdir -p /www && echo '${NGINX_PAGE}' > /www/index.html && exec httpd -f -p 80 -h /www`,
  { ports: [{ name: "http", containerPort: 80 }] },
);
const alpine = busyboxPod("default", "alpine", "exec sleep 1000000");
/** The demo's node-owning pod: privileged, the host's PID and network namespaces, the host's / at /host. */
const privileged = (namespace: string, name = "busybox") =>
  busyboxPod(namespace, name, "exec sleep 1000000", {
    spec: {
      hostNetwork: true,
      hostPID: true,
      volumes: [{ name: "host-root", hostPath: { path: "/" } }],
    },
    container: {
      securityContext: { privileged: true },
      volumeMounts: [{ name: "host-root", mountPath: "/host" }],
    },
  });

/** Real requests as `user`, each paired with the `can-i` question it asks. */
const REQUESTS: { what: string; kubectl: (ns: string) => string[]; canI: (ns: string) => string[] }[] = [
  { what: "list pods", kubectl: (ns) => ["get", "pods", "-n", ns], canI: (ns) => ["list", "pods", "-n", ns] },
  {
    what: "get a pod",
    kubectl: (ns) => ["get", "pod", "nginx", "-n", ns],
    canI: (ns) => ["get", "pods/nginx", "-n", ns],
  },
  {
    what: "delete a pod",
    kubectl: (ns) => ["delete", "pod", "nginx", "-n", ns, "--dry-run=server"],
    canI: (ns) => ["delete", "pods/nginx", "-n", ns],
  },
  {
    what: "create a pod",
    kubectl: (ns) => ["run", "probe", "-n", ns, `--image=${BUSYBOX_IMAGE}`, "--dry-run=server"],
    canI: (ns) => ["create", "pods", "-n", ns],
  },
];
const NAMESPACES = ["test-namespace", "default", "network", "kube-system"];

describe("the isolation walk-through on a real node", () => {
  let cluster: NodeCluster;
  let certs: TestCertificates | undefined;
  let webhook: ChildProcess | undefined;
  const marker = `/tmp/kubefence-e2e-marker-${randomBytes(6).toString("hex")}`;
  const secret = randomBytes(12).toString("hex");

  const kubectl = async (args: string[], input?: string) => {
    const result = await cluster.kubectl(args, input);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };
  const cli = (args: string[]) => kubefence([...args, "--kubeconfig", cluster.kubeconfig]);

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startNodeCluster();
    console.log(`walk-through: node cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await cluster.apply([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "test-namespace" } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "network" } },
      nginx,
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "nginx", namespace: "network" },
        spec: { selector: { app: "nginx" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
      },
      alpine,
      privileged("default"),
    ]);
    await kubectl(["apply", "-f", RBAC]);
    await waitReady(cluster, "network", ["nginx"]);
    await waitReady(cluster, "default", ["alpine", "busybox"]);
  });

  afterAll(async () => {
    webhook?.kill("SIGKILL");
    if (certs) rmSync(certs.dir, { recursive: true, force: true });
    rmSync(marker, { force: true });
    await cluster?.stop();
  });

  /** Every request as alice and bob in every namespace: allowed exactly where can-i says yes, worded alike. */
  const checkRbac = async (requests = REQUESTS): Promise<Map<string, boolean>> => {
    const cases = ["alice", "bob"].flatMap((user) =>
      NAMESPACES.flatMap((ns) => requests.map((request) => ({ user, ns, request }))),
    );
    const answers = new Map<string, boolean>();
    await mapLimit(cases, 8, async ({ user, ns, request }) => {
      const real = await cluster.kubectl([...request.kubectl(ns), "--as", user]);
      const forbidden = /\(Forbidden\)/.test(real.stderr);
      const answer = await cli(["can-i", ...request.canI(ns), "--as", user]);
      const label = `${user} ${request.what} in ${ns}`;
      expect({ label, allowed: !forbidden }).toEqual({ label, allowed: answer.code === 0 });
      if (forbidden) {
        // kubectl prints the API server's Status message; can-i prints the message it predicts.
        const message = real.stderr.replace(/^Error from server \(Forbidden\): /, "").trim();
        expect(answer.stderr.trim()).toBe(message);
      } else if (real.code !== 0) expect(real.stderr, label).toMatch(/\(NotFound\)/);
      answers.set(label, !forbidden);
    });
    return answers;
  };

  it("alice and bob: real requests are allowed exactly where can-i says, and denied with its message", async () => {
    const answers = await checkRbac();
    // The walk-through's point, seen in the cluster: alice stays in test-namespace, bob reads kube-system.
    expect(answers.get("alice list pods in test-namespace")).toBe(true);
    expect(answers.get("alice list pods in default")).toBe(false);
    expect(answers.get("bob list pods in kube-system")).toBe(true);
    expect(answers.get("bob create a pod in default")).toBe(false);
  });

  it("a pod in default opens a real TCP connection to the nginx in network, and reach agrees", async () => {
    const service = await kubectl([
      "get",
      "svc",
      "-n",
      "network",
      "nginx",
      "-o",
      "jsonpath={.spec.clusterIP}",
    ]);
    const viaService = await httpGet(cluster, "default", "alpine", service, 80);
    expect(viaService.stdout).toContain(NGINX_PAGE);
    const viaPod = await httpGet(cluster, "default", "alpine", await podIP(cluster, "network", "nginx"), 80);
    expect(viaPod.stdout).toContain(NGINX_PAGE);
    const reach = await cli(["reach", "default/alpine", "network/svc/nginx", "--port", "80"]);
    expect(reach.code, reach.stderr).toBe(0);
    expect(reach.stdout).toMatch(/^yes: default\/alpine\[Pod\] => network\/nginx\[Service\] TCP\/80/);
  });

  it("the privileged hostPath-/ pod reads a file the test wrote on the host", async () => {
    writeFileSync(marker, `${secret}\n`);
    const read = await inPod(cluster, "default", "busybox", `cat /host${marker}`);
    expect(read.stdout.trim()).toBe(secret);
  });

  it("fix's output, applied with kubectl, breaks the connection; reach, can-i and the cluster agree", async () => {
    const fix = await cli(["fix"]);
    expect(fix.code, fix.stderr).toBe(0);
    // The header's commands, in its order: delete the Pod it re-creates, apply, delete the binding.
    const header = fix.stdout.slice(0, fix.stdout.indexOf("\n---\n"));
    const commands = [...header.matchAll(/^# {3}kubectl (\S.*?)(?: {4}\(.*\))?$/gm)].map((m) =>
      m[1]!.split(" "),
    );
    expect(commands).toEqual([
      ["delete", "pod", "busybox", "-n", "default"],
      ["apply", "-f", "<this", "file>"],
      ["delete", "clusterrolebinding", "pod-reader-binding"],
    ]);
    // A Pod's spec is immutable: the rewritten busybox replaces the old one.
    const rewritten = parseAllDocuments(fix.stdout)
      .map((d) => d.toJSON() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null)
      .filter((o) => o?.kind === "Pod");
    expect(rewritten.map((p) => `${p?.metadata?.namespace}/${p?.metadata?.name}`)).toEqual([
      "default/busybox",
    ]);
    for (const command of commands)
      await kubectl(
        command[0] === "apply" ? ["apply", "-f", "-"] : command,
        command[0] === "apply" ? fix.stdout : undefined,
      );
    await waitReady(cluster, "default", ["busybox"]);

    // kube-router programs the policies asynchronously: wait (bounded) for the connection to fail.
    const service = await kubectl([
      "get",
      "svc",
      "-n",
      "network",
      "nginx",
      "-o",
      "jsonpath={.spec.clusterIP}",
    ]);
    const nginxIP = await podIP(cluster, "network", "nginx");
    const deadline = Date.now() + 30_000;
    let blocked = await httpGet(cluster, "default", "alpine", nginxIP, 80);
    while (blocked.stdout.includes(NGINX_PAGE) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      blocked = await httpGet(cluster, "default", "alpine", nginxIP, 80);
    }
    expect(blocked.stdout).not.toContain(NGINX_PAGE);
    expect(blocked.code).not.toBe(0);
    expect((await httpGet(cluster, "default", "alpine", service, 80)).stdout).not.toContain(NGINX_PAGE);
    const reach = await cli(["reach", "default/alpine", "network/svc/nginx", "--port", "80"]);
    expect(reach.code).toBe(1);
    expect(reach.stdout).toMatch(/^no: default\/alpine\[Pod\] => network\/nginx\[Service\] TCP\/80/);

    // The rewritten pod no longer sees the host: /host is an emptyDir now.
    const read = await inPod(cluster, "default", "busybox", `cat /host${marker}`);
    expect(read.code).not.toBe(0);
    expect(read.stdout).not.toContain(secret);

    // Again, for the reads (each can-i reads the whole cluster, so not every request twice).
    const answers = await checkRbac(REQUESTS.slice(0, 2));
    expect(answers.get("alice list pods in test-namespace")).toBe(true);
    expect(answers.get("bob list pods in kube-system")).toBe(false);
    expect(answers.get("bob get a pod in network")).toBe(false);
  });

  it("after fix's Pod Security labels, the privileged pod cannot be created, with podsec's message", async () => {
    const level = await kubectl([
      "get",
      "namespace",
      "default",
      "-o",
      "jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}",
    ]);
    expect(level).toBe("baseline");
    const pod = privileged("default", "owner");
    const created = await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(pod));
    expect(created.code).toBe(1);
    const predicted = await kubefence(
      ["podsec", "-f", "-", "--level", level, "-o", "json"],
      JSON.stringify(pod),
    );
    const [verdict] = JSON.parse(predicted.stdout) as { allowed: boolean; message: string }[];
    expect(verdict?.allowed).toBe(false);
    expect(created.stderr).toContain(`pods "owner" is forbidden: ${verdict?.message}\n`);
  });

  it("with the kubefence webhook registered, the privileged pod cannot be created where no label forbids it", async () => {
    certs = makeCertificates();
    const [port] = await freePorts(1);
    webhook = spawn(
      process.execPath,
      [
        BUILT_CLI,
        "webhook",
        "serve",
        "--bind-address",
        "127.0.0.1",
        "--port",
        String(port),
        "--tls-cert-file",
        certs.certFile,
        "--tls-private-key-file",
        certs.keyFile,
        "--kubeconfig",
        cluster.kubeconfig,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let logs = "";
    webhook.stderr?.on("data", (chunk: Buffer) => {
      logs += chunk.toString("utf8");
    });
    const url = `https://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await httpsReady(`${url}/readyz`, certs.caFile);
      if (ready) break;
      if (Date.now() > deadline || webhook.exitCode !== null) throw new Error(`webhook not ready:\n${logs}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const configuration = validatingWebhookConfiguration({
      namespace: "kubefence-system",
      clientConfig: { url: `${url}/validate`, caBundle: Buffer.from(certs.ca).toString("base64") },
    });
    await kubectl(["apply", "-f", "-"], JSON.stringify(configuration));
    // A new tenant namespace without Pod Security labels, where alice is admin: the API server's PodSecurity
    // admission lets anything in; the webhook holds the tenant to its level (baseline by default) and denies.
    // (The cluster's own admin is a platform user, whom the guardrails let pass.)
    await kubectl(["create", "namespace", "tenant-unlabelled"]);
    await kubectl([
      "create",
      "rolebinding",
      "alice-admin",
      "-n",
      "tenant-unlabelled",
      "--clusterrole=admin",
      "--user=alice",
    ]);
    const asAlice = (pod: object) =>
      cluster.kubectl(["apply", "--as", "alice", "-f", "-"], JSON.stringify(pod));
    let created = await asAlice(privileged("tenant-unlabelled", "owner"));
    for (let i = 0; i < 20 && created.code === 0; i++) {
      // The API server picks the webhook configuration up asynchronously: undo and try again.
      await kubectl(["delete", "pod", "-n", "tenant-unlabelled", "owner", "--grace-period=0", "--force"]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      created = await asAlice(privileged("tenant-unlabelled", "owner"));
    }
    expect(created.code).toBe(1);
    expect(created.stderr).toMatch(/admission webhook "[^"]+" denied the request/);
    expect(created.stderr).toMatch(/privileged/);
    // A pod that meets baseline is still admitted: the webhook decides, it does not just fail closed.
    const plain = await asAlice(busyboxPod("tenant-unlabelled", "plain", "exec sleep 1000000"));
    expect(plain.code, plain.stderr).toBe(0);
  });
});

/** GET over HTTPS trusting `caFile`; true on 200. */
function httpsReady(url: string, caFile: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { ca: readFileSync(caFile), timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}
