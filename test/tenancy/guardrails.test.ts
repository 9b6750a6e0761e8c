import { describe, expect, it } from "vitest";
import { DEFAULT_QUOTA, tenantManifests } from "../../src/tenancy/guardrails.js";

type Manifest = {
  kind: string;
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
};

describe("tenantManifests", () => {
  const manifests = tenantManifests({
    name: "team-a",
    namespaces: ["team-a", "team-a-dev"],
    owners: [{ kind: "User", name: "alice" }],
    level: "restricted",
    version: "v1.30",
    quota: DEFAULT_QUOTA,
  }) as Manifest[];

  it("labels each namespace with the tenant and enforces its Pod Security level at the pinned version", () => {
    const expected = {
      "kubefence.io/tenant": "team-a",
      "kubefence.io/managed": "true",
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "v1.30",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "v1.30",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "v1.30",
    };
    expect(manifests.filter((m) => m.kind === "Namespace").map((n) => n.metadata.labels)).toEqual([
      expected,
      expected,
    ]);
  });

  it("writes per namespace: owners' admin RoleBinding, deny-all, allow-within-tenant, allow-DNS, quota and limits", () => {
    const perNamespace = manifests
      .filter((m) => m.metadata.namespace === "team-a-dev")
      .map((m) => `${m.kind}/${m.metadata.name}`);
    expect(perNamespace).toEqual([
      "RoleBinding/team-a-owners",
      "NetworkPolicy/default-deny-all",
      "NetworkPolicy/allow-within-tenant-team-a",
      "NetworkPolicy/allow-dns",
      "ResourceQuota/team-a-quota",
      "LimitRange/team-a-limits",
    ]);
  });

  it("forbids NodePorts and LoadBalancers by default", () => {
    const quota = manifests.find((m) => m.kind === "ResourceQuota") as unknown as {
      spec: { hard: Record<string, string> };
    };
    expect(quota.spec.hard["services.nodeports"]).toBe("0");
    expect(quota.spec.hard["services.loadbalancers"]).toBe("0");
  });
});
