import { describe, expect, it } from "vitest";
import { admissionResponse, decide } from "../../src/webhook/decide.js";
import { fixtureContext, pod, request } from "./helpers.js";

const privileged = pod("team-a", {
  hostNetwork: true,
  containers: [{ name: "app", image: "nginx", securityContext: { privileged: true } }],
});

describe("decide", () => {
  it("denies a breaking pod of a tenant with 403, naming the guardrail", () => {
    const decision = decide(request({ object: privileged }), fixtureContext());
    expect(decision.allowed).toBe(false);
    expect(decision.status?.code).toBe(403);
    expect(decision.status?.reason).toBe("Forbidden");
    expect(decision.status?.message).toMatch(/^\[kubefence:pod-security\] /);
    expect(decision.tenant).toBe("team-a");
  });

  it("lets platform administrators from the tenants file pass without running guardrails", () => {
    const decision = decide(request({ object: privileged, user: "ops-admin" }), fixtureContext());
    expect(decision).toMatchObject({ allowed: true, skipped: "platform-user", outcomes: [] });
  });

  it("lets system:masters pass (the default administrators)", () => {
    const decision = decide(
      request({ object: privileged, user: "root", groups: ["system:masters"] }),
      fixtureContext(),
    );
    expect(decision.skipped).toBe("platform-user");
  });

  it("lets service accounts of platform namespaces pass", () => {
    const decision = decide(
      request({ object: privileged, user: "system:serviceaccount:kube-system:replicaset-controller" }),
      fixtureContext(),
    );
    expect(decision.skipped).toBe("platform-user");
  });

  it("lets control-plane components that authenticate as themselves pass", () => {
    const decision = decide(
      request({ object: privileged, user: "system:kube-controller-manager" }),
      fixtureContext(),
    );
    expect(decision.skipped).toBe("platform-user");
  });

  it("does not run guardrails on objects in platform namespaces", () => {
    const decision = decide(request({ object: pod("kube-system", { hostNetwork: true }) }), fixtureContext());
    expect(decision).toMatchObject({ allowed: true, skipped: "platform-namespace" });
  });

  it("does not look at subresources (status, binding, eviction…)", () => {
    const decision = decide(
      request({ object: privileged, subResource: "status", operation: "UPDATE", oldObject: privileged }),
      fixtureContext(),
    );
    expect(decision.skipped).toBe("subresource");
  });

  it("ignores kinds no guardrail looks at, and same-named kinds of other API groups", () => {
    const configMap = request({ object: pod("team-a") });
    configMap.kind = { group: "", version: "v1", kind: "ConfigMap" };
    expect(decide(configMap, fixtureContext()).skipped).toBe("not-guarded");
    const foreignRole = request({ object: pod("team-a") });
    foreignRole.kind = { group: "example.com", version: "v1", kind: "Pod" };
    expect(decide(foreignRole, fixtureContext()).skipped).toBe("not-guarded");
  });

  it("warn mode allows and returns the guardrail's message as a warning", () => {
    const decision = decide(
      request({ object: privileged }),
      fixtureContext({ modes: "guardrails: {pod-security: warn}" }),
    );
    expect(decision.allowed).toBe(true);
    expect(decision.warnings).toHaveLength(1);
    expect(decision.warnings[0]).toMatch(
      /^\[kubefence:pod-security\] pods "web" is forbidden: violates PodSecurity "baseline:latest"/,
    );
    expect(decision.outcomes).toContainEqual(
      expect.objectContaining({ id: "pod-security", mode: "warn", allowed: false }),
    );
  });

  it("audit mode allows silently and records an audit annotation", () => {
    const decision = decide(
      request({ object: privileged }),
      fixtureContext({ modes: "guardrails: {pod-security: audit}" }),
    );
    expect(decision.allowed).toBe(true);
    expect(decision.warnings).toEqual([]);
    expect(Object.keys(decision.auditAnnotations)).toEqual(["pod-security"]);
  });

  it("answers 400 for an object that does not match its kind's schema", () => {
    const broken = pod("team-a", { containers: "nginx" });
    const decision = decide(request({ object: broken }), fixtureContext());
    expect(decision.allowed).toBe(false);
    expect(decision.status).toMatchObject({ code: 400, reason: "BadRequest" });
    expect(decision.status?.message).toMatch(
      /^\[kubefence\] cannot read the Pod: Pod "web": spec.containers must be array/,
    );
  });

  it("admissionResponse carries the uid, status, warnings and audit annotations", () => {
    const r = request({ object: privileged });
    const response = admissionResponse(r.uid, decide(r, fixtureContext()));
    expect(response.uid).toBe(r.uid);
    expect(response.allowed).toBe(false);
    expect(response.status?.code).toBe(403);
    expect(response.warnings).toBeUndefined();
  });
});
