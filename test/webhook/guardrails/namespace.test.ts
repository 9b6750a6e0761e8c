import { describe, expect, it } from "vitest";
import { decide } from "../../../src/webhook/decide.js";
import { fixtureContext, request } from "../helpers.js";

const ns = (name: string, labels: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels },
});

describe("namespace-tenant guardrail", () => {
  it("denies relabelling a namespace into another tenant", () => {
    const decision = decide(
      request({
        operation: "UPDATE",
        object: ns("team-a-dev", { "kubefence.io/tenant": "team-b" }),
        oldObject: ns("team-a-dev", { "kubefence.io/tenant": "team-a" }),
      }),
      fixtureContext(),
    );
    expect(decision.status?.message).toContain(
      '[kubefence:namespace-tenant] label "kubefence.io/tenant" of namespace "team-a-dev" may not change (from "team-a" to "team-b")',
    );
  });

  it("denies a label change that moves the namespace by the tenants file's selector", () => {
    // team-a is selected by kubefence.io/tenant; removing the label moves it to a tenant of its own.
    const context = fixtureContext();
    const decision = decide(
      request({
        operation: "UPDATE",
        object: ns("team-a-dev", {}),
        oldObject: ns("team-a-dev", { "kubefence.io/tenant": "team-a" }),
      }),
      context,
    );
    expect(decision.allowed).toBe(false);
  });

  it("webhook selector escape: denies a namespace whose kubernetes.io/metadata.name label is not its name", () => {
    // On a server older than v1.21 the label is an ordinary one; relabelled kube-system, the namespace would
    // leave the webhook's namespaceSelector. A create is refused the same way.
    for (const operation of ["UPDATE", "CREATE"] as const) {
      const decision = decide(
        request({
          operation,
          object: ns("team-a", {
            "kubefence.io/tenant": "team-a",
            "kubernetes.io/metadata.name": "kube-system",
          }),
          ...(operation === "UPDATE"
            ? {
                oldObject: ns("team-a", {
                  "kubefence.io/tenant": "team-a",
                  "kubernetes.io/metadata.name": "team-a",
                }),
              }
            : {}),
        }),
        fixtureContext(),
      );
      expect(decision.allowed, operation).toBe(false);
      expect(decision.status?.message).toContain(
        '[kubefence:namespace-tenant] label "kubernetes.io/metadata.name" of namespace "team-a" must be "team-a", not "kube-system"',
      );
    }
    const kept = decide(
      request({
        operation: "UPDATE",
        object: ns("team-a", {
          "kubefence.io/tenant": "team-a",
          "kubernetes.io/metadata.name": "team-a",
          env: "x",
        }),
        oldObject: ns("team-a", { "kubefence.io/tenant": "team-a", "kubernetes.io/metadata.name": "team-a" }),
      }),
      fixtureContext(),
    );
    expect(kept.allowed).toBe(true);
  });

  it("allows label changes that keep the tenant", () => {
    const decision = decide(
      request({
        operation: "UPDATE",
        object: ns("team-a", { "kubefence.io/tenant": "team-a", env: "prod" }),
        oldObject: ns("team-a", { "kubefence.io/tenant": "team-a" }),
      }),
      fixtureContext(),
    );
    expect(decision.allowed).toBe(true);
  });

  it("denies creating a namespace inside another tenant or the platform", () => {
    expect(
      decide(
        request({ object: ns("sneaky", { "kubefence.io/tenant": "team-a" }), user: "carol" }),
        fixtureContext(),
      ).status?.message,
    ).toContain('namespace "sneaky" would belong to tenant "team-a", not to tenant "team-c"');
    expect(
      decide(request({ object: ns("sneaky", { "kubefence.io/tenant": "team-b" }) }), fixtureContext()).status
        ?.message,
    ).toContain(
      'namespace "sneaky" would carry kubefence.io/tenant=team-b, naming a tenant you do not belong to',
    );
    expect(decide(request({ object: ns("ingress-nginx", {}) }), fixtureContext()).status?.message).toContain(
      "would belong to the platform",
    );
  });

  it("allows a tenant owner to create a namespace in its own tenant, or a new namespace of no tenant", () => {
    expect(
      decide(request({ object: ns("team-a-qa", { "kubefence.io/tenant": "team-a" }) }), fixtureContext())
        .allowed,
    ).toBe(true);
    expect(decide(request({ object: ns("scratch", {}) }), fixtureContext()).allowed).toBe(true);
  });
});

describe("namespace-pod-security guardrail", () => {
  const labels = (level: string, version?: string) => ({
    "kubefence.io/tenant": "team-b",
    "pod-security.kubernetes.io/enforce": level,
    ...(version ? { "pod-security.kubernetes.io/enforce-version": version } : {}),
  });
  const update = (now: Record<string, string>, old: Record<string, string>) =>
    decide(
      request({ operation: "UPDATE", user: "bob", object: ns("team-b", now), oldObject: ns("team-b", old) }),
      fixtureContext(),
    );

  it.each([
    [
      "lowering the level",
      labels("baseline"),
      labels("restricted"),
      'enforce from "restricted:latest" to "baseline:latest"',
    ],
    [
      "removing the label",
      { "kubefence.io/tenant": "team-b" },
      labels("restricted"),
      'enforce from "restricted:latest" to "privileged:latest"',
    ],
    [
      "pinning an older version",
      labels("restricted", "v1.20"),
      labels("restricted"),
      'enforce from "restricted:latest" to "restricted:v1.20"',
    ],
  ])("denies %s", (_, now, old, expected) => {
    const decision = update(now, old);
    expect(decision.status?.message).toContain(
      `[kubefence:namespace-pod-security] this change would weaken the Pod Security policy of namespace "team-b": ${expected}`,
    );
  });

  it.each([
    ["raising the level", labels("restricted"), labels("baseline")],
    ["moving to a newer version", labels("restricted", "v1.25"), labels("restricted", "v1.20")],
    ["unrelated labels", { ...labels("restricted"), team: "b" }, labels("restricted")],
  ])("allows %s", (_, now, old) => {
    expect(update(now, old).allowed).toBe(true);
  });
});
