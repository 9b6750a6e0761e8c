import { describe, expect, it } from "vitest";
import { DEFAULT_QUOTA, manifestErrors, tenantManifests } from "../../src/tenancy/guardrails.js";

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

  it("creates an owner ServiceAccount of the tenant's namespaces, in its namespace, and none of another's", () => {
    const written = tenantManifests({
      name: "team-b",
      namespaces: ["team-b", "team-b-dev"],
      owners: [
        { kind: "ServiceAccount", namespace: "team-b", name: "deployer" },
        { kind: "ServiceAccount", namespace: "ci", name: "pipeline" },
      ],
      level: "baseline",
      version: "latest",
      quota: DEFAULT_QUOTA,
    }) as Manifest[];
    const accounts = written.filter((m) => m.kind === "ServiceAccount");
    expect(accounts.map((m) => `${m.metadata.namespace}/${m.metadata.name}`)).toEqual(["team-b/deployer"]);
    expect(accounts[0]!.metadata.labels["kubefence.io/tenant"]).toBe("team-b");
    // Before the binding that names it, after the Namespace it lives in.
    const order = written.map((m) => `${m.kind}/${m.metadata.namespace ?? ""}/${m.metadata.name}`);
    expect(order.indexOf("ServiceAccount/team-b/deployer")).toBeLessThan(
      order.indexOf("RoleBinding/team-b/team-b-owners"),
    );
    expect(order.indexOf("Namespace//team-b")).toBeLessThan(order.indexOf("ServiceAccount/team-b/deployer"));
  });

  it("forbids NodePorts and LoadBalancers by default", () => {
    const quota = manifests.find((m) => m.kind === "ResourceQuota") as unknown as {
      spec: { hard: Record<string, string> };
    };
    expect(quota.spec.hard["services.nodeports"]).toBe("0");
    expect(quota.spec.hard["services.loadbalancers"]).toBe("0");
  });
});

describe("manifestErrors", () => {
  const namespace = (labels: Record<string, string>) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "team-a", labels },
  });

  it("accepts every manifest tenantManifests writes for valid input", () => {
    const written = tenantManifests({
      name: "team-a",
      namespaces: ["team-a", "team-a-dev"],
      owners: [
        { kind: "User", name: "alice@example.com" },
        { kind: "ServiceAccount", namespace: "team-a", name: "deployer" },
      ],
      level: "restricted",
      version: "v1.30",
      quota: { ...DEFAULT_QUOTA, "requests.nvidia.com/gpu": "2", "hugepages-2Mi": "1Gi" },
    });
    expect(manifestErrors(written)).toEqual([]);
  });

  it("judges a relabelled Namespace as an update: Pod Security errors the old labels had already are let through", () => {
    const before = { "pod-security.kubernetes.io/audit": "strict" };
    const after = { ...before, "kubefence.io/tenant": "team-a" };
    const refusal =
      'Namespace "team-a" is invalid: metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "strict": must be one of privileged, baseline, restricted';
    expect(manifestErrors([namespace(after)])).toEqual([refusal]);
    expect(
      manifestErrors([namespace(after)], { existingNamespaceLabels: new Map([["team-a", before]]) }),
    ).toEqual([]);
    // A different error than before is judged again.
    const changed = { ...after, "pod-security.kubernetes.io/audit": "stricter" };
    expect(
      manifestErrors([namespace(changed)], { existingNamespaceLabels: new Map([["team-a", before]]) }),
    ).toHaveLength(1);
  });

  it("does not judge the objects of a refused Namespace again", () => {
    const written = tenantManifests({
      name: "team-a",
      namespaces: ["Team_A"],
      owners: [],
      level: "baseline",
      version: "latest",
      quota: { pods: "lots" },
    });
    expect(manifestErrors(written)).toHaveLength(1);
  });

  it("names RBAC objects as path segments, not DNS subdomains", () => {
    const binding = (name: string) => ({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name, namespace: "team-a" },
      subjects: [],
    });
    expect(manifestErrors([binding("Team_A-owners")])).toEqual([]);
    expect(manifestErrors([binding("a/b")])).toEqual([
      'RoleBinding.rbac.authorization.k8s.io "a/b" is invalid: metadata.name: Invalid value: "a/b": may not contain \'/\'',
    ]);
  });
});
