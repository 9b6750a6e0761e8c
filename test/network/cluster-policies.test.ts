/**
 * AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy, case by case. The first table
 * transcribes sigs.k8s.io/network-policy-api v0.3.0's conformance suite (conformance/tests/*.go against the
 * five "house" namespaces of conformance/base/manifests.yaml): each row is one probe step of a subtest, with
 * the policies as that step leaves them (the suite mutates them in place: swaps rules, Deny→Pass, deletes the
 * NetworkPolicy), and one reason.
 */
import { describe, expect, it } from "vitest";
import type { Protocol } from "../../src/network/conns.js";
import { findingsOf } from "../../src/network/findings.js";
import { reach, resolveEnd } from "../../src/network/resolve.js";
import { runAudit } from "../../src/tenancy/audit.js";
import { DEFAULT_QUOTA, manifestErrors, tenantManifests } from "../../src/tenancy/guardrails.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";
import { model, namespace, node, pod, snapshotOf } from "./support.js";

const HOUSES = [
  ["gryffindor", "harry-potter", 1],
  ["slytherin", "draco-malfoy", 2],
  ["hufflepuff", "cedric-diggory", 3],
  ["ravenclaw", "luna-lovegood", 4],
] as const;

const ns = (house: string) => `network-policy-conformance-${house}`;

/** The conformance cluster: two pods per house serving TCP 80 ("web") and UDP 53 ("dns"), and a hostNetwork centaur. */
function houses(): unknown[] {
  const out: unknown[] = [node("kind-worker", "172.18.0.2")];
  for (const [house, name, n] of HOUSES) {
    out.push(namespace(ns(house), { "conformance-house": house }));
    for (const i of [0, 1])
      out.push(
        pod(`${ns(house)}/${name}-${i}`, {
          labels: { "conformance-house": house },
          ip: `10.244.${n}.${i + 10}`,
          node: "kind-worker",
          ports: [
            { name: "web", containerPort: 80, protocol: "TCP" },
            { name: "dns", containerPort: 53, protocol: "UDP" },
          ],
        }),
      );
  }
  out.push(namespace(ns("forbidden-forrest"), { "conformance-house": "forbidden-forrest" }));
  out.push(
    pod(`${ns("forbidden-forrest")}/centaur-0`, {
      labels: { "conformance-house": "forbidden-forrest" },
      hostNetwork: true,
      node: "kind-worker",
      ip: "172.18.0.2",
      ports: [{ name: "web-34345", containerPort: 34345, protocol: "TCP" }],
    }),
  );
  return out;
}

const house = (h: string) => ({ matchLabels: { "kubernetes.io/metadata.name": ns(h) } });
const houseLabel = (h: string) => ({ matchLabels: { "conformance-house": h } });

function cnp(name: string, tier: "Admin" | "Baseline", priority: number, spec: Record<string, unknown>) {
  return {
    apiVersion: "policy.networking.k8s.io/v1beta1",
    kind: "ClusterNetworkPolicy",
    metadata: { name },
    spec: { tier, priority, ...spec },
  };
}

type Probe = [src: string, dst: string, protocol: Protocol, port: number, allowed: boolean];

/** standard-ingress-tcp-rules: subject gryffindor; the suite swaps rules between steps. */
function ingressTCP(order: number[]) {
  const rules = [
    { name: "allow-from-ravenclaw-everything", action: "Accept", from: [{ namespaces: house("ravenclaw") }] },
    { name: "deny-from-ravenclaw-everything", action: "Deny", from: [{ namespaces: house("ravenclaw") }] },
    { name: "pass-from-ravenclaw-everything", action: "Pass", from: [{ namespaces: house("ravenclaw") }] },
    {
      name: "deny-from-slytherin-at-port-80",
      action: "Deny",
      from: [{ namespaces: house("slytherin") }],
      protocols: [{ tcp: { destinationPort: { number: 80 } } }],
    },
    {
      name: "pass-from-slytherin-at-port-80",
      action: "Pass",
      from: [{ namespaces: house("slytherin") }],
      protocols: [{ tcp: { destinationPort: { number: 80 } } }],
    },
    {
      name: "allow-from-hufflepuff-at-port-80",
      action: "Accept",
      from: [{ namespaces: house("hufflepuff") }],
      protocols: [{ tcp: { destinationPort: { number: 80 } } }],
    },
    {
      name: "deny-from-hufflepuff-everything-else",
      action: "Deny",
      from: [{ namespaces: house("hufflepuff") }],
    },
  ];
  return cnp("ingress-tcp", "Admin", 3, {
    subject: { namespaces: house("gryffindor") },
    ingress: order.map((i) => rules[i]),
  });
}

/** api_integration/standard-anp-np-banp: admin Deny (or Pass) both ways with slytherin, an NP allowing it, a baseline Deny. */
function integration(action: "Deny" | "Pass", direction: "ingress" | "egress" | "both", withNP: boolean) {
  const admin = cnp("pass-example", "Admin", 10, {
    subject: { namespaces: houseLabel("gryffindor") },
    ingress: [
      {
        name: "deny-all-ingress-from-slytherin",
        action: direction === "egress" ? "Deny" : action,
        from: [{ namespaces: houseLabel("slytherin") }],
      },
    ],
    egress: [
      {
        name: "deny-all-egress-to-slytherin",
        action: direction === "ingress" ? "Deny" : action,
        to: [{ namespaces: houseLabel("slytherin") }],
      },
    ],
  });
  const np = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "allow-gress-from-to-slytherin-to-gryffindor", namespace: ns("gryffindor") },
    spec: {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ namespaceSelector: houseLabel("slytherin") }] }],
      egress: [{ to: [{ namespaceSelector: houseLabel("slytherin") }] }],
    },
  };
  const baseline = cnp("default", "Baseline", 10, {
    subject: { namespaces: houseLabel("gryffindor") },
    ingress: [
      {
        name: "deny-all-ingress-from-slytherin",
        action: "Deny",
        from: [{ namespaces: houseLabel("slytherin") }],
      },
    ],
    egress: [
      { name: "deny-all-egress-to-slytherin", action: "Deny", to: [{ namespaces: houseLabel("slytherin") }] },
    ],
  });
  return withNP ? [admin, np, baseline] : [admin, baseline];
}

/** standard-egress-inline-cidr-rules: Accept to slytherin pods, then Deny 0.0.0.0/0 and ::/0 (pod IPs included). */
function inlineCIDR(prepend?: unknown) {
  return cnp("inline-cidr-as-peers-example", "Admin", 85, {
    subject: { pods: { namespaceSelector: houseLabel("gryffindor"), podSelector: houseLabel("gryffindor") } },
    egress: [
      ...(prepend ? [prepend] : []),
      {
        name: "allow-egress-to-slytherin",
        action: "Accept",
        to: [{ pods: { namespaceSelector: houseLabel("slytherin"), podSelector: houseLabel("slytherin") } }],
      },
      { name: "deny-egress-to-internet", action: "Deny", to: [{ networks: ["0.0.0.0/0", "::/0"] }] },
    ],
  });
}

/** baseline_tier/standard-ingress-tcp-rules: the same shape in the Baseline tier (no Pass there). */
function baselineIngressTCP(order: number[]) {
  const rules = [
    { name: "allow-from-ravenclaw-everything", action: "Accept", from: [{ namespaces: house("ravenclaw") }] },
    { name: "deny-from-ravenclaw-everything", action: "Deny", from: [{ namespaces: house("ravenclaw") }] },
    {
      name: "deny-from-slytherin-at-port-80",
      action: "Deny",
      from: [{ namespaces: house("slytherin") }],
      protocols: [{ tcp: { destinationPort: { number: 80 } } }],
    },
    {
      name: "allow-from-hufflepuff-at-port-80",
      action: "Accept",
      from: [{ namespaces: house("hufflepuff") }],
      protocols: [{ tcp: { destinationPort: { number: 80 } } }],
    },
    {
      name: "deny-from-hufflepuff-everything-else",
      action: "Deny",
      from: [{ namespaces: house("hufflepuff") }],
    },
  ];
  return cnp("default", "Baseline", 10, {
    subject: { namespaces: house("gryffindor") },
    ingress: order.map((i) => rules[i]),
  });
}

/** admin_tier/standard-port-range-rules-combined (egress half): ranges per protocol, then deny every house. */
const portRanges = cnp("port-range-rules", "Admin", 9, {
  subject: { namespaces: house("gryffindor") },
  egress: [
    {
      name: "allow-to-ravenclaw-tcp-port-range",
      action: "Accept",
      to: [{ namespaces: house("ravenclaw") }],
      protocols: [{ tcp: { destinationPort: { range: { start: 80, end: 8080 } } } }],
    },
    {
      name: "allow-to-hufflepuff-udp-port-range",
      action: "Accept",
      to: [{ namespaces: house("hufflepuff") }],
      protocols: [{ udp: { destinationPort: { range: { start: 53, end: 5353 } } } }],
    },
    {
      name: "allow-to-slytherin-sctp-port-range",
      action: "Accept",
      to: [{ namespaces: house("slytherin") }],
      protocols: [{ sctp: { destinationPort: { range: { start: 9003, end: 9005 } } } }],
    },
    {
      name: "deny-all-egress",
      action: "Deny",
      to: [{ namespaces: { matchExpressions: [{ key: "conformance-house", operator: "Exists" }] } }],
    },
  ],
});

const G = (i: number) => `${ns("gryffindor")}/harry-potter-${i}`;
const S = (i: number) => `${ns("slytherin")}/draco-malfoy-${i}`;
const H = (i: number) => `${ns("hufflepuff")}/cedric-diggory-${i}`;
const R = (i: number) => `${ns("ravenclaw")}/luna-lovegood-${i}`;
const CENTAUR = `${ns("forbidden-forrest")}/centaur-0`;

const CONFORMANCE: { reason: string; policies: unknown[]; probes: Probe[] }[] = [
  {
    reason:
      "CNPAdminTierIngressTCP: the first matching rule (Accept from ravenclaw) wins over the Deny after it",
    policies: [ingressTCP([0, 1, 2, 3, 4, 5, 6])],
    probes: [
      [R(0), G(0), "TCP", 80, true],
      [R(1), G(1), "TCP", 8080, true],
    ],
  },
  {
    reason: "CNPAdminTierIngressTCP: an Accept at port 80 and a Deny of everything else from hufflepuff",
    policies: [ingressTCP([0, 1, 2, 3, 4, 5, 6])],
    probes: [
      [H(0), G(0), "TCP", 80, true],
      [H(1), G(1), "TCP", 8080, false],
    ],
  },
  {
    reason: "CNPAdminTierIngressTCP: a policy with only ingress rules does not affect its subject's egress",
    policies: [ingressTCP([0, 1, 2, 3, 4, 5, 6])],
    probes: [
      [G(0), R(0), "TCP", 80, true],
      [G(1), S(1), "TCP", 80, true],
    ],
  },
  {
    reason: "CNPAdminTierIngressTCP: with the Deny swapped first, it wins",
    policies: [ingressTCP([1, 0, 2, 3, 4, 5, 6])],
    probes: [
      [R(0), G(0), "TCP", 80, false],
      [R(1), G(1), "TCP", 8080, false],
    ],
  },
  {
    reason: "CNPAdminTierIngressTCP: a Deny at port 80 leaves the other ports to the default allow",
    policies: [ingressTCP([1, 0, 2, 3, 4, 5, 6])],
    probes: [
      [S(0), G(0), "TCP", 80, false],
      [S(1), G(1), "TCP", 8080, true],
    ],
  },
  {
    reason:
      "CNPAdminTierIngressTCP: with the Pass swapped first, no NetworkPolicy and no baseline decide: allowed",
    policies: [ingressTCP([2, 1, 0, 3, 4, 5, 6])],
    probes: [
      [R(0), G(0), "TCP", 80, true],
      [R(1), G(1), "TCP", 8080, true],
    ],
  },
  {
    reason: "CNPAdminTierIngressTCP: a Pass at port 80 before the Deny at port 80 hands it on: allowed",
    policies: [ingressTCP([2, 1, 0, 4, 3, 5, 6])],
    probes: [
      [S(0), G(0), "TCP", 80, true],
      [S(1), G(1), "TCP", 8080, true],
    ],
  },
  {
    reason: "CNPAdminTierIntegration: the admin Deny overrides the NetworkPolicy that allows slytherin",
    policies: integration("Deny", "both", true),
    probes: [
      [S(0), G(0), "TCP", 80, false],
      [S(1), G(1), "TCP", 8080, false],
      [G(0), S(0), "TCP", 80, false],
      [G(1), S(1), "TCP", 8080, false],
    ],
  },
  {
    reason: "CNPAdminTierIntegration: an ingress Pass hands it to the NetworkPolicy, which allows it",
    policies: integration("Pass", "ingress", true),
    probes: [
      [S(0), G(0), "TCP", 80, true],
      [S(1), G(1), "TCP", 8080, true],
    ],
  },
  {
    reason: "CNPAdminTierIntegration: an egress Pass hands it to the NetworkPolicy, which allows it",
    policies: integration("Pass", "both", true),
    probes: [
      [G(0), S(0), "TCP", 80, true],
      [G(1), S(1), "TCP", 8080, true],
    ],
  },
  {
    reason:
      "CNPAdminTierIntegration: with the NetworkPolicy deleted, the Pass goes to the baseline, which denies",
    policies: integration("Pass", "both", false),
    probes: [
      [S(0), G(0), "TCP", 80, false],
      [S(1), G(1), "TCP", 8080, false],
      [G(0), S(0), "TCP", 80, false],
      [G(1), S(1), "TCP", 8080, false],
    ],
  },
  {
    reason: "CNPAdminTierEgressInlineCIDR: a Deny of 0.0.0.0/0 denies pod IPs too, on every protocol",
    policies: [inlineCIDR()],
    probes: [
      [G(1), R(0), "TCP", 80, false],
      [G(1), R(0), "UDP", 53, false],
      [G(1), R(0), "SCTP", 9003, false],
      [G(1), H(0), "TCP", 80, false],
    ],
  },
  {
    reason: "CNPAdminTierEgressInlineCIDR: the Accept of slytherin pods before the Deny wins",
    policies: [inlineCIDR()],
    probes: [
      [G(1), S(0), "TCP", 80, true],
      [G(1), S(0), "UDP", 53, true],
      [G(1), S(0), "SCTP", 9003, true],
    ],
  },
  {
    reason: "CNPAdminTierEgressInlineCIDR: an Accept of the pods' own /32s prepended wins over the Deny",
    policies: [
      inlineCIDR({
        name: "allow-egress-to-specific-podIPs",
        action: "Accept",
        to: [{ networks: ["10.244.4.10/32", "10.244.3.10/32"] }],
      }),
    ],
    probes: [
      [G(1), R(0), "TCP", 80, true],
      [G(1), R(0), "UDP", 53, true],
      [G(1), H(0), "SCTP", 9003, true],
      [G(1), R(1), "TCP", 80, false],
    ],
  },
  {
    reason: "CNPBaselineTierIngressTCP: the first matching Baseline rule (Accept from ravenclaw) wins",
    policies: [baselineIngressTCP([0, 1, 2, 3, 4])],
    probes: [
      [R(0), G(0), "TCP", 80, true],
      [R(1), G(1), "TCP", 8080, true],
    ],
  },
  {
    reason: "CNPBaselineTierIngressTCP: Accept at port 80 from hufflepuff, Deny of the rest",
    policies: [baselineIngressTCP([0, 1, 2, 3, 4])],
    probes: [
      [H(0), G(0), "TCP", 80, true],
      [H(1), G(1), "TCP", 8080, false],
    ],
  },
  {
    reason: "CNPBaselineTierIngressTCP: ingress rules only leave the subject's egress alone",
    policies: [baselineIngressTCP([0, 1, 2, 3, 4])],
    probes: [
      [G(0), R(0), "TCP", 80, true],
      [G(1), S(1), "TCP", 80, true],
    ],
  },
  {
    reason: "CNPBaselineTierIngressTCP: with the Deny swapped first, it wins",
    policies: [baselineIngressTCP([1, 0, 2, 3, 4])],
    probes: [
      [R(0), G(0), "TCP", 80, false],
      [R(1), G(1), "TCP", 8080, false],
    ],
  },
  {
    reason: "CNPBaselineTierIngressTCP: a Deny at port 80 leaves 8080 to the default allow",
    policies: [baselineIngressTCP([1, 0, 2, 3, 4])],
    probes: [
      [S(0), G(0), "TCP", 80, false],
      [S(1), G(1), "TCP", 8080, true],
    ],
  },
  {
    reason:
      "CNPAdminTierPortRange: egress port ranges per protocol, both ends included; other protocols denied",
    policies: [portRanges],
    probes: [
      [G(0), R(0), "TCP", 80, true],
      [G(0), R(0), "TCP", 8080, true],
      [G(1), R(0), "UDP", 53, false],
      [G(0), H(0), "UDP", 53, true],
      [G(0), H(0), "UDP", 5353, true],
      [G(1), H(0), "TCP", 80, false],
      [G(0), S(0), "SCTP", 9003, true],
      [G(0), S(0), "SCTP", 9005, true],
      [G(1), S(0), "TCP", 80, false],
    ],
  },
];

function verdict(m: ReturnType<typeof model>, src: string, dst: string, protocol: Protocol, port: number) {
  return reach(m, resolveEnd(m, src), resolveEnd(m, dst), port, protocol);
}

describe("network-policy-api conformance, transcribed", () => {
  for (const c of CONFORMANCE)
    it(c.reason, () => {
      const m = model([...houses(), ...c.policies]);
      expect(m.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      for (const [src, dst, protocol, port, expected] of c.probes)
        expect(verdict(m, src, dst, protocol, port).allowed, `${src} -> ${dst} ${protocol}/${port}`).toBe(
          expected,
        );
    });
});

describe("cluster-scoped policy semantics", () => {
  const anp = (name: string, priority: number, spec: Record<string, unknown>) => ({
    apiVersion: "policy.networking.k8s.io/v1alpha1",
    kind: "AdminNetworkPolicy",
    metadata: { name },
    spec: { priority, ...spec },
  });
  const banp = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: "policy.networking.k8s.io/v1alpha1",
    kind: "BaselineAdminNetworkPolicy",
    metadata: { name },
    spec,
  });
  const gryffindor = { namespaces: houseLabel("gryffindor") };

  it("reach names the deciding policy and rule, and --explain's walk lists every tier asked", () => {
    const m = model([...houses(), ...integration("Pass", "both", false)]);
    const v = verdict(m, S(0), G(0), "TCP", 80);
    expect(v.ingress.reason).toBe(
      `ClusterNetworkPolicy "pass-example" ingress rule 0 "deny-all-ingress-from-slytherin" (Pass) passes it on; TCP/80 from ${S(0)}[Pod] is denied by ClusterNetworkPolicy "default" ingress rule 0 "deny-all-ingress-from-slytherin" (Deny)`,
    );
    expect(v.ingress.decidedBy).toEqual({
      tier: "baseline",
      kind: "ClusterNetworkPolicy",
      policy: "default",
      rule: 0,
      name: "deny-all-ingress-from-slytherin",
      action: "Deny",
    });
    expect(v.ingress.tiers?.map((s) => `${s.tier}:${s.verdict}`)).toEqual([
      "admin:Pass",
      "networkpolicy:NotSelected",
      "baseline:Deny",
    ]);
  });

  it("an AdminNetworkPolicy's lower priority value is walked first", () => {
    const m = model([
      ...houses(),
      anp("deny-later", 20, {
        subject: gryffindor,
        ingress: [{ action: "Deny", from: [{ namespaces: {} }] }],
      }),
      anp("allow-first", 10, {
        subject: gryffindor,
        ingress: [{ action: "Allow", from: [{ namespaces: houseLabel("ravenclaw") }] }],
      }),
    ]);
    expect(verdict(m, R(0), G(0), "TCP", 80).allowed).toBe(true);
    expect(verdict(m, S(0), G(0), "TCP", 80).allowed).toBe(false);
    expect(verdict(m, R(0), G(0), "TCP", 80).ingress.reason).toContain(
      'AdminNetworkPolicy "allow-first" ingress rule 0 (Allow)',
    );
  });

  it("v1alpha1 ports: portNumber (TCP by default), portRange and namedPort", () => {
    const m = model([
      ...houses(),
      anp("ports", 1, {
        subject: gryffindor,
        ingress: [
          {
            action: "Allow",
            from: [{ namespaces: {} }],
            ports: [
              { portNumber: { port: 8080 } },
              { portRange: { protocol: "UDP", start: 5000, end: 5353 } },
              { namedPort: "dns" },
            ],
          },
          { action: "Deny", from: [{ namespaces: {} }] },
        ],
      }),
    ]);
    expect(verdict(m, S(0), G(0), "TCP", 8080).allowed).toBe(true);
    expect(verdict(m, S(0), G(0), "UDP", 8080).allowed).toBe(false);
    expect(verdict(m, S(0), G(0), "UDP", 5353).allowed).toBe(true);
    expect(verdict(m, S(0), G(0), "UDP", 53).allowed).toBe(true); // named "dns" is UDP 53 on the destination
    expect(verdict(m, S(0), G(0), "TCP", 80).allowed).toBe(false);
  });

  it("a destinationNamedPort is the destination pod's containerPort of that name, with its protocol", () => {
    const m = model([
      ...houses(),
      cnp("named", "Admin", 1, {
        subject: gryffindor,
        egress: [
          { action: "Accept", to: [{ namespaces: {} }], protocols: [{ destinationNamedPort: "web" }] },
          { action: "Deny", to: [{ namespaces: {} }] },
        ],
      }),
    ]);
    expect(verdict(m, G(0), S(0), "TCP", 80).allowed).toBe(true);
    expect(verdict(m, G(0), S(0), "UDP", 53).allowed).toBe(false);
  });

  it("hostNetwork pods are never subjects nor namespaces/pods peers", () => {
    const m = model([
      ...houses(),
      cnp("deny-all", "Admin", 1, {
        subject: { namespaces: {} },
        ingress: [{ action: "Deny", from: [{ namespaces: {} }] }],
        egress: [{ action: "Deny", to: [{ namespaces: {} }] }],
      }),
    ]);
    expect(verdict(m, S(0), G(0), "TCP", 80).allowed).toBe(false);
    // The centaur is its node to policy: it is neither selected as a subject nor matched by namespaces {}.
    expect(verdict(m, CENTAUR, G(0), "TCP", 80).ingress.allowed).toBe(true);
    expect(verdict(m, G(0), CENTAUR, "TCP", 34345).allowed).toBe(true);
  });

  it("a nodes peer matches the node's addresses: its hostNetwork pods and its InternalIP", () => {
    const m = model([
      ...houses(),
      cnp("no-nodes", "Admin", 1, { subject: gryffindor, egress: [{ action: "Deny", to: [{ nodes: {} }] }] }),
    ]);
    expect(verdict(m, G(0), CENTAUR, "TCP", 34345).allowed).toBe(false);
    expect(verdict(m, G(0), "172.18.0.2", "TCP", 10250).allowed).toBe(false);
    expect(verdict(m, G(0), "172.18.0.3", "TCP", 10250).allowed).toBe(true);
    expect(verdict(m, G(0), S(0), "TCP", 80).allowed).toBe(true);
  });

  it("domainNames are judged by the option: external (default) may match any outside address, nothing matches none", () => {
    const objects = [
      ...houses(),
      cnp("allowlist", "Admin", 1, {
        subject: gryffindor,
        egress: [
          { action: "Accept", to: [{ domainNames: ["*.kubernetes.io"] }] },
          { action: "Deny", to: [{ networks: ["0.0.0.0/0"] }] },
        ],
      }),
    ];
    expect(verdict(model(objects), G(0), "203.0.113.7", "TCP", 443).allowed).toBe(true);
    expect(verdict(model(objects, { domainNames: "nothing" }), G(0), "203.0.113.7", "TCP", 443).allowed).toBe(
      false,
    );
    expect(verdict(model(objects), G(0), S(0), "TCP", 80).allowed).toBe(false); // a domain name never matches a pod
  });

  it("an egress Accept does not bypass the destination's ingress", () => {
    const m = model([
      ...houses(),
      cnp("out", "Admin", 1, {
        subject: gryffindor,
        egress: [{ action: "Accept", to: [{ namespaces: {} }] }],
      }),
      cnp("in", "Admin", 2, {
        subject: { namespaces: houseLabel("slytherin") },
        ingress: [{ action: "Deny", from: [{ namespaces: {} }] }],
      }),
    ]);
    const v = verdict(m, G(0), S(0), "TCP", 80);
    expect([v.egress.allowed, v.ingress.allowed, v.allowed]).toEqual([true, false, false]);
  });

  it("a NetworkPolicy that selects the pod decides before the baseline; an unselected pod gets the baseline", () => {
    const objects = [
      ...houses(),
      banp("default", {
        subject: { namespaces: {} },
        ingress: [{ action: "Deny", from: [{ namespaces: {} }] }],
      }),
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "allow-80", namespace: ns("gryffindor") },
        spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] },
      },
    ];
    const m = model(objects);
    expect(verdict(m, S(0), G(0), "TCP", 80).allowed).toBe(true);
    expect(verdict(m, S(0), G(0), "TCP", 8080).allowed).toBe(false); // NetworkPolicy's final word
    expect(verdict(m, G(0), S(0), "TCP", 80).allowed).toBe(false); // slytherin: the baseline Deny
  });

  it("a peer with only fields kubefence does not know fails closed: nothing in Accept, deny-all in Deny and Pass", () => {
    const unknownPeer = { serviceAccounts: { name: "x" } };
    const accept = model([
      ...houses(),
      cnp("a", "Admin", 1, { subject: gryffindor, ingress: [{ action: "Accept", from: [unknownPeer] }] }),
    ]);
    expect(verdict(accept, S(0), G(0), "TCP", 80).allowed).toBe(true); // matches nothing: default allow
    expect(accept.diagnostics.map((d) => d.message).join("\n")).toContain("fails closed");
    for (const action of ["Deny", "Pass"]) {
      const m = model([
        ...houses(),
        cnp("d", "Admin", 1, { subject: gryffindor, ingress: [{ action, from: [unknownPeer] }] }),
      ]);
      const v = verdict(m, S(0), G(0), "TCP", 80);
      expect(v.allowed, action).toBe(false);
      expect(v.ingress.reason, action).toContain("fails closed");
    }
  });

  it("equal priorities: walked by name by default, as read with samePriority order, and a finding says so", () => {
    const objects = [
      ...houses(),
      cnp("b-deny", "Admin", 5, {
        subject: gryffindor,
        ingress: [{ action: "Deny", from: [{ namespaces: {} }] }],
      }),
      cnp("a-accept", "Admin", 5, {
        subject: gryffindor,
        ingress: [{ action: "Accept", from: [{ namespaces: {} }] }],
      }),
    ];
    expect(verdict(model(objects), S(0), G(0), "TCP", 80).allowed).toBe(true);
    expect(verdict(model(objects, { samePriority: "order" }), S(0), G(0), "TCP", 80).allowed).toBe(false);
    const findings = findingsOf(model(objects)).filter(
      (f) => f.id === "network.cluster-policy-same-priority",
    );
    expect(findings.map((f) => f.message)).toEqual([
      'ClusterNetworkPolicy "a-accept" and ClusterNetworkPolicy "b-deny" are both admin tier priority 5 and apply to the same 2 pods: which one decides first is up to the network plugin',
    ]);
  });

  it("v1beta1 ClusterNetworkPolicy is read as v1alpha2 without a warning", () => {
    const m = model([...houses(), ingressTCP([0])]);
    expect(m.diagnostics.filter((d) => d.message.includes("deprecated"))).toEqual([]);
    expect(m.clusterPolicies.map((p) => p.object.apiVersion)).toEqual(["policy.networking.k8s.io/v1alpha2"]);
  });
});

describe("validation at load, in the CRDs' words", () => {
  const invalid = (object: unknown) => {
    const m = model([...houses(), object]);
    return m.invalidClusterPolicies.flatMap((i) => i.errors);
  };
  const cases: { reason: string; object: unknown; errors: string[] }[] = [
    {
      reason: "a BaselineAdminNetworkPolicy must be named default (its CEL rule)",
      object: {
        apiVersion: "policy.networking.k8s.io/v1alpha1",
        kind: "BaselineAdminNetworkPolicy",
        metadata: { name: "tenants" },
        spec: { subject: { namespaces: {} } },
      },
      errors: [
        '<nil>: Invalid value: Only one baseline admin network policy with metadata.name="default" can be created in the cluster',
      ],
    },
    {
      reason: "priority is 0–1000",
      object: cnp("p", "Admin", 1001, { subject: { namespaces: {} } }),
      errors: [
        "spec.priority: Invalid value: 1001: spec.priority in body should be less than or equal to 1000",
      ],
    },
    {
      reason: "the subject sets exactly one field",
      object: cnp("s", "Admin", 1, { subject: { namespaces: {}, pods: { podSelector: {} } } }),
      errors: [
        "spec.subject: Too many: 2: must have at most 1 item",
        "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
      ],
    },
    {
      reason: "v1alpha2 allows 25 rules per direction",
      object: cnp("r", "Admin", 1, {
        subject: { namespaces: {} },
        ingress: Array.from({ length: 26 }, () => ({ action: "Deny", from: [{ namespaces: {} }] })),
      }),
      errors: [
        "spec.ingress: Too many: 26: must have at most 25 items",
        "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
      ],
    },
    {
      reason: "a CNP action is Accept, Deny or Pass (Allow is v1alpha1's)",
      object: cnp("a", "Admin", 1, {
        subject: { namespaces: {} },
        ingress: [{ action: "Allow", from: [{ namespaces: {} }] }],
      }),
      errors: [
        'spec.ingress[0].action: Unsupported value: "Allow": supported values: "Accept", "Deny", "Pass"',
        "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
      ],
    },
    {
      reason: "a port range needs start < end",
      object: cnp("range", "Admin", 1, {
        subject: { namespaces: {} },
        ingress: [
          {
            action: "Deny",
            from: [{ namespaces: {} }],
            protocols: [{ tcp: { destinationPort: { range: { start: 90, end: 80 } } } }],
          },
        ],
      }),
      errors: [
        "spec.ingress[0].protocols[0].tcp.destinationPort.range: Invalid value: Start port must be less than End port",
      ],
    },
    {
      reason: "networks hold at most 25 CIDRs, each a CIDR",
      object: cnp("cidr", "Admin", 1, {
        subject: { namespaces: {} },
        egress: [{ action: "Deny", to: [{ networks: ["10.0.0.0/33"] }] }],
      }),
      errors: [
        'spec.egress[0].to[0].networks[0]: Invalid value: "10.0.0.0/33": Invalid CIDR format provided',
      ],
    },
    {
      reason: "a named port cannot go with a networks peer (CEL on the egress rule)",
      object: cnp("named", "Admin", 1, {
        subject: { namespaces: {} },
        egress: [
          {
            action: "Accept",
            to: [{ networks: ["10.0.0.0/8"] }],
            protocols: [{ destinationNamedPort: "web" }],
          },
        ],
      }),
      errors: [
        "spec.egress[0]: Invalid value: networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames",
      ],
    },
    {
      reason: "a BaselineAdminNetworkPolicy has no Pass",
      object: {
        apiVersion: "policy.networking.k8s.io/v1alpha1",
        kind: "BaselineAdminNetworkPolicy",
        metadata: { name: "default" },
        spec: { subject: { namespaces: {} }, ingress: [{ action: "Pass", from: [{ namespaces: {} }] }] },
      },
      errors: [
        'spec.ingress[0].action: Unsupported value: "Pass": supported values: "Allow", "Deny"',
        "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
      ],
    },
  ];
  for (const c of cases) it(c.reason, () => expect(invalid(c.object)).toEqual(c.errors));

  it("an invalid policy is left out of the analysis, with a finding", () => {
    const m = model([
      ...houses(),
      cnp("p", "Admin", 1001, {
        subject: { namespaces: {} },
        ingress: [{ action: "Deny", from: [{ namespaces: {} }] }],
      }),
    ]);
    expect(verdict(m, S(0), G(0), "TCP", 80).allowed).toBe(true);
    expect(
      findingsOf(m)
        .filter((f) => f.id === "network.invalid-cluster-policy")
        .map((f) => f.subject),
    ).toEqual(["p[ClusterNetworkPolicy]"]);
  });
});

describe("network findings with cluster-scoped policies", () => {
  const ids = (objects: unknown[]) =>
    findingsOf(model([...houses(), ...objects])).map((f) => `${f.id} ${f.subject}`);

  it("a baseline Deny of every pod is the namespaces' default deny: no default-deny-ingress finding, and the policy as evidence", () => {
    const found = findingsOf(
      model([
        ...houses(),
        cnp("isolate", "Baseline", 1, {
          subject: { namespaces: {} },
          ingress: [{ action: "Deny", from: [{ namespaces: {} }] }],
        }),
      ]),
    );
    expect(found.filter((f) => f.id === "network.no-default-deny-ingress")).toEqual([]);
    const evidence = found.find((f) => f.id === "network.cluster-policy-isolation")!;
    expect(evidence.message).toBe(
      'ClusterNetworkPolicy "isolate" (baseline tier, priority 1) denies traffic for the pods of 4 namespaces: network-policy-conformance-gryffindor, network-policy-conformance-hufflepuff, network-policy-conformance-ravenclaw, network-policy-conformance-slytherin',
    );
    expect(evidence.evidence).toEqual([
      'ClusterNetworkPolicy "isolate" ingress rule 0 (Deny): from all pods in all namespaces, every port',
    ]);
  });

  it("a Pass with nothing behind it is reported, and one with a NetworkPolicy behind it is not", () => {
    const pass = cnp("p", "Admin", 1, {
      subject: { namespaces: houseLabel("gryffindor") },
      ingress: [{ action: "Pass", from: [{ namespaces: {} }] }],
    });
    expect(ids([pass])).toContain("network.cluster-pass-to-nothing p[ClusterNetworkPolicy]");
    const np = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "np", namespace: ns("gryffindor") },
      spec: { podSelector: {}, ingress: [{}] },
    };
    expect(ids([pass, np])).not.toContain("network.cluster-pass-to-nothing p[ClusterNetworkPolicy]");
  });

  it("a rule the rules before it always pre-empt is shadowed; one that still decides something is not", () => {
    const found = ids([
      cnp("s", "Admin", 1, {
        subject: { namespaces: {} },
        ingress: [
          { action: "Deny", from: [{ namespaces: {} }] },
          { name: "never", action: "Accept", from: [{ namespaces: houseLabel("ravenclaw") }] },
        ],
        egress: [
          {
            action: "Deny",
            to: [{ namespaces: {} }],
            protocols: [{ tcp: { destinationPort: { number: 80 } } }],
          },
          { name: "still", action: "Accept", to: [{ namespaces: {} }] },
        ],
      }),
    ]);
    expect(found.filter((f) => f.startsWith("network.cluster-rule-shadowed"))).toEqual([
      "network.cluster-rule-shadowed s[ClusterNetworkPolicy]",
    ]);
  });
});

describe("cross-namespace findings under an admin Accept", () => {
  it("give the tier walk's reason and say that no NetworkPolicy can take an admin Accept back", () => {
    const accept = cnp("monitoring", "Admin", 1, {
      subject: { namespaces: houseLabel("gryffindor") },
      ingress: [{ name: "scrape", action: "Accept", from: [{ namespaces: houseLabel("ravenclaw") }] }],
    });
    const deny = cnp("isolate", "Baseline", 1, {
      subject: { namespaces: {} },
      ingress: [{ action: "Deny", from: [{ namespaces: {} }] }],
    });
    // (The hostNetwork centaur on the pods' node reaches every house: the node-local exemption.)
    const found = findingsOf(model([...houses(), accept, deny])).filter(
      (f) => f.id === "network.cross-namespace" && f.object.startsWith(ns("gryffindor")),
    );
    expect(found.map((f) => f.object)).toEqual([`${G(0)}[Pod]`, `${G(1)}[Pod]`]);
    expect(found[0]!.evidence[0]).toBe(
      `${G(0)}[Pod]'s ingress: TCP/1 from ${R(0)}[Pod] is accepted by ClusterNetworkPolicy "monitoring" ingress rule 0 "scrape" (Accept)`,
    );
    expect(found[0]!.remediation).toBe(
      'ClusterNetworkPolicy "monitoring" ingress rule 0 accepts it before any NetworkPolicy is asked, and NetworkPolicy cannot override it: narrow that rule\'s from (or its subject) if network-policy-conformance-gryffindor should not be reached.',
    );
  });
});

describe("CNI-specific policies are not modelled: the verdicts they may change are incomplete", () => {
  const cilium = {
    apiVersion: "cilium.io/v2",
    kind: "CiliumNetworkPolicy",
    metadata: { name: "lock", namespace: ns("slytherin") },
    spec: { endpointSelector: {} },
  };
  const calicoGlobal = {
    apiVersion: "crd.projectcalico.org/v1",
    kind: "GlobalNetworkPolicy",
    metadata: { name: "everyone" },
    spec: {},
  };

  it("a namespaced Cilium policy marks only connections from or to its namespace", () => {
    const m = model([...houses(), cilium]);
    expect(verdict(m, S(0), G(0), "TCP", 80).incomplete).toBe("1 Cilium policy is not modelled");
    expect(verdict(m, G(0), S(0), "TCP", 80).incomplete).toBe("1 Cilium policy is not modelled");
    expect(verdict(m, G(0), R(0), "TCP", 80).incomplete).toBeUndefined();
    expect(snapshotOf([cilium]).unknownKinds).toEqual({ "cilium.io/v2/CiliumNetworkPolicy": 1 });
  });

  it("a cluster-wide Calico policy marks every verdict, and a finding says how many are not modelled", () => {
    const m = model([...houses(), cilium, calicoGlobal]);
    expect(verdict(m, G(0), R(0), "TCP", 80).incomplete).toBe(
      "1 Cilium policy and 1 Calico policy are not modelled",
    );
    expect(
      findingsOf(m)
        .filter((f) => f.id === "network.unmodelled-policies")
        .map((f) => f.object),
    ).toEqual(["every network verdict"]);
  });
});

describe("tenant init --isolation=cluster-policy", () => {
  it("isolates the tenants from each other with one Admin ClusterNetworkPolicy each, passing what stays inside to their NetworkPolicies", () => {
    const init = (name: string) =>
      tenantManifests({
        name,
        namespaces: [name],
        owners: [],
        level: "baseline",
        version: "latest",
        quota: DEFAULT_QUOTA,
        isolation: "cluster-policy",
      });
    const written = [...init("team-a"), ...init("team-b")];
    expect(manifestErrors(written)).toEqual([]);
    expect(written.filter((m) => m.kind === "NetworkPolicy")).toEqual([]);
    const m = model([
      ...written,
      pod("team-a/web"),
      pod("team-a/api"),
      pod("team-b/web"),
      pod("kube-system/coredns", {
        labels: { "k8s-app": "kube-dns" },
        ports: [{ name: "dns", containerPort: 53, protocol: "UDP" }],
      }),
    ]);
    expect(verdict(m, "team-b/web", "team-a/web", "TCP", 80).ingress.reason).toBe(
      'TCP/80 from team-b/web[Pod] is denied by ClusterNetworkPolicy "tenant-team-a-isolation" ingress rule 1 "other-namespaces" (Deny)',
    );
    expect(verdict(m, "team-a/api", "team-a/web", "TCP", 80).allowed).toBe(true);
    expect(verdict(m, "team-a/web", "kube-system/coredns", "UDP", 53).allowed).toBe(true);
    expect(verdict(m, "team-a/web", "kube-system/coredns", "TCP", 8080).allowed).toBe(false);
    const report = runAudit(
      m.snapshot,
      resolveTenants(m.snapshot, { from: "label", key: "kubefence.io/tenant" }).tenancy,
    );
    const cells = [
      ["team-a", "team-b"],
      ["team-b", "team-a"],
    ].flatMap(([from, to]) => report.matrix.pair(from!, to!).filter((c) => c.plane === "network"));
    expect(cells.map((c) => `${c.from}>${c.to} ${c.verdict}`)).toEqual([
      "team-a>team-b isolated",
      "team-b>team-a isolated",
    ]);
  });

  it("a bad priority is refused in the CRD's words before anything is written", () => {
    const written = tenantManifests({
      name: "t",
      namespaces: ["t"],
      owners: [],
      level: "baseline",
      version: "latest",
      quota: DEFAULT_QUOTA,
      isolation: "cluster-policy",
      priority: 2000,
    });
    expect(manifestErrors(written)).toEqual([
      'ClusterNetworkPolicy.policy.networking.k8s.io "tenant-t-isolation" is invalid: spec.priority: Invalid value: 2000: spec.priority in body should be less than or equal to 1000',
    ]);
  });
});
