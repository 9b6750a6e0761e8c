/**
 * A real one-node Kubernetes cluster for tests: the control plane of test/support/cluster.ts plus a node on
 * this machine — containerd (Debian's, CRI on), runc, a CNI bridge, the kubelet and kube-proxy (iptables mode)
 * at the release pinned in test/cluster/go.mod, and kube-router's network policy controller enforcing
 * NetworkPolicies (firewall only, pinned in test/dataplane/go.mod). scripts/install-test-node.sh builds them
 * and the two images pods use (`kubefence.local/busybox:test`, `kubefence.local/pause:test`; there is no
 * registry, so pods say `imagePullPolicy: Never`).
 *
 *   const node = await startNodeCluster();   // node.kubeconfig, node.kubectl(...), node.importImage(tar)
 *   ...
 *   await node.stop();
 *
 * Everything it binds is on 127.0.0.1 or on the node's address, NODE_IP, which lives on a veth pair the node
 * creates (the kubelet refuses a loopback node IP); pods live in network namespaces on the bridge NODE_BRIDGE,
 * and a mangle-table rule drops pod traffic that would leave through any other interface. Needs root.
 *
 * The node owns machine-wide names (the bridge, iptables chains), so one runs at a time per machine: start
 * waits for a running one to stop. stop() (and, if the test process dies, a watchdog) runs
 * scripts/test-node-cleanup.sh, which removes every container, rule, set, link and mount the node made.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  freePorts,
  startTestCluster,
  type TestCluster,
  type TestClusterOptions,
  testBinDir,
} from "./cluster.js";

export const NODE_NAME = "kubefence-node";
/** The node's InternalIP: on the veth NODE_VETH, created by the node and removed by stop(). */
export const NODE_IP = "10.250.0.1";
export const NODE_VETH = "kfnode0";
export const NODE_BRIDGE = "kfbr0";
/** The cluster's pod range (kube-controller-manager --cluster-cidr); the node gets its first /24. */
export const CLUSTER_CIDR = "10.244.0.0/16";
export const SERVICE_CIDR = "10.0.0.0/24";
/** Images every node has imported (built by scripts/install-test-node.sh). */
export const BUSYBOX_IMAGE = "kubefence.local/busybox:test";
export const PAUSE_IMAGE = "kubefence.local/pause:test";

const CHAIN = "KUBEFENCE-NODE";
const LOCK = "/run/kubefence-node.lock";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLEANUP = join(ROOT, "scripts", "test-node-cleanup.sh");
const NODE_TIMEOUT_MS = 300_000;

export interface NodeCluster extends TestCluster {
  nodeName: string;
  nodeIP: string;
  /** The node's pod range (spec.podCIDR), e.g. 10.244.0.0/24. */
  podCIDR: string;
  /** containerd's socket (`ctr --address SOCKET -n k8s.io images ls`: what the kubelet's runtime holds). */
  containerdSocket: string;
  /** Loads an image archive (OCI or docker-archive, as `buildah push`/`docker save` write) into the node. */
  importImage(archive: string): Promise<void>;
  /** Kills the node's processes and containers, removes its rules and links, then stops the control plane. */
  stop(): Promise<void>;
}

export interface NodeBinaries {
  kubelet: string;
  kubeProxy: string;
  kubeRouter: string;
  images: { pause: string; busybox: string };
}

/** Where scripts/install-test-node.sh put the node's binaries and images; throws naming what is missing. */
export function nodeBinaries(): NodeBinaries {
  const bin = testBinDir();
  const [routerBin = "", images = ""] = run("bash", [join(ROOT, "scripts", "test-node-bin.sh")])
    .trim()
    .split("\n");
  const binaries: NodeBinaries = {
    kubelet: join(bin, "kubelet"),
    kubeProxy: join(bin, "kube-proxy"),
    kubeRouter: join(routerBin, "kube-router"),
    images: { pause: join(images, "pause.tar"), busybox: join(images, "busybox.tar") },
  };
  const missing = [
    binaries.kubelet,
    binaries.kubeProxy,
    binaries.kubeRouter,
    ...Object.values(binaries.images),
  ];
  const absent = missing.filter((path) => !existsSync(path));
  if (absent.length > 0)
    throw new Error(
      `the test node is not installed (missing ${absent.join(", ")}); run scripts/install-test-node.sh`,
    );
  return binaries;
}

export async function startNodeCluster(options: TestClusterOptions = {}): Promise<NodeCluster> {
  const binaries = nodeBinaries();
  await acquireLock();
  let cluster: TestCluster | undefined;
  const processes: ChildProcess[] = [];
  let watchdog: ChildProcess | undefined;
  let stopped = false;
  let dir = "";
  let forwarder: { close(): void } | undefined;

  const cleanup = (): void => {
    watchdog?.kill("SIGKILL");
    forwarder?.close();
    if (dir) run("bash", [CLEANUP, dir]);
  };
  const onExit = (): void => {
    cleanup();
    releaseLock();
  };
  process.once("exit", onExit);

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", onExit);
    cleanup();
    await cluster?.stop();
    releaseLock();
  };

  try {
    cluster = await startTestCluster({
      // Pods run here, so they get ServiceAccount tokens as in any cluster (an in-cluster client needs one).
      serviceAccountTokens: true,
      ...options,
      controllers: [
        "node-lifecycle-controller",
        "node-ipam-controller",
        "endpointslice-controller",
        "deployment-controller",
        "replicaset-controller",
        "daemonset-controller",
        "job-controller",
        "statefulset-controller",
        "garbage-collector-controller",
        "pod-garbage-collector-controller",
        "ttl-controller",
        ...(options.controllers ?? []),
      ],
      // The node's name resolves nowhere: the API server reaches the kubelet (exec, logs) at its InternalIP.
      apiServerArgs: ["--kubelet-preferred-address-types=InternalIP", ...(options.apiServerArgs ?? [])],
      controllerManagerArgs: [
        "--allocate-node-cidrs=true",
        `--cluster-cidr=${CLUSTER_CIDR}`,
        "--node-cidr-mask-size=24",
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        ...(options.controllerManagerArgs ?? []),
      ],
    });
    // Not inside cluster.dir: the control plane's watchdog removes that, and clean-up needs this one's state.
    dir = mkdtempSync(join(tmpdir(), "kubefence-node-"));
    const [kubeletPort, kubeletHealthz, proxyMetrics, proxyHealthz, schedulerPort] = await freePorts(5);
    const sock = join(dir, "containerd.sock");
    const ipForward = readFileSync("/proc/sys/net/ipv4/ip_forward", "utf8").trim();
    writeFileSync(
      join(dir, "node.env"),
      [
        `CONTAINERD_SOCK='${sock}'`,
        `KUBE_PROXY='${binaries.kubeProxy}'`,
        `BRIDGE=${NODE_BRIDGE}`,
        `VETH=${NODE_VETH}`,
        `CHAIN=${CHAIN}`,
        `IP_FORWARD=${ipForward}`,
        "",
      ].join("\n"),
    );

    const launch = (name: string, command: string, args: string[]): ChildProcess => {
      const log = join(dir, `${name}.log`);
      writeFileSync(log, "");
      const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
      child.stderr?.on("data", (chunk: Buffer) => {
        try {
          writeFileSync(log, chunk, { flag: "a" });
        } catch {
          // stopped: the directory is gone
        }
      });
      processes.push(child);
      writeFileSync(join(dir, "node.pids"), `${processes.map((p) => p.pid).join("\n")}\n`);
      return child;
    };
    const deadline = Date.now() + NODE_TIMEOUT_MS;
    const waitUntil = async (what: string, ready: () => Promise<boolean> | boolean): Promise<void> => {
      for (;;) {
        const dead = processes.find((p) => p.exitCode !== null || p.signalCode !== null);
        if (dead)
          throw new Error(`test node: ${dead.spawnfile} exited while waiting for ${what}\n${tails(dir)}`);
        try {
          if (await ready()) return;
        } catch {
          // not up yet
        }
        if (Date.now() > deadline) throw new Error(`test node: timed out waiting for ${what}\n${tails(dir)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };

    // The node's address, and containment: pod traffic may leave only through the bridge. (What a node
    // killed without clean-up left behind goes first: this process holds the machine's node lock.)
    spawnSync("ip", ["link", "del", NODE_VETH]);
    spawnSync("ip", ["link", "del", NODE_BRIDGE]);
    while (spawnSync("iptables", ["-t", "mangle", "-D", "FORWARD", "-j", CHAIN]).status === 0);
    spawnSync("iptables", ["-t", "mangle", "-F", CHAIN]);
    spawnSync("iptables", ["-t", "mangle", "-X", CHAIN]);
    run("ip", ["link", "add", NODE_VETH, "type", "veth", "peer", "name", `${NODE_VETH}p`]);
    run("ip", ["addr", "add", `${NODE_IP}/32`, "dev", NODE_VETH]);
    run("ip", ["link", "set", NODE_VETH, "up"]);
    run("ip", ["link", "set", `${NODE_VETH}p`, "up"]);
    run("iptables", ["-t", "mangle", "-N", CHAIN]);
    run("iptables", ["-t", "mangle", "-A", CHAIN, "-s", CLUSTER_CIDR, "!", "-o", NODE_BRIDGE, "-j", "DROP"]);
    run("iptables", ["-t", "mangle", "-A", CHAIN, "-d", CLUSTER_CIDR, "!", "-o", NODE_BRIDGE, "-j", "DROP"]);
    run("iptables", ["-t", "mangle", "-I", "FORWARD", "-j", CHAIN]);
    // Service traffic from a pod comes back out of the bridge after kube-proxy's DNAT: the node routes it.
    writeFileSync("/proc/sys/net/ipv4/ip_forward", "1");

    // In-cluster clients reach the API server through the `kubernetes` Service. The server listens on loopback
    // only, which a pod cannot reach, so the node forwards NODE_IP:PORT to it and the Service's endpoint is
    // that address (the server's own reconciler is off: it would advertise 127.0.0.1).
    const apiPort = Number(new URL(cluster.server).port);
    forwarder = await forward(NODE_IP, apiPort);
    const slice = await cluster.request(
      "POST",
      "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
      {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          name: "kubernetes",
          namespace: "default",
          labels: {
            "kubernetes.io/service-name": "kubernetes",
            "endpointslice.kubernetes.io/managed-by": "kubefence-test-node",
          },
        },
        addressType: "IPv4",
        endpoints: [{ addresses: [NODE_IP], conditions: { ready: true } }],
        ports: [{ name: "https", port: apiPort, protocol: "TCP" }],
      },
    );
    if (slice.status !== 201)
      throw new Error(
        `test node: the kubernetes EndpointSlice: ${slice.status} ${JSON.stringify(slice.body)}`,
      );

    writeFileSync(join(dir, "containerd.toml"), containerdConfig(dir, sock));
    mkdirSync(join(dir, "cni"), { recursive: true });
    const containerd = launch("containerd", "containerd", ["--config", join(dir, "containerd.toml")]);
    writeFileSync(join(dir, "node.env"), `CONTAINERD_PID=${containerd.pid}\n`, { flag: "a" });
    await waitUntil("containerd", async () => (await exec("ctr", ["--address", sock, "version"])).code === 0);
    const importImage = async (archive: string): Promise<void> => {
      const result = await exec("ctr", [
        "--address",
        sock,
        "-n",
        "k8s.io",
        "images",
        "import",
        "--snapshotter=native",
        archive,
      ]);
      if (result.code !== 0) throw new Error(`ctr images import ${archive}: ${result.stderr}`);
    };
    await importImage(binaries.images.pause);
    await importImage(binaries.images.busybox);

    writeFileSync(join(dir, "kubelet.yaml"), kubeletConfig(dir, sock, kubeletPort!, kubeletHealthz!));
    writeFileSync(join(dir, "resolv.conf"), "");
    launch("kubelet", binaries.kubelet, [
      `--config=${join(dir, "kubelet.yaml")}`,
      `--kubeconfig=${cluster.kubeconfig}`,
      `--root-dir=${join(dir, "kubelet")}`,
      `--cert-dir=${join(dir, "kubelet", "pki")}`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${NODE_IP}`,
      "--v=0",
    ]);
    const admin = cluster;
    let podCIDR = "";
    await waitUntil("the node's pod range (node-ipam-controller)", async () => {
      const node = await admin.request<{ spec?: { podCIDR?: string } }>("GET", `/api/v1/nodes/${NODE_NAME}`);
      podCIDR = node.body.spec?.podCIDR ?? "";
      return podCIDR !== "";
    });
    // The CNI configuration comes once the range is known: until then the kubelet reports the network not ready.
    writeFileSync(join(dir, "cni", "10-kubefence.conflist"), cniConfig(dir, podCIDR));

    writeFileSync(
      join(dir, "kube-proxy.yaml"),
      kubeProxyConfig(cluster.kubeconfig, proxyMetrics!, proxyHealthz!),
    );
    launch("kube-proxy", binaries.kubeProxy, [`--config=${join(dir, "kube-proxy.yaml")}`, "--v=0"]);
    launch("kube-router", binaries.kubeRouter, [
      `--kubeconfig=${cluster.kubeconfig}`,
      "--run-firewall=true",
      "--run-router=false",
      "--run-service-proxy=false",
      "--enable-cni=false",
      "--enable-ipv6=false",
      `--hostname-override=${NODE_NAME}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      "--health-port=0",
      "--metrics-port=0",
      "--v=1",
    ]);
    launch("kube-scheduler", `${testBinDir()}/kube-scheduler`, [
      `--kubeconfig=${cluster.kubeconfig}`,
      `--authentication-kubeconfig=${cluster.kubeconfig}`,
      `--authorization-kubeconfig=${cluster.kubeconfig}`,
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      `--secure-port=${schedulerPort}`,
      "--v=0",
    ]);
    watchdog = startWatchdog(dir);

    await waitUntil("the node to be Ready without taints", async () => {
      const node = await admin.request<NodeObject>("GET", `/api/v1/nodes/${NODE_NAME}`);
      const ready = node.body.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
      return ready && (node.body.spec?.taints ?? []).length === 0;
    });
    await waitUntil("kube-router's and kube-proxy's chains", async () => {
      const filter = await exec("iptables", ["-S"]);
      const nat = await exec("iptables", ["-t", "nat", "-S"]);
      return filter.stdout.includes("-N KUBE-ROUTER-FORWARD") && nat.stdout.includes("-N KUBE-SERVICES");
    });

    return {
      ...cluster,
      nodeName: NODE_NAME,
      nodeIP: NODE_IP,
      podCIDR,
      containerdSocket: sock,
      importImage,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A TCP forwarder from address:port to 127.0.0.1:port, in this process (closed by stop()). */
function forward(address: string, port: number): Promise<{ close(): void }> {
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    const upstream = createConnection({ host: "127.0.0.1", port });
    for (const end of [socket, upstream]) {
      open.add(end);
      end.once("close", () => open.delete(end));
    }
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () =>
      resolve({
        // Stops listening, and ends the connections still open (pods' watches).
        close() {
          server.close();
          for (const end of open) end.destroy();
        },
      }),
    );
  });
}

interface NodeObject {
  spec?: { taints?: unknown[] };
  status?: { conditions?: { type: string; status: string }[] };
}

function containerdConfig(dir: string, sock: string): string {
  return `version = 2
root = "${dir}/containerd/root"
state = "${dir}/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.overlayfs"]
[grpc]
  address = "${sock}"
[ttrpc]
  address = "${sock}.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  # runc cannot write oom_score_adj -998 for the sandbox here (no CAP_SYS_RESOURCE).
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "native"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${dir}/cni"
`;
}

function cniConfig(dir: string, podCIDR: string): string {
  return `${JSON.stringify(
    {
      cniVersion: "0.4.0",
      name: "kubefence",
      plugins: [
        {
          type: "bridge",
          bridge: NODE_BRIDGE,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          // The default route via the bridge carries Service traffic to kube-proxy's DNAT (the containment
          // chain drops whatever would leave the node).
          ipam: {
            type: "host-local",
            ranges: [[{ subnet: podCIDR }]],
            routes: [{ dst: "0.0.0.0/0" }],
            dataDir: join(dir, "cni-ipam"),
          },
        },
      ],
    },
    null,
    2,
  )}\n`;
}

function kubeletConfig(dir: string, sock: string, port: number, healthz: number): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# cgroup v1 hosts: the kubelet refuses them unless told otherwise.
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://${sock}
address: ${NODE_IP}
port: ${port}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: ${healthz}
authentication:
  anonymous:
    enabled: true
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
failSwapOn: false
resolvConf: ${dir}/resolv.conf
evictionHard:
  memory.available: "0%"
  nodefs.available: "0%"
  nodefs.inodesFree: "0%"
  imagefs.available: "0%"
imageGCHighThresholdPercent: 100
localStorageCapacityIsolation: false
serializeImagePulls: false
shutdownGracePeriod: 0s
`;
}

function kubeProxyConfig(kubeconfig: string, metrics: number, healthz: number): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: ${kubeconfig}
hostnameOverride: ${NODE_NAME}
mode: iptables
clusterCIDR: ${CLUSTER_CIDR}
nodePortAddresses: ["${NODE_IP}/32"]
metricsBindAddress: 127.0.0.1:${metrics}
healthzBindAddress: 127.0.0.1:${healthz}
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
`;
}

/** If the test process dies without its exit handlers (SIGKILL), a detached shell tears the node down. */
function startWatchdog(dir: string): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; bash '${CLEANUP}' '${dir}'; rm -rf '${LOCK}'`;
  const watchdog = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  watchdog.unref();
  return watchdog;
}

/** One node per machine: waits (up to 20 minutes) for another test process's node to stop. */
async function acquireLock(): Promise<void> {
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, "pid"), String(process.pid));
      return;
    } catch {
      const owner = Number(readFileSync(join(LOCK, "pid"), { encoding: "utf8", flag: "a+" }) || 0);
      if (owner && !alive(owner)) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`test node: ${LOCK} is held by process ${owner}`);
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function releaseLock(): void {
  try {
    if (Number(readFileSync(join(LOCK, "pid"), "utf8")) === process.pid)
      rmSync(LOCK, { recursive: true, force: true });
  } catch {
    // not held
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tails(dir: string): string {
  return ["containerd", "kubelet", "kube-proxy", "kube-router"]
    .map((name) => {
      const path = join(dir, `${name}.log`);
      if (!existsSync(path)) return "";
      return `--- ${name} (last lines) ---\n${readFileSync(path, "utf8").trimEnd().split("\n").slice(-15).join("\n")}`;
    })
    .filter(Boolean)
    .join("\n");
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(" ")}: ${result.stderr || result.error?.message || `exit ${result.status}`}`,
    );
  return result.stdout;
}

export function exec(
  command: string,
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.on("error", () => {}); // a command that exits before reading its input
    child.stdin?.end(input ?? "");
  });
}
