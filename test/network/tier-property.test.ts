/**
 * Tier composition against a plain reference: random ClusterNetworkPolicies (both tiers), a
 * BaselineAdminNetworkPolicy and NetworkPolicies on random pods, judged one connection at a time straight from
 * the objects — admin policies by priority then name, rules in order, first match; then NetworkPolicy for a
 * selected pod (./reference.ts); then the baseline; then allow — and compared with the engine (classes,
 * compiled tiers, ConnSets) at every probe port, through `reach` and through the pod-level connection list.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateCluster, SIZES, tierPolicies } from "../../bench/generate.js";
import type {
  ClusterPolicyPeer,
  ClusterPolicyRule,
  ClusterScopedNetworkPolicy,
  Pod,
} from "../../src/model/objects.js";
import { selectorOrNothing } from "../../src/model/selector.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { Bitset } from "../../src/network/bitset.js";
import { PROTOCOLS, type Protocol } from "../../src/network/conns.js";
import { analyzeNetwork, type NetworkModel } from "../../src/network/model.js";
import { reachEnds } from "../../src/network/reach.js";
import { TierRows } from "../../src/network/tier-rows.js";
import { endIP, inCIDR, REF_DEFAULTS, type RefEnd, refEgress, refIngress } from "./reference.js";
import { allowed, namespace, node, pod, policy, snapshotOf } from "./support.js";

const NAMESPACES = ["x", "y", "z"];
const VALUES = ["a", "b"];
const PROBE_PORTS = [53, 80, 81, 8080, 9090];
const EXTERNAL = ["8.8.8.8", "192.168.0.1"];

const selector = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: fc.record({ app: fc.constantFrom(...VALUES) }) }),
  fc.record({ matchExpressions: fc.constant([{ key: "team", operator: "In", values: ["a"] }]) }),
);
const peer: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ namespaces: selector }),
  fc.record({ pods: fc.record({ namespaceSelector: selector, podSelector: selector }) }),
  fc.record({
    networks: fc.subarray(["10.0.0.0/30", "10.0.0.4/32", "0.0.0.0/0", "8.8.8.0/24"], { minLength: 1 }),
  }),
  fc.constant({ somethingNew: {} }),
);
const protocol = fc.oneof(
  fc.record({ tcp: fc.record({ destinationPort: fc.record({ number: fc.constantFrom(80, 8080) }) }) }),
  fc.record({
    udp: fc.record({ destinationPort: fc.record({ range: fc.constant({ start: 50, end: 81 }) }) }),
  }),
  fc.record({ tcp: fc.constant({}) }).map(() => ({ sctp: { destinationPort: { number: 80 } } })),
  fc.record({ destinationNamedPort: fc.constantFrom("http", "dns") }),
);
const rule = (actions: string[]) =>
  fc.record({
    action: fc.constantFrom(...actions),
    peers: fc.array(peer, { minLength: 1, maxLength: 2 }),
    protocols: fc.option(fc.array(protocol, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  });
const cnp = fc.record({
  tier: fc.constantFrom("Admin", "Baseline"),
  priority: fc.constantFrom(1, 2, 3),
  subject: fc.oneof(
    fc.record({ namespaces: selector }),
    fc.record({ pods: fc.record({ namespaceSelector: selector, podSelector: selector }) }),
  ),
  ingress: fc.array(rule(["Accept", "Deny", "Pass"]), { maxLength: 2 }),
  egress: fc.array(rule(["Accept", "Deny", "Pass"]), { maxLength: 2 }),
});
const np = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  podSelector: selector,
  types: fc.subarray(["Ingress", "Egress"], { minLength: 1 }),
  from: fc.option(fc.record({ podSelector: selector }), { nil: undefined }),
});
const podSpec = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  app: fc.constantFrom(...VALUES),
  named: fc.constantFrom("http", "dns"),
  hostNetwork: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});
const cluster = fc.record({
  teams: fc.tuple(...NAMESPACES.map(() => fc.constantFrom(...VALUES))),
  pods: fc.array(podSpec, { minLength: 2, maxLength: 5 }),
  cnps: fc.array(cnp, { maxLength: 4 }),
  nps: fc.array(np, { maxLength: 2 }),
  banp: fc.option(
    fc.record({
      subject: fc.record({ namespaces: selector }),
      ingress: fc.array(rule(["Allow", "Deny"]), { maxLength: 2 }),
    }),
    {
      nil: undefined,
    },
  ),
});
type Cluster = typeof cluster extends fc.Arbitrary<infer T> ? T : never;

function objects(c: Cluster): unknown[] {
  const out: unknown[] = NAMESPACES.map((n, i) => namespace(n, { team: c.teams[i]! }));
  out.push(node("n1", "192.168.0.1"));
  c.pods.forEach((p, i) => {
    out.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `p${i}`, namespace: p.ns, labels: { app: p.app } },
      spec: {
        nodeName: "n1",
        ...(p.hostNetwork ? { hostNetwork: true } : {}),
        containers: [
          {
            name: "c",
            ports: [
              {
                name: p.named,
                containerPort: p.named === "http" ? 8080 : 53,
                protocol: p.named === "http" ? "TCP" : "UDP",
              },
            ],
          },
        ],
      },
      status: { podIP: p.hostNetwork ? "192.168.0.1" : `10.0.0.${i + 1}` },
    });
  });
  const rules = (list: Cluster["cnps"][number]["ingress"], field: "from" | "to", v2: boolean) =>
    list.map((r, i) => ({
      name: `r${i}`,
      action: r.action,
      [field]:
        field === "from"
          ? r.peers
              .filter((p) => !("networks" in p))
              .concat(r.peers.some((p) => !("networks" in p)) ? [] : [{ namespaces: {} }])
          : r.peers,
      ...(r.protocols && v2 ? { protocols: r.protocols } : {}),
    }));
  c.cnps.forEach((p, i) => {
    out.push({
      apiVersion: "policy.networking.k8s.io/v1alpha2",
      kind: "ClusterNetworkPolicy",
      metadata: { name: `cnp${i}` },
      spec: {
        tier: p.tier,
        priority: p.priority,
        subject: p.subject,
        ingress: rules(p.ingress, "from", true),
        egress: rules(p.egress, "to", true).map((r) =>
          // CEL: no named port toward networks.
          ((r as Record<string, unknown>).to as { networks?: unknown }[]).some((x) => x.networks) &&
          ((r as Record<string, unknown>).protocols as { destinationNamedPort?: string }[] | undefined)?.some(
            (x) => x.destinationNamedPort,
          )
            ? { ...r, protocols: undefined }
            : r,
        ),
      },
    });
  });
  if (c.banp)
    out.push({
      apiVersion: "policy.networking.k8s.io/v1alpha1",
      kind: "BaselineAdminNetworkPolicy",
      metadata: { name: "default" },
      spec: { subject: c.banp.subject, ingress: rules(c.banp.ingress, "from", false) },
    });
  c.nps.forEach((p, i) => {
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: `np${i}`, namespace: p.ns },
      spec: {
        podSelector: p.podSelector,
        policyTypes: p.types,
        ingress: [p.from ? { from: [p.from] } : {}],
        egress: [{ ports: [{ port: 80 }] }],
      },
    });
  });
  return out;
}

// ---- the reference -----------------------------------------------------------------------------------

const isPodNetwork = (end: RefEnd): end is { pod: Pod } => "pod" in end && end.pod.spec?.hostNetwork !== true;

function nsLabels(s: Snapshot, pod: Pod): Record<string, string> {
  return s.namespaces.find((n) => n.metadata.name === pod.metadata.namespace)?.metadata.labels ?? {};
}

function selects(
  s: Snapshot,
  subject: { namespaces?: object; pods?: { namespaceSelector?: object; podSelector?: object } },
  pod: Pod,
) {
  if (subject.namespaces) return selectorOrNothing(subject.namespaces).matches(nsLabels(s, pod));
  return (
    selectorOrNothing(subject.pods?.namespaceSelector ?? {}).matches(nsLabels(s, pod)) &&
    selectorOrNothing(subject.pods?.podSelector ?? {}).matches(pod.metadata.labels ?? {})
  );
}

function peerMatches(s: Snapshot, peer: ClusterPolicyPeer, end: RefEnd): boolean {
  if (peer.namespaces || peer.pods) return isPodNetwork(end) && selects(s, peer, end.pod);
  if (peer.networks) {
    const ip = "ip" in end ? end.ip : end.pod.status?.podIP;
    return ip !== undefined && peer.networks.some((c) => inCIDR(ip, c));
  }
  return false;
}

function portMatches(rule: ClusterPolicyRule, dst: RefEnd, port: number, protocol: string): boolean {
  if (!rule.protocols && !rule.ports) return true;
  for (const p of rule.protocols ?? []) {
    for (const [field, proto] of [
      ["tcp", "TCP"],
      ["udp", "UDP"],
      ["sctp", "SCTP"],
    ] as const) {
      const entry = p[field];
      if (!entry || proto !== protocol) continue;
      const d = entry.destinationPort;
      if (!d) return true;
      if (d.number === port) return true;
      if (d.range && d.range.start! <= port && port <= d.range.end!) return true;
    }
    if (p.destinationNamedPort && isPodNetwork(dst))
      for (const c of dst.pod.spec?.containers ?? [])
        for (const cp of c.ports ?? [])
          if (
            cp.name === p.destinationNamedPort &&
            cp.containerPort === port &&
            (cp.protocol ?? "TCP") === protocol
          )
            return true;
  }
  return false;
}

/** One tier's word: Accept, Deny, or undefined (Pass or no match). */
function refTier(
  s: Snapshot,
  tier: "admin" | "baseline",
  direction: "ingress" | "egress",
  subject: Pod,
  other: RefEnd,
  dst: RefEnd,
  port: number,
  protocol: string,
): "Accept" | "Deny" | undefined {
  const policies = (s.clusterNetworkPolicies as ClusterScopedNetworkPolicy[])
    .filter((p) =>
      tier === "admin"
        ? p.kind === "AdminNetworkPolicy" || (p.kind === "ClusterNetworkPolicy" && p.spec?.tier === "Admin")
        : p.kind === "BaselineAdminNetworkPolicy" ||
          (p.kind === "ClusterNetworkPolicy" && p.spec?.tier === "Baseline"),
    )
    .sort(
      (a, b) =>
        (a.spec?.priority ?? 9999) - (b.spec?.priority ?? 9999) ||
        (a.metadata.name < b.metadata.name ? -1 : 1),
    );
  for (const p of policies) {
    if (!selects(s, p.spec?.subject ?? {}, subject)) continue;
    for (const rule of p.spec?.[direction] ?? []) {
      const peers = (direction === "ingress" ? rule.from : rule.to) ?? [];
      const unknown = peers.some(
        (x) => !x.namespaces && !x.pods && !x.networks && !x.nodes && !x.domainNames,
      );
      const action = rule.action === "Allow" ? "Accept" : rule.action;
      if (unknown) {
        if (action === "Accept") continue;
        return "Deny";
      }
      if (!peers.some((x) => peerMatches(s, x, other)) || !portMatches(rule, dst, port, protocol)) continue;
      return action === "Pass" ? undefined : (action as "Accept" | "Deny");
    }
  }
  return undefined;
}

function refDirection(
  s: Snapshot,
  direction: "ingress" | "egress",
  src: RefEnd,
  dst: RefEnd,
  port: number,
  protocol: string,
): boolean {
  const subject = direction === "egress" ? src : dst;
  const other = direction === "egress" ? dst : src;
  if (!isPodNetwork(subject)) return true;
  // A hostNetwork pod on the destination's node is that node: always allowed in.
  if (
    direction === "ingress" &&
    "pod" in src &&
    src.pod.spec?.hostNetwork === true &&
    src.pod.spec?.nodeName === subject.pod.spec?.nodeName
  )
    return true;
  const admin = refTier(s, "admin", direction, subject.pod, other, dst, port, protocol);
  if (admin) return admin === "Accept";
  const Direction = direction === "egress" ? "Egress" : "Ingress";
  const selected = s.networkPolicies.some(
    (p) =>
      p.metadata.namespace === subject.pod.metadata.namespace &&
      selectorOrNothing(p.spec?.podSelector ?? {}).matches(subject.pod.metadata.labels) &&
      (p.spec?.policyTypes ?? []).includes(Direction),
  );
  if (selected)
    return direction === "egress"
      ? refEgress(s, src, dst, port, protocol, REF_DEFAULTS)
      : refIngress(s, src, dst, port, protocol, REF_DEFAULTS);
  const baseline = refTier(s, "baseline", direction, subject.pod, other, dst, port, protocol);
  return baseline !== "Deny";
}

function compare(c: Cluster): void {
  const snapshot = snapshotOf(objects(c));
  const model = analyzeNetwork(snapshot);
  const pods = snapshot.pods;
  const unitOf = (p: Pod) =>
    model.units.find((u) => u.name === `${p.metadata.namespace}/${p.metadata.name}[Pod]`)!;
  const ends = [
    ...pods.map((p) => ({
      name: unitOf(p).name,
      ref: { pod: p } as RefEnd,
      end: { type: "unit" as const, unit: unitOf(p) },
    })),
    ...EXTERNAL.map((ip) => {
      const parsed = model.table.atoms.atomOf(
        4,
        BigInt(ip.split(".").reduce((a, o) => a * 256 + Number(o), 0)),
      );
      return { name: ip, ref: { ip } as RefEnd, end: { type: "external" as const, atom: parsed, ip } };
    }),
  ];
  const listed = new Map(model.connections("pod").map((x) => [`${x.src}>${x.dst}`, x.conns]));
  for (const s of ends)
    for (const d of ends) {
      if (!("pod" in s.ref) && !("pod" in d.ref)) continue;
      if ("pod" in s.ref && "pod" in d.ref && s.ref.pod === d.ref.pod) continue;
      for (const protocol of PROTOCOLS as readonly Protocol[])
        for (const p of PROBE_PORTS) {
          const expected =
            refDirection(snapshot, "egress", s.ref, d.ref, p, protocol) &&
            refDirection(snapshot, "ingress", s.ref, d.ref, p, protocol);
          const actual = reachEnds(model, s.end, d.end, p, protocol).allowed;
          if (actual !== expected)
            throw new Error(
              `${s.name} -> ${d.name} ${protocol}/${p}: engine ${actual}, reference ${expected}`,
            );
          if ("pod" in s.ref && "pod" in d.ref) {
            const inList = listed.get(`${s.name}>${d.name}`)?.has(protocol, p) ?? false;
            if (inList !== expected)
              throw new Error(
                `connections ${s.name} -> ${d.name} ${protocol}/${p}: listed ${inList}, reference ${expected}`,
              );
          }
        }
    }
  // The namespace matrix (bitset rows, then exact checks) from the reference at every probe.
  const matrix = model.namespaceMatrix();
  for (let i = 0; i < matrix.namespaces.length; i++)
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
              const ok =
                refDirection(snapshot, "egress", { pod: a }, { pod: b }, p, protocol) &&
                refDirection(snapshot, "ingress", { pod: a }, { pod: b }, p, protocol);
              all &&= ok;
              any ||= ok;
            }
        }
      const expected = pairs === 0 ? "n/a" : all ? "full" : any ? "partial" : "none";
      // "full" is judged over every port; the probes see a few, so only none/some are compared exactly.
      const actual = matrix.status(i, j);
      const connects = actual === "full" || actual === "partial";
      if (expected !== "n/a" && connects !== any)
        throw new Error(
          `matrix ${matrix.namespaces[i]} -> ${matrix.namespaces[j]}: engine ${actual}, reference ${expected}`,
        );
      if (actual === "full" && !all)
        throw new Error(
          `matrix ${matrix.namespaces[i]} -> ${matrix.namespaces[j]}: engine full, reference ${expected}`,
        );
    }
  void endIP;
}

/** NetworkPolicies whose ingress rules restrict ports: NetworkPolicy's word is then neither nothing nor all. */
const portedPolicies = fc.array(
  fc.record({
    ns: fc.constantFrom(...NAMESPACES),
    podSelector: selector,
    from: fc.option(fc.record({ namespaceSelector: selector }), { nil: undefined }),
    port: fc.constantFrom<number | string>(80, 8080, "http"),
  }),
  { maxLength: 3 },
);

/**
 * The exact rows (src/network/tier-rows.ts) equal every pair judged through the tiers one by one: over every
 * class, over one namespace at a time, and with the arrays of one cluster signature reused by the next.
 */
function compareRows(
  c: Cluster,
  ported: { ns: string; podSelector: object; from?: object; port: number | string }[],
): void {
  const extra = ported.map((p, i) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `ported${i}`, namespace: p.ns },
    spec: {
      podSelector: p.podSelector,
      policyTypes: ["Ingress"],
      ingress: [{ ...(p.from ? { from: [p.from] } : {}), ports: [{ port: p.port }] }],
    },
  }));
  compareModelRows(analyzeNetwork(snapshotOf([...objects(c), ...extra])));
}

function compareModelRows(model: NetworkModel): void {
  if (model.evaluator.networkPolicyOnly) return;
  const size = model.table.classes.length;
  const any = new Bitset(size);
  const all = new Bitset(size);
  const expect = (s: number, d: number, what: string) => {
    const conns = model.evaluator.conns(s, d);
    if (any.has(d) !== !conns.isEmpty() || all.has(d) !== conns.isAll())
      throw new Error(
        `${what} ${s} -> ${d}: any ${any.has(d)} all ${all.has(d)}, pair by pair ${conns.toString()}`,
      );
  };
  for (let s = 0; s < size; s++) {
    model.rows.rowInto(s, any, all);
    for (let d = 0; d < size; d++) expect(s, d, "row");
  }
  // One cluster signature and one ingress side kept at a time, sources out of order: every change of
  // signature reuses the arrays of the last; and rows over one namespace's classes, written over bits set
  // to garbage.
  const rows = new TierRows(
    model.evaluator,
    (x) => model.rows.egressOf(x),
    (x, a, l, first, end) => model.rows.ingressInto(x, a, l, first, end),
    (x) => model.rows.ingressKey(x),
    1,
  );
  for (let i = 0; i < size; i++) {
    const s = i % 2 === 0 ? i >> 1 : size - 1 - (i >> 1);
    // A whole row: one ingress side kept at a time too, so each row's arrays were another source's.
    any.words.fill(0x5a5a5a5a);
    all.words.fill(0xa5a5a5a5);
    rows.rowInto(s, any, all, 0, size);
    for (let d = 0; d < size; d++) expect(s, d, "whole row, one signature kept");
    for (const ns of model.table.namespaces) {
      if (ns.first === ns.end) continue;
      any.words.fill(0x5a5a5a5a);
      all.words.fill(0xa5a5a5a5);
      rows.rowInto(s, any, all, ns.first, ns.end);
      for (let d = ns.first; d < ns.end; d++) expect(s, d, `range row of ${ns.name}`);
    }
  }
}

describe("tier composition equals the plain reference", () => {
  it("rows many bitset words wide (a generated cluster with the benchmark's tier policies) equal the pairs", () => {
    // The random clusters above have fewer than 32 classes, one word: here rows span several.
    const generated = generateCluster({ ...SIZES.small, tenants: 4, namespacesPerTenant: 3 });
    const clusterNetworkPolicies = tierPolicies(4, 4);
    const model = analyzeNetwork({ ...generated, clusterNetworkPolicies });
    expect(model.evaluator.networkPolicyOnly).toBe(false);
    expect(model.table.classes.length).toBeGreaterThan(64);
    compareModelRows(model);
  });

  it("neighbouring destinations whose egress connections or walks differ are judged each on its own", () => {
    // Destinations of one bitset word and one NetworkPolicy word (not selected) toward which c's egress is
    // port-restricted: a and b in one run of cluster subject keys, c's egress allowing them different ports;
    // then x/a and y/a, allowed the same port by c's egress, in two runs (the Admin policy selects x only);
    // then a1 and a2, matched by one egress rule whose named port is 80 on one and 8080 on the other.
    const onlyPort = (port: number, subject: object) => ({
      apiVersion: "policy.networking.k8s.io/v1alpha2",
      kind: "ClusterNetworkPolicy",
      metadata: { name: `only-${port}` },
      spec: {
        tier: "Admin",
        priority: 1,
        subject,
        ingress: [
          {
            name: "port",
            action: "Accept",
            from: [{ namespaces: {} }],
            protocols: [{ tcp: { destinationPort: { number: port } } }],
          },
          { name: "rest", action: "Deny", from: [{ namespaces: {} }] },
        ],
      },
    });
    const to = (peer: object, port: number) => ({ to: [peer], ports: [{ port }] });
    const app = (name: string) => ({ podSelector: { matchLabels: { app: name } } });
    const egressOfC = (ns: string, rules: object[]) =>
      policy(`${ns}/c-out`, {
        podSelector: { matchLabels: { app: "c" } },
        policyTypes: ["Egress"],
        egress: rules,
      });
    const ports = analyzeNetwork(
      snapshotOf([
        namespace("x"),
        pod("x/a", { labels: { app: "a" } }),
        pod("x/b", { labels: { app: "b" } }),
        pod("x/c", { labels: { app: "c" } }),
        egressOfC("x", [to(app("a"), 80), to(app("b"), 443)]),
        onlyPort(80, { namespaces: {} }),
      ]),
    );
    expect(allowed(ports, "x/c", "x/a", 80)).toBe(true);
    expect(allowed(ports, "x/c", "x/b", 443)).toBe(false);
    compareModelRows(ports);
    const runs = analyzeNetwork(
      snapshotOf([
        namespace("w"),
        namespace("x", { zone: "x" }),
        namespace("y"),
        pod("w/c", { labels: { app: "c" } }),
        pod("x/a", { labels: { app: "a" } }),
        pod("y/a", { labels: { app: "a" } }),
        egressOfC("w", [to({ namespaceSelector: {}, ...app("a") }, 80)]),
        onlyPort(81, { namespaces: { matchLabels: { zone: "x" } } }),
      ]),
    );
    expect(allowed(runs, "w/c", "x/a", 80)).toBe(false);
    expect(allowed(runs, "w/c", "y/a", 80)).toBe(true);
    compareModelRows(runs);
    // One egress rule to a named port, 80 on a1 and 8080 on a2: the same rule matches both.
    const named = analyzeNetwork(
      snapshotOf([
        namespace("x"),
        pod("x/a1", { labels: { app: "a" }, ports: [{ name: "http", containerPort: 80 }] }),
        pod("x/a2", { labels: { app: "a" }, ports: [{ name: "http", containerPort: 8080 }] }),
        pod("x/c", { labels: { app: "c" } }),
        egressOfC("x", [{ to: [app("a")], ports: [{ port: "http" }] }]),
        onlyPort(80, { namespaces: {} }),
      ]),
    );
    expect(allowed(named, "x/c", "x/a1", 80)).toBe(true);
    expect(allowed(named, "x/c", "x/a2", 8080)).toBe(false);
    compareModelRows(named);
  });

  it("NetworkPolicy's decisions on port-restricted pairs are shared only by pairs it cannot tell apart", () => {
    // z's policy admits x on the named port (80 on d1, 8080 on d2) and y on 8080; the Admin tier denies 80.
    const from = (ns: string) => ({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
    });
    const model = analyzeNetwork(
      snapshotOf([
        ...["x", "y", "z"].map((ns) => namespace(ns)),
        pod("x/s", { labels: { app: "s" } }),
        pod("y/s", { labels: { app: "s" } }),
        pod("z/d1", { labels: { app: "d" }, ports: [{ name: "http", containerPort: 80 }] }),
        pod("z/d2", { labels: { app: "d" }, ports: [{ name: "http", containerPort: 8080 }] }),
        policy("z/in", {
          podSelector: {},
          policyTypes: ["Ingress"],
          ingress: [
            { from: [from("x")], ports: [{ port: "http" }] },
            { from: [from("y")], ports: [{ port: 8080 }] },
          ],
        }),
        {
          apiVersion: "policy.networking.k8s.io/v1alpha2",
          kind: "ClusterNetworkPolicy",
          metadata: { name: "no-80" },
          spec: {
            tier: "Admin",
            priority: 1,
            subject: { namespaces: {} },
            ingress: [
              {
                name: "no-80",
                action: "Deny",
                from: [{ namespaces: {} }],
                protocols: [{ tcp: { destinationPort: { number: 80 } } }],
              },
            ],
          },
        },
      ]),
    );
    expect(allowed(model, "x/s", "z/d1", 80)).toBe(false);
    expect(allowed(model, "x/s", "z/d2", 8080)).toBe(true);
    expect(allowed(model, "y/s", "z/d1", 8080)).toBe(true);
    compareModelRows(model);
  });

  it("the exact rows equal the pairs judged one by one through the tiers", () => {
    fc.assert(
      fc.property(cluster, portedPolicies, (c, ported) => compareRows(c, ported)),
      { numRuns: 300, seed: 11 },
    );
  });

  it("on random clusters with ClusterNetworkPolicies, a BaselineAdminNetworkPolicy and NetworkPolicies", () => {
    fc.assert(
      fc.property(cluster, (c) => compare(c)),
      { numRuns: 150, seed: 7 },
    );
  });
});
