import { describe, expect, it } from "vitest";
import type { Pod } from "../../../src/model/objects.js";
import { decide } from "../../../src/webhook/decide.js";
import { isSignificantPodUpdate } from "../../../src/webhook/guardrails/pod-security.js";
import { fixtureContext, pod, request, restrictedPod } from "../helpers.js";

const hostNetwork = pod("team-a", { hostNetwork: true });

describe("pod-security guardrail", () => {
  it("denies a pod above its tenant's level with the exact Pod Security Admission message", () => {
    const decision = decide(request({ object: hostNetwork }), fixtureContext());
    expect(decision.status?.message).toBe(
      '[kubefence:pod-security] pods "web" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true); to comply: change the pod spec to meet Pod Security "baseline:latest" (https://kubernetes.io/docs/concepts/security/pod-security-standards/), or ask a platform administrator to change tenant "team-a"\'s podSecurity level',
    );
  });

  it("allows a pod within the tenant's level", () => {
    expect(decide(request({ object: pod("team-a") }), fixtureContext()).allowed).toBe(true);
  });

  it("uses each tenant's own level: restricted for team-b, privileged for team-c", () => {
    const b = decide(request({ object: pod("team-b"), user: "bob" }), fixtureContext());
    expect(b.status?.message).toContain(
      'violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
    );
    expect(decide(request({ object: restrictedPod("team-b"), user: "bob" }), fixtureContext()).allowed).toBe(
      true,
    );
    expect(
      decide(request({ object: pod("team-c", { hostNetwork: true }), user: "carol" }), fixtureContext())
        .allowed,
    ).toBe(true);
  });

  it("without a tenants file every namespace is a tenant at baseline", () => {
    const decision = decide(
      request({ object: pod("anything", { hostPID: true }), user: "someone" }),
      fixtureContext({ tenants: false }),
    );
    expect(decision.status?.message).toContain(
      'violates PodSecurity "baseline:latest": host namespaces (hostPID=true)',
    );
  });

  it("judges the pod template of every pod controller, CronJob included", () => {
    const template = {
      metadata: { labels: { app: "x" } },
      spec: { hostIPC: true, containers: [{ name: "c", image: "busybox" }] },
    };
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d", namespace: "team-a" },
      spec: { selector: { matchLabels: { app: "x" } }, template },
    };
    const cronJob = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "c", namespace: "team-a" },
      spec: { schedule: "* * * * *", jobTemplate: { spec: { template } } },
    };
    expect(decide(request({ object: deployment }), fixtureContext()).status?.message).toContain(
      'the pod template of Deployment "d": violates PodSecurity "baseline:latest": host namespaces (hostIPC=true)',
    );
    expect(decide(request({ object: cronJob }), fixtureContext()).status?.message).toContain(
      'the pod template of CronJob "c": violates PodSecurity',
    );
  });

  it("a stricter namespace enforce label wins over the tenant's level", () => {
    // team-b's namespace says restricted; its tenant says restricted too — use team-a with a label instead.
    const context = fixtureContext();
    context.namespaceNamed("team-a")!.metadata.labels!["pod-security.kubernetes.io/enforce"] = "restricted";
    try {
      expect(decide(request({ object: pod("team-a") }), context).status?.message).toContain(
        '"restricted:latest"',
      );
    } finally {
      delete context.namespaceNamed("team-a")!.metadata.labels!["pod-security.kubernetes.io/enforce"];
    }
  });

  it("re-judges a pod update only when it is significant (an image changes), as upstream", () => {
    const before = hostNetwork;
    const labelsOnly = { ...hostNetwork, metadata: { name: "web", namespace: "team-a", labels: { a: "b" } } };
    expect(
      decide(request({ operation: "UPDATE", object: labelsOnly, oldObject: before }), fixtureContext())
        .allowed,
    ).toBe(true);
    const newImage = pod("team-a", { hostNetwork: true, containers: [{ name: "app", image: "nginx:2" }] });
    expect(
      decide(request({ operation: "UPDATE", object: newImage, oldObject: before }), fixtureContext()).allowed,
    ).toBe(false);
  });

  it("lets controllers update a workload whose pod template they do not touch (e.g. one that predates the webhook)", () => {
    const deployment = (replicas: number, hostPID: boolean) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "old", namespace: "team-a" },
      spec: {
        replicas,
        selector: { matchLabels: { app: "x" } },
        template: {
          metadata: { labels: { app: "x" } },
          spec: { hostPID, containers: [{ name: "c", image: "x" }] },
        },
      },
    });
    const scaled = request({
      operation: "UPDATE",
      object: deployment(3, true),
      oldObject: deployment(1, true),
    });
    expect(decide(scaled, fixtureContext()).allowed).toBe(true);
    const changed = request({
      operation: "UPDATE",
      object: deployment(1, true),
      oldObject: deployment(1, false),
    });
    expect(decide(changed, fixtureContext()).allowed).toBe(false);
  });

  it.each([
    ["same images", [{ name: "a", image: "x" }], [{ name: "a", image: "x" }], false],
    ["image changed", [{ name: "a", image: "y" }], [{ name: "a", image: "x" }], true],
    [
      "container added",
      [
        { name: "a", image: "x" },
        { name: "b", image: "x" },
      ],
      [{ name: "a", image: "x" }],
      true,
    ],
  ])("isSignificantPodUpdate: %s", (_, now, old, expected) => {
    const make = (containers: unknown) =>
      ({ kind: "Pod", metadata: { name: "p", namespace: "n" }, spec: { containers } }) as Pod;
    expect(isSignificantPodUpdate(make(now), make(old))).toBe(expected);
  });
});

describe("node-escape guardrail", () => {
  const socket = {
    volumes: [{ name: "sock", hostPath: { path: "/var/run/docker.sock" } }],
    containers: [
      { name: "app", image: "docker", volumeMounts: [{ name: "sock", mountPath: "/var/run/docker.sock" }] },
    ],
  };

  it("denies a runtime socket even to a tenant at privileged, naming the field", () => {
    const decision = decide(request({ object: pod("team-c", socket), user: "carol" }), fixtureContext());
    expect(decision.status?.message).toContain(
      '[kubefence:node-escape] Pod "web" could escape to the node, which every tenant shares: spec.volumes[0].hostPath.path=/var/run/docker.sock',
    );
  });

  it("denies SYS_ADMIN and a writable hostPath / in a privileged tenant's Deployment", () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "agent", namespace: "team-c" },
      spec: {
        selector: { matchLabels: { app: "a" } },
        template: {
          metadata: { labels: { app: "a" } },
          spec: {
            volumes: [{ name: "root", hostPath: { path: "/" } }],
            containers: [
              {
                name: "a",
                image: "x",
                securityContext: { capabilities: { add: ["SYS_ADMIN"] } },
                volumeMounts: [{ name: "root", mountPath: "/host" }],
              },
            ],
          },
        },
      },
    };
    const message =
      decide(request({ object: deployment, user: "carol" }), fixtureContext()).status?.message ?? "";
    expect(message).toContain(
      "spec.template.spec.containers[0].securityContext.capabilities.add[0]=SYS_ADMIN",
    );
    expect(message).toContain("spec.template.spec.volumes[0].hostPath.path=/");
  });

  it("allows privileged containers and host namespaces to a privileged tenant", () => {
    const p = pod("team-c", {
      hostNetwork: true,
      containers: [{ name: "a", image: "x", securityContext: { privileged: true } }],
    });
    expect(decide(request({ object: p, user: "carol" }), fixtureContext()).allowed).toBe(true);
  });

  it("leaves baseline tenants to the pod-security guardrail (no duplicate message)", () => {
    const decision = decide(request({ object: pod("team-a", socket) }), fixtureContext());
    expect(decision.outcomes.filter((o) => !o.allowed).map((o) => o.id)).toEqual(["pod-security"]);
  });
});
