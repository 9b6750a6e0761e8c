import { describe, expect, it } from "vitest";
import { loadDemo } from "../../src/sources/demo.js";
import { parseTenantConfig } from "../../src/sources/tenants-file.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";

const { snapshot } = loadDemo();

describe("resolveTenants", () => {
  it("by default makes each namespace a tenant and kube-* the platform", () => {
    const { tenancy } = resolveTenants(snapshot, { from: "namespace" });
    expect(tenancy.tenants.map((t) => [t.name, t.namespaces])).toEqual([
      ["platform", ["kube-system"]],
      ["default", ["default"]],
      ["network", ["network"]],
      ["test-namespace", ["test-namespace"]],
    ]);
  });

  it("the CLI's default groups namespaces by the kubefence.io/tenant label tenant init writes (team-a and team-a-dev are one tenant), and says so", () => {
    const labelled = structuredClone(snapshot);
    for (const ns of labelled.namespaces)
      if (ns.metadata.name === "network" || ns.metadata.name === "test-namespace")
        ns.metadata.labels = { ...ns.metadata.labels, "kubefence.io/tenant": "web" };
    const { tenancy, diagnostics } = resolveTenants(labelled, { from: "namespace", byTenantLabel: true });
    expect(tenancy.tenants.map((t) => [t.name, t.namespaces])).toEqual([
      ["platform", ["kube-system"]],
      ["default", ["default"]],
      ["web", ["network", "test-namespace"]],
    ]);
    // Without byTenantLabel (the webhook's default), a label does not decide.
    expect(resolveTenants(labelled, { from: "namespace" }).tenancy.tenants).toHaveLength(4);
    expect(diagnostics.map((d) => d.message)).toEqual([
      "2 namespaces name their tenant with the kubefence.io/tenant label (as kubefence tenant init writes it): grouped by it; every other namespace is a tenant of its own",
    ]);
  });

  it("groups namespaces by a label; unlabelled namespaces stay tenants of their own", () => {
    const labelled = structuredClone(snapshot);
    for (const ns of labelled.namespaces)
      if (ns.metadata.name === "network" || ns.metadata.name === "test-namespace")
        ns.metadata.labels = { ...ns.metadata.labels, team: "web" };
    const { tenancy } = resolveTenants(labelled, { from: "label", key: "team" });
    expect(tenancy.tenants.map((t) => [t.name, t.namespaces])).toEqual([
      ["platform", ["kube-system"]],
      ["default", ["default"]],
      ["web", ["network", "test-namespace"]],
    ]);
  });

  it("takes tenants from the file, reports unknown and unclaimed namespaces, and never lets a tenant claim the platform", () => {
    const { config } = parseTenantConfig(
      "kind: TenantConfig\ntenants:\n  - name: web\n    namespaces: [network, test-namespace, kube-system, missing]\n",
      "t.yaml",
    );
    const { tenancy, diagnostics } = resolveTenants(snapshot, { from: "file", config: config! });
    expect(tenancy.tenantOf.get("network")).toBe("web");
    expect(tenancy.tenantOf.get("kube-system")).toBe("platform");
    expect(tenancy.tenantOf.get("default")).toBe("default");
    expect(diagnostics.map((d) => d.message)).toEqual([
      'tenant "web": namespace "missing" is not in the cluster',
      'namespace "kube-system" is claimed by tenant "web" but already belongs to the platform; it stays with the platform',
      'namespace "default" belongs to no tenant in the tenants file; it is analysed as a tenant of its own',
    ]);
  });
});
