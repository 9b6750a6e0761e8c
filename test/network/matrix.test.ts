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
