import { describe, expect, it } from "vitest";
import { decide } from "../../../src/webhook/decide.js";
import { fixtureContext, request } from "../helpers.js";

const managed = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: {
    name: "default-deny-all",
    namespace: "team-a",
    labels: { "kubefence.io/managed": "true", "kubefence.io/tenant": "team-a" },
  },
  spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
};
const ingressFrom = (from: unknown[] | undefined, namespace = "team-a") => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "allow", namespace },
  spec: { podSelector: {}, ingress: [from === undefined ? {} : { from }] },
});

describe("network-policy-managed guardrail", () => {
  it("denies deleting a kubefence-managed policy", () => {
    const decision = decide(request({ operation: "DELETE", oldObject: managed }), fixtureContext());
    expect(decision.status?.message).toContain(
      '[kubefence:network-policy-managed] NetworkPolicy "default-deny-all" in namespace "team-a" is managed by kubefence (kubefence.io/managed=true) and may not be deleted',
    );
  });

  it("allows the deletion while the namespace itself is being deleted", () => {
    const context = fixtureContext();
    context.namespaceNamed("team-a")!.status = { phase: "Terminating" };
    expect(decide(request({ operation: "DELETE", oldObject: managed }), context).allowed).toBe(true);
  });

  it("denies changing its spec or removing its label, allows other label changes", () => {
    const widened = { ...managed, spec: { podSelector: {}, policyTypes: ["Egress"] } };
    expect(
      decide(request({ operation: "UPDATE", object: widened, oldObject: managed }), fixtureContext()).status
        ?.message,
    ).toContain("its spec may not be changed");
    const unlabelled = { ...managed, metadata: { ...managed.metadata, labels: {} } };
    expect(
      decide(request({ operation: "UPDATE", object: unlabelled, oldObject: managed }), fixtureContext())
        .status?.message,
    ).toContain("label may not be removed");
    const relabelled = {
      ...managed,
      metadata: { ...managed.metadata, labels: { ...managed.metadata.labels, note: "x" } },
    };
    expect(
      decide(request({ operation: "UPDATE", object: relabelled, oldObject: managed }), fixtureContext())
        .allowed,
    ).toBe(true);
  });

  it("ignores policies kubefence does not manage", () => {
    const own = { ...managed, metadata: { name: "mine", namespace: "team-a" } };
    expect(decide(request({ operation: "DELETE", oldObject: own }), fixtureContext()).allowed).toBe(true);
  });
});

describe("network-policy-cross-tenant guardrail", () => {
  it("denies a rule without from (every namespace)", () => {
    expect(decide(request({ object: ingressFrom(undefined) }), fixtureContext()).status?.message).toContain(
      'ingress[0] has no "from", so it admits traffic from every namespace and every tenant',
    );
  });

  it("denies namespaceSelector {}", () => {
    expect(
      decide(request({ object: ingressFrom([{ namespaceSelector: {} }]) }), fixtureContext()).status?.message,
    ).toContain("ingress[0].from[0] has namespaceSelector {}, which admits every namespace and every tenant");
  });

  it("denies selecting another tenant's namespaces, naming the tenant", () => {
    const policy = ingressFrom([{ namespaceSelector: { matchLabels: { "kubefence.io/tenant": "team-b" } } }]);
    expect(decide(request({ object: policy }), fixtureContext()).status?.message).toContain(
      'ingress[0].from[0] (namespaceSelector kubefence.io/tenant=team-b) admits namespaces of tenant "team-b"',
    );
  });

  it("allows the tenant's own namespaces, the platform and tenants in allowFrom", () => {
    const context = fixtureContext();
    const own = ingressFrom([
      { namespaceSelector: { matchLabels: { "kubefence.io/tenant": "team-a" } } },
      { podSelector: {} },
    ]);
    expect(decide(request({ object: own }), context).allowed).toBe(true);
    const platform = ingressFrom([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
    ]);
    expect(decide(request({ object: platform }), context).allowed).toBe(true);
    const allowed = ingressFrom([
      { namespaceSelector: { matchLabels: { "kubefence.io/tenant": "team-c" } } },
    ]);
    expect(decide(request({ object: allowed }), context).allowed).toBe(true);
    // allowFrom is one-way: team-c does not accept team-a.
    const reverse = ingressFrom(
      [{ namespaceSelector: { matchLabels: { "kubefence.io/tenant": "team-a" } } }],
      "team-c",
    );
    expect(decide(request({ object: reverse, user: "carol" }), context).allowed).toBe(false);
  });

  it("allows ipBlock peers with a warning", () => {
    const decision = decide(
      request({ object: ingressFrom([{ ipBlock: { cidr: "10.0.0.0/8" } }]) }),
      fixtureContext(),
    );
    expect(decision.allowed).toBe(true);
    expect(decision.warnings).toEqual([
      'NetworkPolicy "allow" ingress[0].from[0]: ipBlock 10.0.0.0/8 may match pod IPs of other tenants, depending on the network plugin',
    ]);
  });

  it("ignores ingress rules of an egress-only policy", () => {
    const egress = {
      ...ingressFrom(undefined),
      spec: { podSelector: {}, policyTypes: ["Egress"], ingress: [{}] },
    };
    expect(decide(request({ object: egress }), fixtureContext()).allowed).toBe(true);
  });
});
