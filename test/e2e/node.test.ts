/**
 * The one-node cluster itself (test/support/node.ts), as other suites use it: workloads are scheduled and run
 * from an imported image, `kubectl logs` reaches the kubelet, and stop() leaves nothing behind on the machine —
 * no processes of its containerd, no pod cgroups, no bridge or veth, no iptables chains or ipsets.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  BUSYBOX_IMAGE,
  exec,
  NODE_BRIDGE,
  NODE_VETH,
  nodeBinaries,
  startNodeCluster,
} from "../support/node.js";

describe("the test node", () => {
  it("runs a Deployment from an imported image, then stop() removes every trace", async () => {
    const cluster = await startNodeCluster();
    let stateDir = "";
    try {
      // Importing an archive again is harmless (a chart's image comes the same way).
      await cluster.importImage(nodeBinaries().images.busybox);
      const deployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "hello", namespace: "default" },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "hello" } },
          template: {
            metadata: { labels: { app: "hello" } },
            spec: {
              terminationGracePeriodSeconds: 0,
              containers: [
                {
                  name: "main",
                  image: BUSYBOX_IMAGE,
                  imagePullPolicy: "Never",
                  command: ["sh", "-c", "echo hello from $(hostname); exec sleep 1000000"],
                },
              ],
            },
          },
        },
      };
      await cluster.apply([deployment]);
      const rolled = await cluster.kubectl(["rollout", "status", "deployment/hello", "--timeout=120s"]);
      expect(rolled.code, rolled.stderr).toBe(0);
      const pods = await cluster.kubectl([
        "get",
        "pods",
        "-l",
        "app=hello",
        "-o",
        "jsonpath={.items[*].spec.nodeName}",
      ]);
      expect(pods.stdout.split(" ")).toEqual([cluster.nodeName, cluster.nodeName]);
      const logs = await cluster.kubectl(["logs", "deployment/hello"]);
      expect(logs.stdout).toMatch(/^hello from hello-/);
      stateDir = nodeStateDir();
      expect(stateDir).toMatch(/kubefence-node-/);
      expect(processesUsing(stateDir).length).toBeGreaterThan(2); // containerd, the kubelet's, the shims
    } finally {
      await cluster.stop();
    }
    expect(existsSync(`/sys/class/net/${NODE_BRIDGE}`)).toBe(false);
    expect(existsSync(`/sys/class/net/${NODE_VETH}`)).toBe(false);
    expect(processesUsing(stateDir)).toEqual([]);
    expect(existsSync(stateDir)).toBe(false);
    const podCgroups = existsSync("/sys/fs/cgroup/pids/kubepods")
      ? readdirSync("/sys/fs/cgroup/pids/kubepods")
      : [];
    expect(podCgroups).toEqual([]);
    const rules = `${(await exec("iptables-save", [])).stdout}${(await exec("ip6tables-save", [])).stdout}`;
    expect(rules.split("\n").filter((line) => /KUBE-|KUBEFENCE-/.test(line))).toEqual([]);
    const sets = (await exec("ipset", ["list", "-n"])).stdout;
    expect(sets.split("\n").filter((name) => /^KUBE-(SRC|DST)-/.test(name))).toEqual([]);
  });
});

/** The node's state directory, found through its running containerd process. */
function nodeStateDir(): string {
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      const config = args[0]?.endsWith("containerd") ? args[args.indexOf("--config") + 1] : undefined;
      if (config?.includes("kubefence-node-")) return config.replace(/\/containerd\.toml$/, "");
    } catch {
      // gone
    }
  }
  return "";
}

/** Processes whose command line names `dir` (containerd, the kubelet, shims: "-address DIR/containerd.sock"). */
function processesUsing(dir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir)) out.push(pid);
    } catch {
      // gone
    }
  }
  return out;
}
