/** Peers: a workload and the pods it owns are one peer; templates stand in for workloads without pods. */
import { describe, expect, it } from "vitest";
import { model, namespace, policy } from "./support.js";

const deployment = (
  ns: string,
  name: string,
  labels: Record<string, string>,
  extra: Record<string, unknown> = {},
) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: ns },
  spec: {
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: [{ name: "c", image: "i", ports: [{ name: "http", containerPort: 8080 }] }],
        ...extra,
      },
    },
  },
});

describe("peers", () => {
  it("a Deployment without pods is analysed from its template", () => {
    const m = model([
      namespace("shop"),
      deployment("shop", "web", { app: "web" }),
      deployment("shop", "db", { app: "db" }),
    ]);
    expect(m.peers.map((p) => p.name)).toEqual(["shop/web[Deployment]", "shop/db[Deployment]"]);
    expect(m.connections("workload").map((c) => `${c.src} => ${c.dst} : ${c.conns}`)).toContain(
      "shop/web[Deployment] => shop/db[Deployment] : All Connections",
    );
  });

  it("pods owned through a ReplicaSet belong to the Deployment's peer", () => {
    const m = model([
      namespace("shop"),
      deployment("shop", "web", { app: "web" }),
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: "web-5d4f8b-abcde",
          namespace: "shop",
          labels: { app: "web" },
          ownerReferences: [
            { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-5d4f8b", uid: "1", controller: true },
          ],
        },
        spec: { containers: [{ name: "c", image: "i" }] },
        status: { podIP: "10.1.0.5" },
      },
    ]);
    expect(m.peers.map((p) => [p.name, p.units.map((u) => u.name)])).toEqual([
      ["shop/web[Deployment]", ["shop/web-5d4f8b-abcde[Pod]"]],
    ]);
  });

  it("bare pods matching a workload's selector join it", () => {
    const m = model([
      namespace("shop"),
      deployment("shop", "web", { app: "web" }),
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web-1", namespace: "shop", labels: { app: "web" } },
        spec: { containers: [{ name: "c", image: "i" }] },
      },
    ]);
    expect(m.peers.map((p) => p.name)).toEqual(["shop/web[Deployment]"]);
  });

  it("pods without an IP get distinct synthetic ones from the pod CIDR", () => {
    const m = model([
      namespace("shop"),
      deployment("shop", "a", { app: "a" }),
      deployment("shop", "b", { app: "b" }),
    ]);
    const ips = m.units.map((u) => u.ipText);
    expect(new Set(ips).size).toBe(2);
    expect(ips.every((ip) => ip.startsWith("10.244."))).toBe(true);
    expect(m.units.every((u) => u.syntheticIP)).toBe(true);
  });

  it("workload-level netmap honours named ports of templates", () => {
    const m = model([
      namespace("shop"),
      deployment("shop", "web", { app: "web" }),
      deployment("shop", "db", { app: "db" }),
      policy("shop/db-from-web", {
        podSelector: { matchLabels: { app: "db" } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ port: "http" }] }],
      }),
    ]);
    const lines = m.connections("workload").map((c) => `${c.src} => ${c.dst} : ${c.conns}`);
    expect(lines).toContain("shop/web[Deployment] => shop/db[Deployment] : TCP 8080");
    expect(lines.some((l) => l.includes("[External] => shop/db[Deployment]"))).toBe(false);
    expect(lines).toContain("0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections");
  });

  it("external ranges split at policy CIDRs and merge when they agree", () => {
    const m = model([
      namespace("shop"),
      deployment("shop", "web", { app: "web" }),
      policy("shop/egress", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }], ports: [{ port: 443 }] },
        ],
      }),
    ]);
    const lines = m.connections("workload").map((c) => `${c.src} => ${c.dst} : ${c.conns}`);
    expect(lines).toEqual([
      "0.0.0.0-255.255.255.255[External] => shop/web[Deployment] : All Connections",
      "shop/web[Deployment] => 0.0.0.0-9.255.255.255[External] : TCP 443",
      "shop/web[Deployment] => 11.0.0.0-255.255.255.255[External] : TCP 443",
    ]);
  });
});

describe("pods named by their controller", () => {
  const pod = (name: string, labels: Record<string, string>, owner?: { kind: string; name: string }) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "shop",
      labels,
      ...(owner
        ? {
            ownerReferences: [
              { apiVersion: "apps/v1", ...owner, uid: `uid-${owner.name}`, controller: true },
            ],
          }
        : {}),
    },
    spec: { containers: [{ name: "c", image: "i" }] },
  });

  it("a controller the input does not hold names its pods, as the live cluster shows them", () => {
    const m = model([
      namespace("shop"),
      pod("web-5d4f8b-a", { app: "web" }, { kind: "ReplicaSet", name: "web-5d4f8b" }),
      pod("web-5d4f8b-b", { app: "web" }, { kind: "ReplicaSet", name: "web-5d4f8b" }),
      pod(
        "agent-x1",
        { app: "agent", "controller-revision-hash": "1" },
        { kind: "DaemonSet", name: "agent" },
      ),
      pod(
        "agent-x2",
        { app: "agent", "controller-revision-hash": "2" },
        { kind: "DaemonSet", name: "agent" },
      ),
      pod("bare", { app: "bare" }),
    ]);
    expect(m.peers.map((p) => [p.name, p.units.map((u) => u.name)])).toEqual([
      ["shop/web-5d4f8b[ReplicaSet]", ["shop/web-5d4f8b-a[Pod]", "shop/web-5d4f8b-b[Pod]"]],
      ["shop/agent[DaemonSet]", ["shop/agent-x1[Pod]", "shop/agent-x2[Pod]"]],
      ["shop/bare[Pod]", ["shop/bare[Pod]"]],
    ]);
    // Revision labels differ among a DaemonSet's pods by design: no warning.
    expect(m.diagnostics).toEqual([]);
  });

  it("a static pod (owned by its Node) keeps its own name", () => {
    const m = model([
      namespace("shop"),
      {
        ...pod("etcd-node1", { component: "etcd" }),
        metadata: {
          name: "etcd-node1",
          namespace: "shop",
          labels: { component: "etcd" },
          ownerReferences: [{ apiVersion: "v1", kind: "Node", name: "node1", uid: "n1", controller: true }],
        },
      },
    ]);
    expect(m.peers.map((p) => p.name)).toEqual(["shop/etcd-node1[Pod]"]);
  });

  it("pods of one controller whose labels differ get a warning, and each is judged by its own", () => {
    const m = model([
      namespace("shop"),
      policy("shop/only-blue", { podSelector: { matchLabels: { color: "blue" } }, policyTypes: ["Ingress"] }),
      pod("web-a", { app: "web", color: "blue" }, { kind: "ReplicaSet", name: "web-rs" }),
      pod("web-b", { app: "web", color: "green" }, { kind: "ReplicaSet", name: "web-rs" }),
    ]);
    expect(m.peers.map((p) => p.name)).toEqual(["shop/web-rs[ReplicaSet]"]);
    const pairs = m.connections("pod").map((c) => `${c.src} => ${c.dst}`);
    expect(pairs).toContain("shop/web-a[Pod] => shop/web-b[Pod]");
    expect(pairs).not.toContain("shop/web-b[Pod] => shop/web-a[Pod]");
    expect(m.diagnostics.map((d) => [d.severity, d.message])).toEqual([
      [
        "warning",
        "the pods of shop/web-rs[ReplicaSet] do not all have the same labels (shop/web-a[Pod] and shop/web-b[Pod] differ): each is judged by its own labels, and reported as shop/web-rs[ReplicaSet]",
      ],
    ]);
  });

  it("pods of one controller differing only in per-pod labels get no warning; an extra label gets one", () => {
    const owner = { kind: "ReplicaSet", name: "web-rs" };
    const warnings = (b: Record<string, string>) =>
      model([
        namespace("shop"),
        pod(
          "web-a",
          { app: "web", "pod-template-hash": "abc", "statefulset.kubernetes.io/pod-name": "a" },
          owner,
        ),
        pod("web-b", b, owner),
      ]).diagnostics.filter((d) => d.severity === "warning").length;
    expect(warnings({ "pod-template-hash": "xyz", app: "web" })).toBe(0);
    expect(warnings({ app: "web", tier: "front" })).toBe(1);
    expect(warnings({ app: "api" })).toBe(1);
    expect(warnings({})).toBe(1);
  });
});
