/**
 * A real Kubernetes control plane on loopback for tests: etcd, kube-apiserver and kube-controller-manager at
 * the release pinned in test/cluster/go.mod (v1.37), built from Go modules by scripts/install-test-cluster.sh.
 * Each test file that needs one starts its own in beforeAll and stops it in afterAll:
 *
 *   let cluster: TestCluster;
 *   beforeAll(async () => { cluster = await startTestCluster(); });
 *   afterAll(() => cluster?.stop());
 *
 * Authentication is a static token file (--token-auth-file), read once when the server starts, so users are
 * provisioned up front: an admin in group system:masters, the users in DEFAULT_USERS, and whatever
 * `startTestCluster({ users })` adds. `userKubeconfig(user, groups)` authenticates as one of them for real
 * (RBAC sees that user, exactly as with any authenticator). To act as an arbitrary user without
 * provisioning it, send impersonation headers through the admin instead:
 * `cluster.request("GET", path, undefined, { "Impersonate-User": "x", "Impersonate-Group": "g" })`.
 *
 * Authorization is RBAC only. Admission is the server's default set, PodSecurity included (as in every real
 * cluster: a namespace's pod-security.kubernetes.io labels are enforced), less ServiceAccount unless
 * `serviceAccountTokens` (with no kubelet, nothing would mount pods' token volumes). The controller manager runs the ClusterRole
 * aggregation, ServiceAccount and Namespace controllers, so the aggregated admin/edit/view ClusterRoles and
 * every namespace's `default` ServiceAccount exist and a deleted namespace is emptied and goes away, as in a
 * real cluster. No scheduler, no kubelet: pods stay Pending, which is all the API plane needs (test/support/node.ts
 * adds a real node, the controllers it needs and a scheduler).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type Agent, Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface TestCluster {
  /** `https://127.0.0.1:PORT` */
  server: string;
  /** Path of an admin kubeconfig (user `admin`, group system:masters). */
  kubeconfig: string;
  /** The admin's bearer token. */
  token: string;
  /** The CA bundle that verifies the server's self-signed serving certificate. */
  caFile: string;
  /** The cluster's own temporary directory (removed by stop()). */
  dir: string;
  /** Runs kubectl (the one built at the cluster's version, or $KUBECTL) with the admin kubeconfig. */
  kubectl(args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number }>;
  /**
   * One API request as the admin; `headers` may add impersonation or replace Authorization. The answer's
   * `headers` holds every response header as sent, in order ([name, value] pairs, names lower-cased): a
   * header sent twice, such as `Warning`, appears twice. `options.agent` sends it through an agent of the
   * caller's (e.g. a keep-alive one made by `keepAliveAgent()`).
   */
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    options?: RequestOptions,
  ): Promise<Response<T>>;
  /**
   * An HTTPS agent that keeps up to `maxSockets` connections to this server open between requests, trusting
   * its CA. The caller destroys it when done.
   */
  keepAliveAgent(maxSockets: number): Agent;
  /** Creates each object, or replaces it if it exists; namespaces first. Throws on any other failure. */
  apply(objects: object[]): Promise<void>;
  /** A kubeconfig that authenticates as a provisioned user (static token). Throws for one not provisioned. */
  userKubeconfig(user: string, groups?: string[]): Promise<string>;
  /** The bearer token of a provisioned user. */
  userToken(user: string, groups?: string[]): string;
  /**
   * Kills the API server and starts it again with the same flags, port and certificates (etcd keeps the state),
   * resolving once it is ready: what a watch sees when the control plane is upgraded or crashes.
   */
  restartApiServer(): Promise<void>;
  /** Kills etcd, the API server and the controller manager, and removes `dir`. Safe to call twice. */
  stop(): Promise<void>;
}

export interface RequestOptions {
  agent?: Agent;
}

export interface Response<T = unknown> {
  status: number;
  body: T;
  /** Every response header as received: [lower-cased name, value], in order, repeats kept. */
  headers?: [string, string][];
}

export interface TestUser {
  name: string;
  /** Groups besides system:authenticated, which the server adds to every authenticated user. */
  groups?: string[];
}

export interface TestClusterOptions {
  /** Users to provision besides the admin and DEFAULT_USERS. */
  users?: TestUser[];
  /** The API server's `--runtime-config`, e.g. `batch/v1=false` to stop serving an API group version. */
  runtimeConfig?: string;
  /** More kube-apiserver flags. */
  apiServerArgs?: string[];
  /** kube-controller-manager controllers to run besides the default three (test/support/node.ts adds those a node needs; VAP tests the status controller). */
  controllers?: string[];
  /** More kube-controller-manager flags, e.g. `--allocate-node-cidrs=true`. */
  controllerManagerArgs?: string[];
  /**
   * Pods get ServiceAccount tokens, as in a real cluster: the ServiceAccount admission plugin adds the projected
   * token volume (the kubelet asks the TokenRequest API, signed with the cluster's key) and the controller
   * manager publishes the API server's CA as kube-root-ca.crt in every namespace. Off by default: without a
   * kubelet nothing would mount them (test/support/node.ts turns it on).
   */
  serviceAccountTokens?: boolean;
}

/** Provisioned in every test cluster, with no groups of their own. */
export const DEFAULT_USERS: readonly TestUser[] = ["alice", "bob", "carol", "dave", "eve", "mallory"].map(
  (name) => ({ name }),
);

const STARTUP_TIMEOUT_MS = 120_000;
const PINS = fileURLToPath(new URL("../cluster/", import.meta.url));

/** The Kubernetes release the test cluster runs, as test/cluster/go.mod pins it (e.g. `v1.37.2`). */
export const TEST_KUBERNETES_VERSION = pinnedVersion();

function pinnedVersion(): string {
  const match = /^\s*k8s\.io\/kubernetes (v1\.\d+\.\d+)/m.exec(readFileSync(join(PINS, "go.mod"), "utf8"));
  if (!match?.[1]) throw new Error(`test/cluster/go.mod pins no k8s.io/kubernetes version`);
  return match[1];
}

export interface TestBinaries {
  apiserver: string;
  controllerManager: string;
  scheduler: string;
  kubectl: string;
  etcd: string;
}

/**
 * Where scripts/install-test-cluster.sh put the binaries for the current pins: a directory named by the
 * version and a hash of go.mod and go.sum (scripts/test-cluster-bin.sh computes the same name).
 */
export function testBinDir(): string {
  const cache = process.env.KUBEFENCE_CACHE ?? join(homedir(), ".cache", "kubefence");
  const pins = createHash("sha256")
    .update(readFileSync(join(PINS, "go.mod")))
    .update(readFileSync(join(PINS, "go.sum")))
    .digest("hex")
    .slice(0, 12);
  return join(cache, `k8s-${TEST_KUBERNETES_VERSION}-${pins}`, "bin");
}

export function testBinaries(): TestBinaries {
  const bin = testBinDir();
  const binaries: TestBinaries = {
    apiserver: join(bin, "kube-apiserver"),
    controllerManager: join(bin, "kube-controller-manager"),
    scheduler: join(bin, "kube-scheduler"),
    kubectl: join(bin, "kubectl"),
    etcd: join(bin, "etcd"),
  };
  const missing = Object.values(binaries).filter((path) => !existsSync(path));
  if (missing.length > 0)
    throw new Error(
      `the test Kubernetes cluster is not installed (missing ${missing.join(", ")}); run scripts/install-test-cluster.sh (builds Kubernetes ${TEST_KUBERNETES_VERSION} from Go modules once, cached in ${bin})`,
    );
  return binaries;
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const binaries = testBinaries();
  const dir = mkdtempSync(join(tmpdir(), "kubefence-cluster-"));
  const processes: ChildProcess[] = [];
  let watchdog: ChildProcess | undefined;
  let stopped = false;

  const killAll = (): void => {
    watchdog?.kill("SIGKILL");
    for (const child of processes) if (child.exitCode === null) child.kill("SIGKILL");
  };
  const onExit = (): void => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", onExit);

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", onExit);
    // First the watchdog, so it can never kill these PIDs once the kernel has reused them.
    watchdog?.kill("SIGKILL");
    await Promise.all(
      processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGKILL");
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const [etcdPort, peerPort, apiPort, kcmPort] = await freePorts(4);
    const token = secret();
    const users = provisionUsers([...DEFAULT_USERS, ...(options.users ?? [])]);
    writeFileSync(
      join(dir, "tokens.csv"),
      [
        `${token},admin,admin,"system:masters"`,
        ...[...users.values()].map(
          (u) => `${u.token},${u.name},${u.name}${u.groups.length ? `,"${u.groups.join(",")}"` : ""}`,
        ),
      ].join("\n"),
    );
    const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "sa.key"), keys.privateKey.export({ type: "pkcs1", format: "pem" }));
    writeFileSync(join(dir, "sa.pub"), keys.publicKey.export({ type: "spki", format: "pem" }));

    const launch = (name: string, command: string, args: string[]): ChildProcess => {
      const log = join(dir, `${name}.log`);
      writeFileSync(log, "", { flag: "a" });
      const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
      child.stderr?.on("data", (chunk: Buffer) => appendLog(log, chunk));
      child.on("error", (error) => appendLog(log, Buffer.from(`spawn failed: ${error.message}\n`)));
      processes.push(child);
      return child;
    };

    launch("etcd", binaries.etcd, [
      "--name=test",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=test=http://127.0.0.1:${peerPort}`,
      "--log-level=warn",
    ]);
    const apiServerFlags = [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      // A loopback address may not be an endpoint of the `kubernetes` Service; no pod here needs it.
      "--endpoint-reconciler-type=none",
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, "certs")}`,
      `--token-auth-file=${join(dir, "tokens.csv")}`,
      "--authorization-mode=RBAC",
      ...(options.serviceAccountTokens ? [] : ["--disable-admission-plugins=ServiceAccount"]),
      "--allow-privileged=true",
      `--service-account-key-file=${join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${join(dir, "sa.key")}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      "--service-cluster-ip-range=10.0.0.0/24",
      "--v=0",
      ...(options.runtimeConfig ? [`--runtime-config=${options.runtimeConfig}`] : []),
      ...(options.apiServerArgs ?? []),
    ];
    let apiServer = launch("kube-apiserver", binaries.apiserver, apiServerFlags);
    const server = `https://127.0.0.1:${apiPort}`;
    const caFile = join(dir, "certs", "apiserver.crt");
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    const apiServerReady = (until: number) =>
      waitFor("kube-apiserver /readyz", until, dir, processes, async () => {
        if (!existsSync(caFile)) return false;
        const ready = await rawRequest(server, caFile, token, "GET", "/readyz");
        return ready.status === 200;
      });
    await apiServerReady(deadline);

    const kubeconfig = join(dir, "admin.kubeconfig");
    writeFileSync(kubeconfig, kubeconfigText(server, caFile, "admin", token));

    launch("kube-controller-manager", binaries.controllerManager, [
      `--kubeconfig=${kubeconfig}`,
      `--controllers=${["clusterrole-aggregation-controller", "serviceaccount-controller", "namespace-controller", ...(options.serviceAccountTokens ? ["root-ca-certificate-publisher-controller"] : []), ...(options.controllers ?? [])].join(",")}`,
      "--leader-elect=false",
      ...(options.serviceAccountTokens ? [`--root-ca-file=${caFile}`] : []),
      ...(options.controllerManagerArgs ?? []),
      "--bind-address=127.0.0.1",
      `--secure-port=${kcmPort}`,
      "--v=0",
    ]);
    watchdog = startWatchdog(processes, dir);

    await waitFor(
      "the controller manager (default ServiceAccount, aggregated ClusterRoles)",
      deadline,
      dir,
      processes,
      async () => {
        const sa = await rawRequest(
          server,
          caFile,
          token,
          "GET",
          "/api/v1/namespaces/default/serviceaccounts/default",
        );
        if (sa.status !== 200) return false;
        const admin = await rawRequest(
          server,
          caFile,
          token,
          "GET",
          "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin",
        );
        const rules = (admin.body as { rules?: unknown[] } | undefined)?.rules;
        return admin.status === 200 && Array.isArray(rules) && rules.length > 0;
      },
    );

    const request = <T>(
      method: string,
      path: string,
      body?: unknown,
      headers?: Record<string, string>,
      options?: RequestOptions,
    ) => rawRequest(server, caFile, token, method, path, body, headers, options) as Promise<Response<T>>;

    const cluster: TestCluster = {
      server,
      kubeconfig,
      token,
      caFile,
      dir,
      kubectl: (args, input) => runKubectl(binaries.kubectl, ["--kubeconfig", kubeconfig, ...args], input),
      request,
      keepAliveAgent: (maxSockets) =>
        new HttpsAgent({ keepAlive: true, maxSockets, ca: readFileSync(caFile) }),
      apply: (objects) => applyObjects(request, objects),
      userToken: (user, groups = []) => provisioned(users, user, groups).token,
      async restartApiServer() {
        const old = apiServer;
        await new Promise<void>((resolve) => {
          if (old.exitCode !== null || old.signalCode !== null) return resolve();
          old.once("exit", () => resolve());
          old.kill("SIGKILL");
        });
        processes.splice(processes.indexOf(old), 1);
        apiServer = launch("kube-apiserver", binaries.apiserver, apiServerFlags);
        // The watchdog must know the new PID.
        watchdog?.kill("SIGKILL");
        watchdog = startWatchdog(processes, dir);
        await apiServerReady(Date.now() + STARTUP_TIMEOUT_MS);
      },
      async userKubeconfig(user, groups = []) {
        const entry = provisioned(users, user, groups);
        const path = join(dir, `user-${entry.name}-${entry.groups.join("+") || "nogroups"}.kubeconfig`);
        writeFileSync(path, kubeconfigText(server, caFile, entry.name, entry.token));
        return path;
      },
      stop,
    };
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}

interface ProvisionedUser {
  name: string;
  groups: string[];
  token: string;
}

function userKey(name: string, groups: string[]): string {
  return `${name}\u0000${[...groups].sort().join(",")}`;
}

function provisionUsers(users: TestUser[]): Map<string, ProvisionedUser> {
  const out = new Map<string, ProvisionedUser>();
  for (const user of users) {
    if (/[,"\n]/.test(user.name) || (user.groups ?? []).some((g) => /[,"\n]/.test(g)))
      throw new Error(`test user ${JSON.stringify(user)}: names and groups cannot contain , " or newlines`);
    const groups = [...(user.groups ?? [])].sort();
    out.set(userKey(user.name, groups), { name: user.name, groups, token: secret() });
  }
  return out;
}

function provisioned(users: Map<string, ProvisionedUser>, name: string, groups: string[]): ProvisionedUser {
  const entry = users.get(userKey(name, groups));
  if (!entry)
    throw new Error(
      `user ${JSON.stringify(name)} with groups ${JSON.stringify(groups)} is not provisioned in this test cluster; pass it to startTestCluster({ users: [...] }) (the static token file is read only at start), or impersonate it through the admin with Impersonate-User/Impersonate-Group headers`,
    );
  return entry;
}

function secret(): string {
  return randomBytes(24).toString("hex");
}

function kubeconfigText(server: string, caFile: string, user: string, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: test
    cluster:
      server: ${server}
      certificate-authority: ${caFile}
users:
  - name: ${user}
    user:
      token: ${token}
contexts:
  - name: test
    context:
      cluster: test
      user: ${user}
current-context: test
`;
}

/** Asks the kernel for free loopback ports (all held open at once, so they are distinct). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** If this test process dies without running its exit handlers (SIGKILL), a detached shell kills the cluster. */
function startWatchdog(processes: ChildProcess[], dir: string): ChildProcess {
  const pids = processes.map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; kill -9 ${pids.join(" ")} 2>/dev/null; rm -rf '${dir}'`;
  const watchdog = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  watchdog.unref();
  return watchdog;
}

async function waitFor(
  what: string,
  deadline: number,
  dir: string,
  processes: ChildProcess[],
  ready: () => Promise<boolean>,
): Promise<void> {
  for (;;) {
    const dead = processes.find((p) => p.exitCode !== null || p.signalCode !== null);
    if (dead)
      throw new Error(`test cluster: ${dead.spawnfile} exited while waiting for ${what}\n${logTails(dir)}`);
    try {
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`test cluster: timed out waiting for ${what}\n${logTails(dir)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function appendLog(path: string, chunk: Buffer): void {
  try {
    writeFileSync(path, chunk, { flag: "a" });
  } catch {
    // the directory is gone: the cluster was stopped
  }
}

function logTails(dir: string): string {
  return ["etcd", "kube-apiserver", "kube-controller-manager"]
    .map((name) => {
      const path = join(dir, `${name}.log`);
      if (!existsSync(path)) return "";
      const lines = readFileSync(path, "utf8").trimEnd().split("\n").slice(-15);
      return `--- ${name} (last lines) ---\n${lines.join("\n")}`;
    })
    .filter(Boolean)
    .join("\n");
}

function rawRequest(
  server: string,
  caFile: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  options: RequestOptions = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpsRequest(
      `${server}${path}`,
      {
        method,
        ...(options.agent ? { agent: options.agent } : { ca: readFileSync(caFile) }),
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/json",
          ...(payload === undefined ? {} : { "Content-Type": "application/json" }),
          ...headers,
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // plain text (e.g. /readyz says "ok")
          }
          const received: [string, string][] = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
            received.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: received });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
}

type Requester = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

interface Resource {
  name: string;
  namespaced: boolean;
  kind: string;
}

async function applyObjects(request: Requester, objects: object[]): Promise<void> {
  const discovered = new Map<string, Resource[]>();
  const resourceFor = async (apiVersion: string, kind: string): Promise<Resource> => {
    let resources = discovered.get(apiVersion);
    if (!resources) {
      const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const answer = await request("GET", path);
      if (answer.status !== 200) throw new Error(`apply: ${apiVersion} is not served (${answer.status})`);
      resources = ((answer.body as { resources?: Resource[] }).resources ?? []).filter(
        (r) => !r.name.includes("/"),
      );
      discovered.set(apiVersion, resources);
    }
    const resource = resources.find((r) => r.kind === kind);
    if (!resource) throw new Error(`apply: ${apiVersion} has no kind ${kind}`);
    return resource;
  };

  type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
  const ordered = [...(objects as Manifest[])].sort(
    (a, b) => Number(b.kind === "Namespace") - Number(a.kind === "Namespace"),
  );
  for (const object of ordered) {
    const resource = await resourceFor(object.apiVersion, object.kind);
    const base = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    const namespace = object.metadata.namespace ?? "default";
    const collection = resource.namespaced
      ? `${base}/namespaces/${namespace}/${resource.name}`
      : `${base}/${resource.name}`;
    const body = resource.namespaced ? { ...object, metadata: { ...object.metadata, namespace } } : object;
    const created = await request("POST", collection, body);
    if (created.status === 201 || created.status === 200) continue;
    if (created.status !== 409)
      throw new Error(
        `apply ${object.kind} ${object.metadata.name}: ${created.status} ${describe(created.body)}`,
      );
    const itemPath = `${collection}/${object.metadata.name}`;
    const current = await request("GET", itemPath);
    const resourceVersion = (current.body as { metadata?: { resourceVersion?: string } }).metadata
      ?.resourceVersion;
    const replaced = await request("PUT", itemPath, {
      ...body,
      metadata: { ...body.metadata, resourceVersion },
    });
    if (replaced.status !== 200)
      throw new Error(
        `apply ${object.kind} ${object.metadata.name}: ${replaced.status} ${describe(replaced.body)}`,
      );
  }
}

function describe(body: unknown): string {
  return typeof body === "object" && body !== null && "message" in body
    ? String((body as { message: unknown }).message)
    : JSON.stringify(body);
}

function runKubectl(
  kubectl: string,
  args: string[],
  input?: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.env.KUBECTL ?? kubectl,
      args,
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 127) : 0;
        resolve({ stdout, stderr: stderr || (error && !stdout ? error.message : ""), code });
      },
    );
    child.stdin?.end(input ?? "");
  });
}
