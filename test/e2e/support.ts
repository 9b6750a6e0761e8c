/** Helpers for the real-node suite: pods from the local busybox image, commands in them, the CLI as a process. */
import { spawn } from "node:child_process";
import { BUILT_CLI } from "../support/built-cli.js";
import { BUSYBOX_IMAGE, type NodeCluster } from "../support/node.js";

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI in its own process (asynchronously: a webhook server of the test may be running meanwhile). */
export function kubefence(args: string[], input = ""): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** A pod of the local busybox image (never pulled) running `script` under sh. */
export function busyboxPod(
  namespace: string,
  name: string,
  script: string,
  extra: { labels?: Record<string, string>; ports?: object[]; spec?: object; container?: object } = {},
): object {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: extra.labels ?? { app: name } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: "main",
          image: BUSYBOX_IMAGE,
          imagePullPolicy: "Never",
          command: ["sh", "-c", script],
          ...(extra.ports ? { ports: extra.ports } : {}),
          ...extra.container,
        },
      ],
      ...extra.spec,
    },
  };
}

/** Runs `script` with sh inside a running pod (kubectl exec, through the API server and the kubelet). */
export async function inPod(
  cluster: NodeCluster,
  namespace: string,
  pod: string,
  script: string,
): Promise<Result> {
  return cluster.kubectl(["exec", "-n", namespace, pod, "--", "sh", "-c", script]);
}

/** One HTTP GET over a real TCP connection from inside a pod, with busybox nc (`-w` bounds the connect). */
export function httpGet(cluster: NodeCluster, namespace: string, pod: string, host: string, port: number) {
  return inPod(cluster, namespace, pod, `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${host} ${port}`);
}

/** Waits until every named pod is Ready. */
export async function waitReady(cluster: NodeCluster, namespace: string, pods: string[]): Promise<void> {
  const result = await cluster.kubectl([
    "wait",
    "-n",
    namespace,
    "--for=condition=Ready",
    "--timeout=120s",
    ...pods.map((p) => `pod/${p}`),
  ]);
  if (result.code !== 0) {
    const described = await cluster.kubectl(["describe", "pods", "-n", namespace, ...pods]);
    throw new Error(
      `pods ${pods.join(", ")} in ${namespace} not ready: ${result.stderr}\n${described.stdout.slice(-3000)}`,
    );
  }
}

export async function podIP(cluster: NodeCluster, namespace: string, pod: string): Promise<string> {
  const result = await cluster.kubectl([
    "get",
    "pod",
    "-n",
    namespace,
    pod,
    "-o",
    "jsonpath={.status.podIP}",
  ]);
  if (result.code !== 0 || !result.stdout) throw new Error(`no IP for ${namespace}/${pod}: ${result.stderr}`);
  return result.stdout;
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
