/** One table per rule of NetworkPolicy semantics (k8s.io/api networking/v1 types.go), with a reason each. */
import { describe, expect, it } from "vitest";
import { allowed, model, namespace, pod, policy } from "./support.js";

const base = [
  namespace("x", { ns: "x" }),
  namespace("y", { ns: "y" }),
  pod("x/a", { ip: "10.0.0.1" }),
  pod("x/b", { ip: "10.0.0.2" }),
  pod("y/a", { ip: "10.0.1.1" }),
];

describe("defaulting and isolation", () => {
  it("without policies every pod reaches every pod", () => {
    const m = model(base);
    expect(allowed(m, "x/a", "y/a")).toBe(true);
    expect(allowed(m, "y/a", "x/b", 5000, "UDP")).toBe(true);
  });

  it("missing policyTypes is Ingress only, even with an empty egress list", () => {
    const m = model([...base, policy("x/p", { podSelector: {}, egress: [] })]);
    expect(m.policies[0]!.affectsEgress).toBe(false);
    expect(allowed(m, "x/a", "y/a")).toBe(true); // egress not isolated
    expect(allowed(m, "y/a", "x/a")).toBe(false); // ingress isolated, no rules
  });

  it("missing policyTypes with an egress rule adds Egress", () => {
    const m = model([...base, policy("x/p", { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] })]);
    expect(m.policies[0]!.affectsEgress).toBe(true);
    expect(allowed(m, "x/a", "x/b")).toBe(false); // x/b ingress isolated (Ingress defaulted in too)
    expect(allowed(m, "x/a", "y/a")).toBe(false); // egress only to own namespace
  });

  it("a port without protocol is TCP", () => {
    const m = model([...base, policy("x/p", { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] })]);
    expect(allowed(m, "y/a", "x/a", 80, "TCP")).toBe(true);
    expect(allowed(m, "y/a", "x/a", 80, "UDP")).toBe(false);
  });

  it("a policy only isolates pods of its own namespace that its podSelector matches", () => {
    const m = model([
      ...base,
      policy("x/p", { podSelector: { matchLabels: { pod: "a" } }, policyTypes: ["Ingress"] }),
    ]);
    expect(allowed(m, "x/b", "x/a")).toBe(false);
    expect(allowed(m, "x/a", "x/b")).toBe(true);
    expect(allowed(m, "x/a", "y/a")).toBe(true); // y/a also has label pod=a but lives elsewhere
  });

  it("ingress and egress isolate independently", () => {
    const m = model([...base, policy("x/p", { podSelector: {}, policyTypes: ["Egress"] })]);
    expect(allowed(m, "y/a", "x/a")).toBe(true);
    expect(allowed(m, "x/a", "y/a")).toBe(false);
  });

  it("rules of all applying policies are unioned", () => {
    const m = model([
      ...base,
      policy("x/from-b", {
        podSelector: { matchLabels: { pod: "a" } },
        ingress: [{ from: [{ podSelector: { matchLabels: { pod: "b" } } }] }],
      }),
      policy("x/from-y", {
        podSelector: { matchLabels: { pod: "a" } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: "y" } } }] }],
      }),
    ]);
    expect(allowed(m, "x/b", "x/a")).toBe(true);
    expect(allowed(m, "y/a", "x/a")).toBe(true);
  });

  it("an empty rule {} allows every source, external ones included", () => {
    const m = model([...base, policy("x/p", { podSelector: {}, ingress: [{}] })]);
    expect(allowed(m, "y/a", "x/a")).toBe(true);
    expect(allowed(m, "8.8.8.8", "x/a")).toBe(true);
  });

  it("a connection needs the source's egress and the destination's ingress", () => {
    const m = model([
      ...base,
      policy("y/deny-egress", { podSelector: {}, policyTypes: ["Egress"] }),
      policy("x/allow-all", { podSelector: {}, ingress: [{}] }),
    ]);
    expect(allowed(m, "y/a", "x/a")).toBe(false);
  });
});

describe("peers", () => {
  const rule = (from: unknown[]) => [
    ...base,
    namespace("z", { ns: "z" }),
    pod("z/b", { ip: "10.0.2.2" }),
    policy("x/p", { podSelector: { matchLabels: { pod: "a" } }, ingress: [{ from }] }),
  ];

  it("podSelector alone selects pods of the policy's namespace only", () => {
    const m = model(rule([{ podSelector: { matchLabels: { pod: "b" } } }]));
    expect(allowed(m, "x/b", "x/a")).toBe(true);
    expect(allowed(m, "z/b", "x/a")).toBe(false);
  });

  it("namespaceSelector alone selects every pod of the matching namespaces", () => {
    const m = model(rule([{ namespaceSelector: { matchLabels: { ns: "z" } } }]));
    expect(allowed(m, "z/b", "x/a")).toBe(true);
    expect(allowed(m, "x/b", "x/a")).toBe(false);
  });

  it("namespaceSelector and podSelector in one peer are ANDed", () => {
    const m = model(
      rule([{ namespaceSelector: { matchLabels: { ns: "y" } }, podSelector: { matchLabels: { pod: "b" } } }]),
    );
    expect(allowed(m, "y/a", "x/a")).toBe(false); // namespace matches, pod does not
    expect(allowed(m, "x/b", "x/a")).toBe(false); // pod matches, namespace does not
  });

  it("two peers in one list are ORed", () => {
    const m = model(
      rule([
        { namespaceSelector: { matchLabels: { ns: "y" } } },
        { podSelector: { matchLabels: { pod: "b" } } },
      ]),
    );
    expect(allowed(m, "y/a", "x/a")).toBe(true);
    expect(allowed(m, "x/b", "x/a")).toBe(true);
    expect(allowed(m, "z/b", "x/a")).toBe(false);
  });

  it("empty namespaceSelector {} selects all namespaces", () => {
    const m = model(rule([{ namespaceSelector: {} }]));
    expect(allowed(m, "z/b", "x/a")).toBe(true);
    expect(allowed(m, "8.8.8.8", "x/a")).toBe(false); // selectors never match external IPs
  });

  it("namespaces carry kubernetes.io/metadata.name", () => {
    const m = model(rule([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "z" } } }]));
    expect(allowed(m, "z/b", "x/a")).toBe(true);
  });

  it("NotIn and DoesNotExist match absent keys", () => {
    const m = model(
      rule([
        {
          namespaceSelector: { matchExpressions: [{ key: "team", operator: "DoesNotExist" }] },
          podSelector: { matchExpressions: [{ key: "pod", operator: "NotIn", values: ["a"] }] },
        },
      ]),
    );
    expect(allowed(m, "z/b", "x/a")).toBe(true);
    expect(allowed(m, "y/a", "x/a")).toBe(false);
  });

  it("ipBlock matches cidr minus except, pod IPs included by default", () => {
    const m = model(rule([{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.0.1.0/24"] } }]));
    expect(allowed(m, "x/b", "x/a")).toBe(true); // 10.0.0.2
    expect(allowed(m, "y/a", "x/a")).toBe(false); // 10.0.1.1 excepted
    expect(allowed(m, "z/b", "x/a")).toBe(true); // 10.0.2.2
    expect(allowed(m, "10.0.200.1", "x/a")).toBe(true);
    expect(allowed(m, "10.1.0.1", "x/a")).toBe(false);
  });

  it("ipBlock does not match pod IPs when ipBlockMatchesPods is false (Cilium)", () => {
    const m = model(rule([{ ipBlock: { cidr: "10.0.0.0/16" } }]), { ipBlockMatchesPods: false });
    expect(allowed(m, "x/b", "x/a")).toBe(false);
    expect(allowed(m, "10.0.200.1", "x/a")).toBe(true);
  });

  it("except only removes from its peer; another policy can still allow the excepted IP", () => {
    const m = model([
      ...rule([{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.0.1.1/32"] } }]),
      policy("x/q", {
        podSelector: { matchLabels: { pod: "a" } },
        ingress: [{ from: [{ ipBlock: { cidr: "10.0.1.1/32" } }] }],
      }),
    ]);
    expect(allowed(m, "y/a", "x/a")).toBe(true);
  });
});

describe("ports", () => {
  const web = [
    namespace("x"),
    pod("x/client", { ip: "10.0.0.1" }),
    pod("x/server", {
      ip: "10.0.0.2",
      ports: [
        { name: "http", containerPort: 8080 },
        { name: "dns", containerPort: 53, protocol: "UDP" },
        { name: "sctp", containerPort: 9999, protocol: "SCTP" },
      ],
    }),
  ];
  const ingressPorts = (ports: unknown[]) => [
    ...web,
    policy("x/p", { podSelector: { matchLabels: { pod: "server" } }, ingress: [{ ports }] }),
  ];

  it("a numeric port admits only that port and protocol", () => {
    const m = model(ingressPorts([{ port: 8080 }]));
    expect(allowed(m, "x/client", "x/server", 8080)).toBe(true);
    expect(allowed(m, "x/client", "x/server", 8081)).toBe(false);
  });

  it("endPort admits the inclusive range", () => {
    const m = model(ingressPorts([{ port: 8000, endPort: 8080 }]));
    expect(allowed(m, "x/client", "x/server", 8000)).toBe(true);
    expect(allowed(m, "x/client", "x/server", 8080)).toBe(true);
    expect(allowed(m, "x/client", "x/server", 8081)).toBe(false);
    expect(allowed(m, "x/client", "x/server", 7999)).toBe(false);
  });

  it("a protocol without port admits every port of that protocol", () => {
    const m = model(ingressPorts([{ protocol: "UDP" }]));
    expect(allowed(m, "x/client", "x/server", 12345, "UDP")).toBe(true);
    expect(allowed(m, "x/client", "x/server", 12345, "TCP")).toBe(false);
  });

  it("a named port resolves against the destination pod: name, number and protocol", () => {
    const m = model(ingressPorts([{ port: "http" }, { port: "dns", protocol: "UDP" }]));
    expect(allowed(m, "x/client", "x/server", 8080)).toBe(true);
    expect(allowed(m, "x/client", "x/server", 80)).toBe(false);
    expect(allowed(m, "x/client", "x/server", 53, "UDP")).toBe(true);
    expect(allowed(m, "x/client", "x/server", 53, "TCP")).toBe(false);
  });

  it("a named port with the wrong protocol matches nothing (still isolates)", () => {
    const m = model(ingressPorts([{ port: "sctp", protocol: "UDP" }]));
    expect(allowed(m, "x/client", "x/server", 9999, "UDP")).toBe(false);
    expect(allowed(m, "x/client", "x/server", 9999, "SCTP")).toBe(false);
  });

  it("named ports in egress rules resolve against the destination pod", () => {
    const m = model([
      ...web,
      policy("x/p", {
        podSelector: { matchLabels: { pod: "client" } },
        policyTypes: ["Egress"],
        egress: [{ ports: [{ port: "http" }] }],
      }),
    ]);
    expect(allowed(m, "x/client", "x/server", 8080)).toBe(true);
    expect(allowed(m, "x/client", "x/server", 80)).toBe(false);
    expect(allowed(m, "x/client", "1.1.1.1", 8080)).toBe(false); // no container ports outside the cluster
  });

  it("SCTP is not TCP", () => {
    const m = model(ingressPorts([{ port: 9999, protocol: "SCTP" }]));
    expect(allowed(m, "x/client", "x/server", 9999, "SCTP")).toBe(true);
    expect(allowed(m, "x/client", "x/server", 9999, "TCP")).toBe(false);
  });
});

describe("implementation-defined corners", () => {
  const hosts = [
    namespace("x"),
    {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n1" },
      status: { addresses: [{ type: "InternalIP", address: "192.168.0.1" }] },
    },
    {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n2" },
      status: { addresses: [{ type: "InternalIP", address: "192.168.0.2" }] },
    },
    pod("x/server", { ip: "10.0.0.2", node: "n1" }),
    pod("x/host-same", { hostNetwork: true, node: "n1" }),
    pod("x/host-other", { hostNetwork: true, node: "n2" }),
    pod("x/client", { ip: "10.0.0.3", node: "n2" }),
    policy("x/deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
  ];

  it("a hostNetwork pod on the destination's node is that node: always allowed", () => {
    const m = model(hosts);
    expect(allowed(m, "x/host-same", "x/server")).toBe(true);
    expect(allowed(m, "x/host-other", "x/server")).toBe(false);
  });

  it("hostNetwork pods are never selected: their traffic is not restricted", () => {
    const m = model(hosts);
    expect(allowed(m, "x/host-other", "x/host-same")).toBe(true);
    expect(allowed(m, "x/client", "x/host-same")).toBe(false); // the client's egress is isolated
  });

  it("an ipBlock matches a hostNetwork pod by its node IP", () => {
    const m = model([
      ...hosts,
      policy("x/from-n2", {
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: "192.168.0.2/32" } }] }],
      }),
    ]);
    expect(allowed(m, "x/host-other", "x/server")).toBe(true);
  });

  it("a pod always reaches itself", () => {
    const m = model(hosts);
    expect(allowed(m, "x/server", "x/server")).toBe(true);
  });
});
