import { describe, expect, it } from "vitest";
import { decide } from "../../../src/webhook/decide.js";
import { fixtureContext, request } from "../helpers.js";

const service = (namespace: string, spec: Record<string, unknown>) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace },
  spec: { ports: [{ port: 80 }], ...spec },
});

describe("service-exposure guardrail", () => {
  it("denies NodePort, LoadBalancer and externalIPs by default, saying which setting allows them", () => {
    const message = decide(request({ object: service("team-a", { type: "NodePort" }) }), fixtureContext())
      .status?.message;
    expect(message).toBe(
      '[kubefence:service-exposure] Service "web": type NodePort opens a port on every node, which tenant "team-a" may not do; to comply: use type ClusterIP without externalIPs (expose it through the platform\'s ingress), or ask a platform administrator to set services.nodePort: true for tenant "team-a" in the tenants file',
    );
    expect(
      decide(request({ object: service("team-a", { type: "LoadBalancer" }) }), fixtureContext()).allowed,
    ).toBe(false);
    expect(
      decide(request({ object: service("team-a", { externalIPs: ["1.2.3.4"] }) }), fixtureContext()).status
        ?.message,
    ).toContain("externalIPs 1.2.3.4 would capture traffic to those addresses cluster-wide");
  });

  it("allows what the tenant's services setting allows, and ClusterIP always", () => {
    expect(
      decide(request({ object: service("team-b", { type: "NodePort" }), user: "bob" }), fixtureContext())
        .allowed,
    ).toBe(true);
    expect(
      decide(request({ object: service("team-b", { type: "LoadBalancer" }), user: "bob" }), fixtureContext())
        .allowed,
    ).toBe(false);
    expect(decide(request({ object: service("team-a", {}) }), fixtureContext()).allowed).toBe(true);
  });

  it("without a tenants file, no tenant may expose node ports", () => {
    expect(
      decide(
        request({ object: service("shop", { type: "NodePort" }), user: "x" }),
        fixtureContext({ tenants: false }),
      ).allowed,
    ).toBe(false);
  });
});
