/**
 * Seeded random NetworkPolicies for the dataplane differential, over the namespaces, labels, named ports and pod
 * IPs of a live cluster: the kinds test/network/property.test.ts draws (pod and namespace selectors with
 * matchLabels and matchExpressions, combined peers, ipBlocks, numeric, named and protocol-only ports, port
 * ranges, both directions, policyTypes given or defaulted), with ipBlocks cut from the pods' real addresses so
 * that CIDRs and their excepts split the pods. Only what the API server accepts (no SCTP: nothing here can
 * send it).
 */
import fc from "fast-check";

export interface DataplaneCluster {
  namespaces: string[];
  labelValues: { app: string[]; tier: string[]; team: string[] };
  portNames: { tcp: string[]; udp: string[] };
  /** The probed ports, which every pod serves. */
  tcpPorts: number[];
  udpPorts: number[];
  /** Every pod's IP (v4): ipBlocks are cut from these. */
  podIPs: string[];
}

export interface GeneratedPolicy {
  apiVersion: "networking.k8s.io/v1";
  kind: "NetworkPolicy";
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

export function randomPolicies(cluster: DataplaneCluster, seed: number, count: number): GeneratedPolicy[] {
  const [specs] = fc.sample(fc.array(policySpec(cluster), { minLength: count, maxLength: count }), {
    seed,
    numRuns: 1,
  });
  return (specs ?? []).map(({ namespace, spec }, i) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `random-${seed}-${i}`, namespace },
    spec,
  }));
}

function policySpec(c: DataplaneCluster) {
  const podSelector = fc.oneof(
    { weight: 2, arbitrary: fc.constant({}) },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.record({ matchLabels: fc.record({ app: fc.constantFrom(...c.labelValues.app) }) }),
        fc.record({ matchLabels: fc.record({ tier: fc.constantFrom(...c.labelValues.tier) }) }),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        matchExpressions: fc.array(
          fc.oneof(
            fc.record({
              key: fc.constantFrom("app", "tier"),
              operator: fc.constantFrom("In", "NotIn"),
              values: fc.uniqueArray(fc.constantFrom(...c.labelValues.app, ...c.labelValues.tier), {
                minLength: 1,
                maxLength: 2,
              }),
            }),
            fc.record({
              key: fc.constantFrom("app", "tier", "role"),
              operator: fc.constantFrom("Exists", "DoesNotExist"),
            }),
          ),
          { minLength: 1, maxLength: 2 },
        ),
      }),
    },
  );
  const namespaceSelector = fc.oneof(
    fc.constant({}),
    fc.record({ matchLabels: fc.record({ team: fc.constantFrom(...c.labelValues.team) }) }),
    fc.record({
      matchExpressions: fc.constant([
        { key: "kubernetes.io/metadata.name", operator: "In", values: c.namespaces.slice(0, 2) },
      ]),
    }),
  );
  const peer = fc.oneof(
    fc.record({ podSelector }),
    fc.record({ namespaceSelector }),
    fc.record({ podSelector, namespaceSelector }),
    { weight: 2, arbitrary: ipBlock(c) },
  );
  const tcpOrUdp = fc.constantFrom("TCP", "UDP");
  const port = fc.oneof(
    fc.record({ port: fc.constantFrom(...c.tcpPorts, ...c.udpPorts), protocol: tcpOrUdp }),
    fc.record({ port: fc.constantFrom(...c.tcpPorts) }),
    fc.record({ port: fc.constantFrom(...c.portNames.tcp), protocol: fc.constant("TCP") }),
    fc.record({ port: fc.constantFrom(...c.portNames.udp), protocol: fc.constant("UDP") }),
    fc.record({ protocol: tcpOrUdp }),
    fc
      .tuple(fc.constantFrom(...c.tcpPorts, ...c.udpPorts), fc.integer({ min: 0, max: 9000 }), tcpOrUdp)
      .map(([start, width, protocol]) => ({
        port: start,
        endPort: Math.min(65535, start + width),
        protocol,
      })),
  );
  const rule = (key: "from" | "to") =>
    fc
      .record(
        { peers: fc.array(peer, { maxLength: 2 }), ports: fc.array(port, { maxLength: 2 }) },
        { requiredKeys: [] },
      )
      .map((r) => ({ ...(r.peers ? { [key]: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) }));
  return fc
    .record(
      {
        namespace: fc.constantFrom(...c.namespaces),
        podSelector,
        ingress: fc.array(rule("from"), { maxLength: 2 }),
        egress: fc.array(rule("to"), { maxLength: 2 }),
        policyTypes: fc.constantFrom(["Ingress"], ["Egress"], ["Ingress", "Egress"]),
      },
      { requiredKeys: ["namespace", "podSelector"] },
    )
    .map(({ namespace, podSelector, ingress, egress, policyTypes }) => ({
      namespace,
      spec: {
        podSelector,
        ...(ingress ? { ingress } : {}),
        ...(egress ? { egress } : {}),
        ...(policyTypes ? { policyTypes } : {}),
      },
    }));
}

/** A CIDR around some pods (a /32 of one, a /28 or /26 holding several, the pod range, everything), and excepts inside it. */
function ipBlock(c: DataplaneCluster) {
  const cidrs = new Set<string>(["0.0.0.0/0"]);
  for (const ip of c.podIPs)
    for (const bits of [32, 29, 28, 26, 24]) cidrs.add(`${network(ip, bits)}/${bits}`);
  const candidates = [...cidrs].sort();
  return fc.constantFrom(...candidates).chain((cidr) => {
    const inside = candidates.filter((other) => strictlyInside(other, cidr));
    return fc
      .record(
        { except: fc.subarray(inside, { maxLength: Math.min(2, inside.length) }) },
        { requiredKeys: [] },
      )
      .map(({ except }) => ({ ipBlock: { cidr, ...(except && except.length > 0 ? { except } : {}) } }));
  });
}

function v4(ip: string): number {
  return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

function network(ip: string, bits: number): string {
  const masked = bits === 0 ? 0 : (v4(ip) & (0xffffffff << (32 - bits))) >>> 0;
  return [24, 16, 8, 0].map((shift) => (masked >>> shift) & 255).join(".");
}

function strictlyInside(inner: string, outer: string): boolean {
  const [innerIP = "", innerBits = "0"] = inner.split("/");
  const [outerIP = "", outerBits = "0"] = outer.split("/");
  return Number(innerBits) > Number(outerBits) && network(innerIP, Number(outerBits)) === outerIP;
}
