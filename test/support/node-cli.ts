/**
 * `npm run cluster:up` starts the tests' one-node cluster (test/support/node.ts) by hand and keeps it running in
 * the foreground until Ctrl-C or `npm run cluster:down` (which signals it); either way it tears everything down.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { startNodeCluster } from "./node.js";

const STATE = "/run/kubefence-cluster-up.json";

async function up(): Promise<void> {
  if (existsSync(STATE)) {
    const { pid } = JSON.parse(readFileSync(STATE, "utf8")) as { pid: number };
    if (alive(pid))
      throw new Error(`a cluster is already up (process ${pid}); npm run cluster:down stops it`);
  }
  const started = Date.now();
  const cluster = await startNodeCluster();
  writeFileSync(STATE, JSON.stringify({ pid: process.pid, kubeconfig: cluster.kubeconfig }));
  process.stdout.write(
    `cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s: node ${cluster.nodeName} (${cluster.nodeIP}), pods ${cluster.podCIDR}\n` +
      `  export KUBECONFIG=${cluster.kubeconfig}\n` +
      "  (pods use imagePullPolicy: Never and the local images kubefence.local/busybox:test, kubefence.local/pause:test)\n" +
      "Ctrl-C or `npm run cluster:down` stops it.\n",
  );
  const shutdown = async (): Promise<void> => {
    await cluster.stop();
    rmSync(STATE, { force: true });
    process.stdout.write("cluster down\n");
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  setInterval(() => {}, 1 << 30);
}

async function down(): Promise<void> {
  if (!existsSync(STATE)) {
    process.stdout.write("no cluster is up\n");
    return;
  }
  const { pid } = JSON.parse(readFileSync(STATE, "utf8")) as { pid: number };
  if (!alive(pid)) {
    rmSync(STATE, { force: true });
    process.stdout.write("no cluster is up (its process is gone; its watchdog cleaned up)\n");
    return;
  }
  process.kill(pid, "SIGTERM");
  while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 200));
  process.stdout.write("cluster down\n");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const command = process.argv[2];
(command === "up"
  ? up()
  : command === "down"
    ? down()
    : Promise.reject(new Error("usage: node-cli.ts up|down"))
).catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
