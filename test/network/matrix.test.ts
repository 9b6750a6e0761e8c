/** The namespace matrix: full / partial / none / n/a, exactly. */
import { describe, expect, it } from "vitest";
import { generateCluster, SIZES } from "../../bench/generate.js";
import { analyzeNetwork } from "../../src/network/model.js";
import { model, namespace, pod, policy } from "./support.js";

const cluster = (ports: unknown[]) => [
  namespace("x"),
  namespace("y"),
  pod("x/a", { ip: "10.0.0.1" }),
  pod("x/b", { ip: "10.0.0.2" }),
  pod("y/a", { ip: "10.0.1.1" }),
  policy("y/ports", { podSelector: {}, ingress: [{ ports }] }),
];

function status(objects: unknown[], from: string, to: string) {
  const m = model(objects).namespaceMatrix();
  return m.status(m.namespaces.indexOf(from), m.namespaces.indexOf(to));
}

describe("namespaceMatrix", () => {
  it("port-restricted entries that add up to every protocol and port make a pair full", () => {
    const all = [{ protocol: "TCP" }, { protocol: "UDP" }, { protocol: "SCTP" }];
    expect(status(cluster(all), "x", "y")).toBe("full");
    expect(status(cluster([{ protocol: "TCP" }, { protocol: "UDP" }]), "x", "y")).toBe("partial");
    expect(
      status(cluster([{ port: 1, endPort: 65535 }, { protocol: "UDP" }, { protocol: "SCTP" }]), "x", "y"),
    ).toBe("full");
  });

  it("none when nothing is allowed; n/a for a single pod with itself; full inside an open namespace", () => {
    const objects = cluster([{ port: 80 }]).concat(
      policy("y/deny", { podSelector: {}, policyTypes: ["Ingress"] }),
    );
    expect(
      status(
        [...objects.slice(0, 5), policy("y/deny", { podSelector: {}, policyTypes: ["Ingress"] })],
        "x",
        "y",
      ),
    ).toBe("none");
    expect(status(objects, "y", "y")).toBe("n/a");
    expect(status(objects, "x", "x")).toBe("full");
    expect(status(objects, "x", "y")).toBe("partial");
  });

  it("lists as connected exactly the namespaces whose status is full or partial, on a generated cluster", () => {
    const m = analyzeNetwork(generateCluster(SIZES.small)).namespaceMatrix();
    let connected = 0;
    for (let i = 0; i < m.namespaces.length; i++) {
      const listed = [...m.connected(i)];
      const expected = m.namespaces
        .map((_, j) => j)
        .filter((j) => m.status(i, j) === "full" || m.status(i, j) === "partial");
      expect(listed, m.namespaces[i]).toEqual(expected);
      connected += listed.length;
    }
    // Some rows connect to some namespaces and not to others: the test tells the two apart.
    expect(connected).toBeGreaterThan(0);
    expect(connected).toBeLessThan(m.namespaces.length ** 2);
  });
});

describe("firstConnections", () => {
  /** Every (a, b) of the model: the batch answers exactly what firstConnection answers pair by pair. */
  function expectAgreement(m: ReturnType<typeof analyzeNetwork>): number {
    const all = m.table.namespaces.map((ns) => ns.index);
    let examples = 0;
    for (const a of all) {
      const batch = m.firstConnections(a, all);
      for (const b of all) {
        const one = m.firstConnection(a, b);
        const got = batch.get(b);
        expect(
          got && { src: got.src.name, dst: got.dst.name, conns: String(got.conns) },
          `${a} → ${b}`,
        ).toEqual(one && { src: one.src.name, dst: one.dst.name, conns: String(one.conns) });
        if (one) examples++;
      }
      // Asked for part of the namespaces only, it answers only for those.
      expect([...m.firstConnections(a, all.slice(1)).keys()].every((b) => b !== 0)).toBe(true);
    }
    return examples;
  }

  it("agrees with firstConnection on a generated cluster", () => {
    const examples = expectAgreement(analyzeNetwork(generateCluster(SIZES.small)));
    expect(examples).toBeGreaterThan(0);
  });

  it("agrees with firstConnection where only the node-local exemption connects", () => {
    // x's hostNetwork pod on n1 reaches y's pods on n1 by the exemption only; y isolates itself for ingress.
    const m = model([
      namespace("x"),
      namespace("y"),
      namespace("z"),
      pod("x/plain", { ip: "10.0.0.1", node: "n2" }),
      pod("x/host", { ip: "10.0.0.2", node: "n1", hostNetwork: true }),
      pod("y/a", { ip: "10.0.1.1", node: "n2" }),
      pod("y/b", { ip: "10.0.1.2", node: "n1" }),
      pod("z/a", { ip: "10.0.2.1", node: "n1" }),
      policy("y/deny", { podSelector: {}, policyTypes: ["Ingress"] }),
    ]);
    const x = m.table.namespaces.find((ns) => ns.name === "x")!.index;
    const y = m.table.namespaces.find((ns) => ns.name === "y")!.index;
    expect(m.firstConnection(x, y)?.dst.name).toBe("y/b[Pod]");
    expect(expectAgreement(m)).toBeGreaterThan(2);
  });
});
