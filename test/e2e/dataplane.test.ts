/**
 * The network engine against a real dataplane. On the one-node cluster (test/support/node.ts), kube-router's
 * network policy controller enforces seeded random NetworkPolicies (test/e2e/policies.ts) over 4 namespaces and
 * 16 pods; every pod serves the probed TCP ports (busybox httpd) and UDP ports (test/e2e/image/udp.c), answering
 * with its own name. For every ordered pair of distinct pods and every probed port, a real connection attempt
 * from inside the source pod (bounded: nc -w / a UDP timeout, a bounded number at once) must succeed — reaching
 * that very pod — exactly when the engine `kubefence reach` uses says so, with kube-router's
 * implementation-defined choices as kubefence's options (KUBE_ROUTER_OPTIONS) and its one departure from the
 * API modelled from the engine's per-direction verdicts (kubeRouterAllows). A failed attempt that is expected to
 * connect is tried again once before it counts (a UDP datagram may be lost under load).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReach } from "../../src/cli/reach.js";
import { loadSource } from "../../src/cli/source-options.js";
import { analyzeNetwork } from "../../src/network/model.js";
import type { NetworkOptions } from "../../src/network/options.js";
import type { DirectionVerdict, ReachVerdict } from "../../src/network/reach.js";
import { reach, resolveEnd } from "../../src/network/resolve.js";
import { exec, type NodeCluster, startNodeCluster } from "../support/node.js";
import { type DataplaneCluster, type GeneratedPolicy, randomPolicies } from "./policies.js";
import { busyboxPod, inPod, kubefence, mapLimit, podIP, waitReady } from "./support.js";

/** kube-router v2.1's choices where the API leaves them open (the README's real-node section lists them). */
const KUBE_ROUTER_OPTIONS: NetworkOptions = {
  // ipBlocks match pod IPs too: its ipBlock ipsets hold CIDRs checked against every source and destination.
  ipBlockMatchesPods: true,
  // hostNetwork pods are not pods to it (it builds firewall chains only for pod-network pods).
  hostNetwork: "node",
  // Traffic whose source is a local address of the node is accepted before any policy chain.
  nodeLocalAllowed: true,
};

/**
 * kube-router v2.1 departs from the API in one way this test meets (its pod firewall chain jumps to a policy
 * with both policy types without a direction match, and that policy's chain holds the rules of both
 * directions): when one policy with both types selects the source and the destination pod, its ingress rules
 * also let the source's egress through, and its egress rules the destination's ingress. The API allows a
 * connection only when each direction is allowed by the policies of that direction; kubefence follows the API.
 * So the dataplane is expected to give exactly the engine's per-direction verdicts, with that one widening.
 */
function kubeRouterAllows(answer: ReachVerdict): boolean {
  const widened = (side: DirectionVerdict, other: DirectionVerdict) =>
    side.policies.some((policy) => other.allowedBy.some((rule) => rule.policy === policy));
  const egress = answer.egress.allowed || widened(answer.egress, answer.ingress);
  const ingress = answer.ingress.allowed || widened(answer.ingress, answer.egress);
  return egress && ingress;
}

const SEEDS = [1804, 2026];
const POLICIES_PER_ROUND = 7;
const NAMESPACES = ["dp-a", "dp-b", "dp-c", "dp-d"];
const PODS_PER_NAMESPACE = 4;
const TCP_PORTS = [80, 81, 443, 8080, 9000];
const UDP_PORTS = [53, 161, 5353, 9000];
const APPS = ["web", "api", "db"];
const TIERS = ["front", "back"];
const TEAMS = ["red", "blue"];

interface PodInfo {
  namespace: string;
  name: string;
  ip: string;
}

interface Attempt {
  src: PodInfo;
  dst: PodInfo;
  protocol: "TCP" | "UDP";
  port: number;
}

/** A small deterministic PRNG for the pods' labels and named ports (the policies use fast-check's seed). */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("NetworkPolicy verdicts against kube-router on a real node", () => {
  let cluster: NodeCluster;
  const pods: PodInfo[] = [];
  const counts = { attempts: 0, allowed: 0, denied: 0, retried: 0, widened: 0 };

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startNodeCluster();
    console.log(`dataplane: node cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const random = prng(18);
    const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)]!;
    const objects: object[] = NAMESPACES.map((name) => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels: { team: pick(TEAMS) } },
    }));
    for (const namespace of NAMESPACES)
      for (let i = 0; i < PODS_PER_NAMESPACE; i++) {
        const name = `p${i}`;
        const labels: Record<string, string> = { app: pick(APPS), tier: pick(TIERS) };
        if (random() < 0.3) labels.role = "probe";
        // Named ports differ between pods: a policy's "http" is 80 on one pod and 8080 on another.
        const ports = [
          { name: "http", containerPort: pick([80, 8080]), protocol: "TCP" },
          { name: "alt", containerPort: pick([81, 9000]), protocol: "TCP" },
          { name: "dns", containerPort: pick([53, 5353]), protocol: "UDP" },
        ].filter(() => random() < 0.8);
        const serve = [
          `mkdir -p /www && echo '${namespace}/${name}' > /www/index.html`,
          ...TCP_PORTS.map((port) => `httpd -f -p ${port} -h /www &`),
          `udp serve '${namespace}/${name}' ${UDP_PORTS.join(" ")} &`,
          "wait",
        ].join("\n");
        objects.push(busyboxPod(namespace, name, serve, { labels, ports }));
      }
    await cluster.apply(objects);
    for (const namespace of NAMESPACES)
      await waitReady(
        cluster,
        namespace,
        Array.from({ length: PODS_PER_NAMESPACE }, (_, i) => `p${i}`),
      );
    for (const namespace of NAMESPACES)
      for (let i = 0; i < PODS_PER_NAMESPACE; i++)
        pods.push({ namespace, name: `p${i}`, ip: await podIP(cluster, namespace, `p${i}`) });
  });

  afterAll(async () => {
    await cluster?.stop();
    // The Proof section of the README quotes this line.
    console.log(
      `dataplane differential: ${counts.attempts} attempts (${counts.allowed} connected, ${counts.denied} blocked, ${counts.retried} retried; ${counts.widened} where kube-router's both-types widening departs from the API) over ${pods.length} pods, seeds ${SEEDS.join(", ")}`,
    );
  });

  const attempts = (): Attempt[] =>
    pods.flatMap((src) =>
      pods
        .filter((dst) => dst !== src)
        .flatMap((dst) => [
          ...TCP_PORTS.map((port) => ({ src, dst, protocol: "TCP" as const, port })),
          ...UDP_PORTS.map((port) => ({ src, dst, protocol: "UDP" as const, port })),
        ]),
    );

  /** Each source pod runs its attempts itself, 24 at a time; a line per attempt says whom it reached. */
  const probe = async (batch: Attempt[]): Promise<Map<Attempt, boolean>> => {
    const bySource = new Map<PodInfo, Attempt[]>();
    for (const attempt of batch) bySource.set(attempt.src, [...(bySource.get(attempt.src) ?? []), attempt]);
    const observed = new Map<Attempt, boolean>();
    await mapLimit([...bySource], 4, async ([src, list]) => {
      const lines = list.map((a, i) =>
        a.protocol === "TCP"
          ? `(r=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${a.dst.ip} ${a.port} 2>/dev/null | tail -n 1); echo "${i} $r") &`
          : `(r=$(udp send ${a.dst.ip} ${a.port} 1500 2>/dev/null); echo "${i} $r") &`,
      );
      const script = lines.map((line, i) => ((i + 1) % 24 === 0 ? `${line}\nwait` : line)).join("\n");
      const result = await inPod(cluster, src.namespace, src.name, `${script}\nwait`);
      const replies = new Map<number, string>();
      for (const line of result.stdout.split("\n")) {
        const match = /^(\d+) ?(.*)$/.exec(line);
        if (match) replies.set(Number(match[1]), match[2]!.trim());
      }
      list.forEach((a, i) => {
        const reply = replies.get(i);
        if (reply === undefined) throw new Error(`no result for ${describeAttempt(a)}: ${result.stderr}`);
        // An answer from any other pod would be a routing fault, never a policy verdict.
        if (reply !== "" && reply !== `${a.dst.namespace}/${a.dst.name}`)
          throw new Error(`${describeAttempt(a)} answered by ${reply}`);
        observed.set(a, reply !== "");
      });
    });
    return observed;
  };

  /** Waits until kube-router has programmed a chain for each policy (a full sync sees them all at once). */
  const waitForKubeRouter = async (policies: number): Promise<void> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rules = await exec("iptables", ["-S"]);
      const chains = rules.stdout
        .split("\n")
        .filter((l) => /^-N KUBE-NWPLCY-/.test(l) && !/DEFAULT$/.test(l));
      if (chains.length === policies) return;
      if (Date.now() > deadline)
        throw new Error(`kube-router programmed ${chains.length} policy chains, expected ${policies}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  for (const seed of SEEDS)
    it(`seed ${seed}: every pod pair and port connects exactly when the engine says so`, async () => {
      for (const namespace of NAMESPACES)
        await cluster.kubectl(["delete", "networkpolicies", "--all", "-n", namespace, "--wait=true"]);
      await waitForKubeRouter(0);
      const shape: DataplaneCluster = {
        namespaces: NAMESPACES,
        labelValues: { app: APPS, tier: TIERS, team: TEAMS },
        portNames: { tcp: ["http", "alt"], udp: ["dns"] },
        tcpPorts: TCP_PORTS,
        udpPorts: UDP_PORTS,
        podIPs: pods.map((p) => p.ip),
      };
      const policies: GeneratedPolicy[] = randomPolicies(shape, seed, POLICIES_PER_ROUND);
      await cluster.apply(policies);
      await waitForKubeRouter(policies.length);

      // The engine's verdicts, from the cluster as the CLI reads it.
      const { snapshot } = await loadSource({ filename: [], kubeconfig: cluster.kubeconfig });
      const model = analyzeNetwork(snapshot, KUBE_ROUTER_OPTIONS);
      const end = (p: PodInfo) => resolveEnd(model, `${p.namespace}/${p.name}`, "default");
      const all = attempts();
      const answers = new Map(all.map((a) => [a, reach(model, end(a.src), end(a.dst), a.port, a.protocol)]));
      const predicted = new Map(all.map((a) => [a, kubeRouterAllows(answers.get(a)!)]));
      counts.widened += all.filter((a) => predicted.get(a) !== answers.get(a)!.allowed).length;

      const observed = await probe(all);
      const doubtful = all.filter((a) => predicted.get(a) && !observed.get(a));
      if (doubtful.length > 0) for (const [a, ok] of await probe(doubtful)) observed.set(a, ok);
      counts.retried += doubtful.length;

      const wrong = all.filter((a) => observed.get(a) !== predicted.get(a));
      const disagreements = wrong.map(
        (a) =>
          `${describeAttempt(a)}: kube-router ${observed.get(a) ? "connected" : "blocked"}, engine ${answers.get(a)!.allowed ? "allows" : "denies"}${predicted.get(a) !== answers.get(a)!.allowed ? " (kube-router widening expected)" : ""}`,
      );
      // The engine's reasons for the first few, to read next to the policies.
      const reasons = wrong
        .slice(0, 5)
        .map((a) => renderReach(answers.get(a)!))
        .join("\n");
      counts.attempts += all.length;
      const allowed = all.filter((a) => observed.get(a)).length;
      counts.allowed += allowed;
      counts.denied += all.length - allowed;
      expect(disagreements, `${reasons}\n${JSON.stringify(policies)}`).toEqual([]);
      // Both verdicts occur in numbers, or the round proved little.
      expect(allowed).toBeGreaterThan(all.length / 10);
      expect(all.length - allowed).toBeGreaterThan(all.length / 10);

      // The CLI itself gives the engine's answer (a sample: each run reads the whole cluster).
      for (const a of [all[0]!, all[Math.floor(all.length / 3)]!, all[Math.floor((2 * all.length) / 3)]!]) {
        const answer = await kubefence([
          "reach",
          `${a.src.namespace}/${a.src.name}`,
          `${a.dst.namespace}/${a.dst.name}`,
          "--port",
          String(a.port),
          "--protocol",
          a.protocol,
          "--kubeconfig",
          cluster.kubeconfig,
        ]);
        expect(answer.code, answer.stderr).toBe(answers.get(a)!.allowed ? 0 : 1);
      }
    });

  it("attempts enough connections", () => {
    expect(counts.attempts).toBeGreaterThanOrEqual(2000);
  });
});

function describeAttempt(a: Attempt): string {
  return `${a.src.namespace}/${a.src.name} => ${a.dst.namespace}/${a.dst.name} (${a.dst.ip}) ${a.protocol}/${a.port}`;
}
