/**
 * The optimized engine (classes, compiled selectors, bitset rows) against the reference evaluator on random
 * clusters and policies: every pod pair and external probe, at every port that can make a difference.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIP } from "../../src/model/ip.js";
import type { Pod } from "../../src/model/objects.js";
import { PROTOCOLS, type Protocol } from "../../src/network/conns.js";
import { analyzeNetwork } from "../../src/network/model.js";
import { reachEnds } from "../../src/network/reach.js";
import { REF_DEFAULTS, type RefEnd, type RefOptions, refAllowed } from "./reference.js";
import { namespace, node, snapshotOf } from "./support.js";

const NAMESPACES = ["x", "y", "z"];
const LABEL_VALUES = ["a", "b", "c"];
const PORT_NAMES = ["http", "dns", "metrics"];
const EXTERNAL = ["8.8.8.8", "10.0.0.200", "192.168.0.1", "172.16.5.5"];

const selector = fc.oneof(
  fc.constant({}),
  fc.record({
    matchLabels: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom(...LABEL_VALUES), {
      maxKeys: 2,
    }),
  }),
  fc.record({
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({
          key: fc.constantFrom("app", "tier", "team"),
          operator: fc.constantFrom("In", "NotIn"),
          values: fc.uniqueArray(fc.constantFrom(...LABEL_VALUES), { minLength: 1, maxLength: 2 }),
        }),
        fc.record({
          key: fc.constantFrom("app", "tier", "team"),
          operator: fc.constantFrom("Exists", "DoesNotExist"),
        }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);

const cidr = fc.constantFrom(
  "10.0.0.0/16",
  "10.0.0.0/24",
  "10.0.0.0/8",
  "0.0.0.0/0",
  "192.168.0.0/24",
  "8.8.8.8/32",
);
const ipBlock = cidr.chain((c) => {
  const excepts: Record<string, string[]> = {
    "10.0.0.0/16": ["10.0.0.0/25", "10.0.0.128/26"],
    "10.0.0.0/24": ["10.0.0.0/28", "10.0.0.200/32"],
    "10.0.0.0/8": ["10.0.0.0/16"],
    "0.0.0.0/0": ["10.0.0.0/8", "192.168.0.0/16"],
    "192.168.0.0/24": ["192.168.0.1/32"],
    "8.8.8.8/32": [],
  };
  return fc.record({ cidr: fc.constant(c), except: fc.subarray(excepts[c]!) });
});

const peer = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({
    namespaceSelector: fc.oneof(
      fc.constant({}),
      fc.record({ matchLabels: fc.record({ team: fc.constantFrom(...LABEL_VALUES) }) }),
    ),
  }),
  fc.record({
    podSelector: selector,
    namespaceSelector: fc.oneof(
      fc.constant({}),
      fc.record({ matchExpressions: fc.constant([{ key: "team", operator: "In", values: ["a", "b"] }]) }),
    ),
  }),
  fc.record({ ipBlock }),
);

const port = fc.oneof(
  fc.record({ port: fc.constantFrom(53, 80, 8080), protocol: fc.constantFrom("TCP", "UDP", "SCTP") }),
  fc.record({
    port: fc.constantFrom(80, 8000),
    endPort: fc.constantFrom(8080, 9000),
    protocol: fc.constantFrom("TCP", "UDP"),
  }),
  fc.record({ port: fc.constantFrom(...PORT_NAMES), protocol: fc.constantFrom("TCP", "UDP") }),
  fc.record({ protocol: fc.constantFrom("TCP", "UDP", "SCTP") }),
  fc.record({ port: fc.constantFrom(80, 53) }),
);

const rule = fc.record({
  peers: fc.option(fc.array(peer, { maxLength: 2 })),
  ports: fc.option(fc.array(port, { maxLength: 2 })),
});

const policySpec = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  podSelector: selector,
  ingress: fc.option(fc.array(rule, { maxLength: 2 })),
  egress: fc.option(fc.array(rule, { maxLength: 2 })),
  policyTypes: fc.option(fc.subarray(["Ingress", "Egress"], { minLength: 1 })),
});

const podSpec = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  labels: fc.dictionary(fc.constantFrom("app", "tier", "team"), fc.constantFrom(...LABEL_VALUES), {
    maxKeys: 3,
  }),
  ports: fc.uniqueArray(
    fc.record({
      name: fc.constantFrom(...PORT_NAMES),
      containerPort: fc.constantFrom(53, 80, 8080, 9090),
      protocol: fc.constantFrom("TCP", "UDP"),
    }),
    { maxLength: 3, selector: (p) => p.name },
  ),
  hostNetwork: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  node: fc.constantFrom("n1", "n2"),
});

const cluster = fc.record({
  nsLabels: fc.tuple(
    ...NAMESPACES.map(() => fc.dictionary(fc.constant("team"), fc.constantFrom(...LABEL_VALUES))),
  ),
  pods: fc.array(podSpec, { minLength: 1, maxLength: 7 }),
  policies: fc.array(policySpec, { maxLength: 5 }),
});

type Cluster = typeof cluster extends fc.Arbitrary<infer T> ? T : never;

function objects(c: Cluster): unknown[] {
  const out: unknown[] = NAMESPACES.map((name, i) => namespace(name, c.nsLabels[i]));
  out.push(node("n1", "192.168.0.1"), node("n2", "192.168.0.2"));
  c.pods.forEach((p, i) => {
    out.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `p${i}`, namespace: p.ns, labels: p.labels },
      spec: {
        nodeName: p.node,
        ...(p.hostNetwork ? { hostNetwork: true } : {}),
        containers: [{ name: "c", ports: p.ports }],
      },
      status: { podIP: `10.0.0.${i + 1}` },
    });
  });
  c.policies.forEach((p, i) => {
    const rules = (list: typeof p.ingress, field: "from" | "to") =>
      list?.map((r) => ({
        ...(r.peers ? { [field]: r.peers } : {}),
        ...(r.ports ? { ports: r.ports } : {}),
      }));
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: `np${i}`, namespace: p.ns },
      spec: {
        podSelector: p.podSelector,
        ...(p.ingress ? { ingress: rules(p.ingress, "from") } : {}),
        ...(p.egress ? { egress: rules(p.egress, "to") } : {}),
        ...(p.policyTypes ? { policyTypes: p.policyTypes } : {}),
      },
    });
  });
  return out;
}

/** Ports where some allowed set may start or end, so checking them decides every port. */
const PROBE_PORTS = [1, 52, 53, 54, 79, 80, 81, 7999, 8000, 8079, 8080, 8081, 8999, 9000, 9001, 9090, 65535];

function compare(c: Cluster, options: RefOptions) {
  const snapshot = snapshotOf(objects(c));
  const model = analyzeNetwork(snapshot, {
    ipBlockMatchesPods: options.ipBlockMatchesPods,
    hostNetwork: options.hostNetworkAsNode ? "node" : "pod",
    nodeLocalAllowed: options.nodeLocalAllowed,
  });
  expect(model.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const pods = snapshot.pods;
  const unitOf = (p: Pod) => model.units.find((u) => u.object === p)!;
  type Probe = { ref: RefEnd; end: Parameters<typeof reachEnds>[1]; name: string };
  const ends: Probe[] = [
    ...pods.map((p) => ({
      ref: { pod: p },
      end: { type: "unit" as const, unit: unitOf(p) },
      name: unitOf(p).name,
    })),
    ...EXTERNAL.map((ip) => {
      const parsed = parseIP(ip)!;
      return {
        ref: { ip },
        end: { type: "external" as const, ip, atom: model.table.atoms.atomOf(4, parsed.value) },
        name: ip,
      };
    }),
  ];
  // Pod-level connections, as netmap lists them, must agree with reach and the reference at every probe.
  const listed = new Map(model.connections("pod").map((x) => [`${x.src}>${x.dst}`, x.conns]));
  for (const s of ends) {
    for (const d of ends) {
      if (!("pod" in s.ref) && !("pod" in d.ref)) continue;
      for (const protocol of PROTOCOLS as readonly Protocol[]) {
        for (const p of PROBE_PORTS) {
          const expected = refAllowed(snapshot, s.ref, d.ref, p, protocol, options);
          const actual = reachEnds(model, s.end, d.end, p, protocol).allowed;
          if (actual !== expected)
            throw new Error(
              `${s.name} -> ${d.name} ${protocol}/${p}: engine ${actual}, reference ${expected}`,
            );
          if ("pod" in s.ref && "pod" in d.ref && s.ref.pod !== d.ref.pod) {
            const conns = listed.get(`${s.name}>${d.name}`);
            const inList = conns?.has(protocol, p) ?? false;
            if (inList !== expected)
              throw new Error(
                `connections ${s.name} -> ${d.name} ${protocol}/${p}: listed ${inList}, reference ${expected}`,
              );
          }
        }
      }
    }
  }
  // Namespace matrix: full / none / partial from the reference at every probe.
  const matrix = model.namespaceMatrix();
  for (let i = 0; i < matrix.namespaces.length; i++) {
    for (let j = 0; j < matrix.namespaces.length; j++) {
      const from = pods.filter((p) => p.metadata.namespace === matrix.namespaces[i]);
      const to = pods.filter((p) => p.metadata.namespace === matrix.namespaces[j]);
      let all = true;
      let any = false;
      let pairs = 0;
      for (const a of from)
        for (const b of to) {
          if (a === b) continue;
          pairs++;
          for (const protocol of PROTOCOLS)
            for (const p of PROBE_PORTS) {
              const ok = refAllowed(snapshot, { pod: a }, { pod: b }, p, protocol, options);
              all &&= ok;
              any ||= ok;
            }
        }
      const expected = pairs === 0 ? "n/a" : all ? "full" : any ? "partial" : "none";
      const actual = matrix.status(i, j);
      if (actual !== expected)
        throw new Error(
          `matrix ${matrix.namespaces[i]} -> ${matrix.namespaces[j]}: engine ${actual}, reference ${expected}`,
        );
    }
    // The connected namespaces of a row are exactly those whose status has some connection.
    const connected = [...matrix.connected(i)];
    const expected = matrix.namespaces
      .map((_, j) => j)
      .filter((j) => ["full", "partial"].includes(matrix.status(i, j)));
    if (connected.join() !== expected.join())
      throw new Error(
        `matrix ${matrix.namespaces[i]} connects to [${connected}], its statuses say [${expected}]`,
      );
  }
}

describe("engine equals the reference evaluator", () => {
  it("on random clusters with the default options", () => {
    fc.assert(
      fc.property(cluster, (c) => compare(c, REF_DEFAULTS)),
      { numRuns: 200, seed: 42 },
    );
  });

  it("on random clusters with ipBlocks not matching pods and hostNetwork pods as pods", () => {
    fc.assert(
      fc.property(cluster, (c) =>
        compare(c, { ipBlockMatchesPods: false, hostNetworkAsNode: false, nodeLocalAllowed: false }),
      ),
      { numRuns: 120, seed: 7 },
    );
  });
});
