import { describe, expect, it } from "vitest";
import { loadDemo } from "../../../src/sources/demo.js";
import { loadManifests } from "../../../src/sources/manifests.js";
import { resolveTenants } from "../../../src/tenancy/tenants.js";
import { EXAMPLES, example } from "./support.js";

describe("--tenants-from auto and several platforms", () => {
  it("auto takes each platform that defines tenants, and says which", () => {
    const { snapshot } = loadManifests([EXAMPLES]);
    const { tenancy, diagnostics } = resolveTenants(snapshot, { from: "platform", platforms: "auto" });
    expect(tenancy.tenants.filter((t) => !t.platform).map((t) => [t.name, t.from?.platform])).toEqual([
      ["acme", "hnc"],
      ["beta", "hnc"],
      ["gas", "capsule"],
      ["oil", "capsule"],
      ["vc1", "vcluster"],
      ["vc2", "vcluster"],
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      "--tenants-from auto: tenants from Capsule (2 tenants: oil, gas) and HNC (2 tenants: acme, beta) and vcluster (2 tenants: vc1, vc2)",
    ]);
  });

  it("a platform asked for that defines nothing is a warning; its namespaces stay tenants of their own", () => {
    const { tenancy, diagnostics } = resolveTenants(example("hnc"), {
      from: "platform",
      platforms: ["capsule"],
    });
    expect(tenancy.tenants.every((t) => t.from === undefined)).toBe(true);
    expect(diagnostics.map((d) => `${d.severity} ${d.message}`)).toEqual([
      "warning --tenants-from capsule: no Capsule tenant found (no capsule.clastix.io Tenant and no namespace labelled capsule.clastix.io/tenant was read); each namespace is a tenant of its own",
    ]);
    const auto = resolveTenants(example("capsule"), { from: "platform", platforms: ["hnc", "vcluster"] });
    expect(auto.diagnostics.filter((d) => d.severity === "warning")).toHaveLength(2);
  });

  it("auto with no platform in sight says so, and leaves one tenant per namespace", () => {
    const { snapshot } = loadDemo();
    const { tenancy, diagnostics } = resolveTenants(snapshot, { from: "platform", platforms: "auto" });
    expect(tenancy.tenants.map((t) => t.name)).toEqual(["platform", "default", "network", "test-namespace"]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      "--tenants-from auto: no Capsule, HNC or vcluster tenants found; each namespace is a tenant of its own",
    ]);
  });

  it("auto says when a platform's kind could not be listed rather than that the platform is absent", () => {
    const snapshot = structuredClone(example("hnc"));
    snapshot.missingKinds = ["Tenant"];
    const { diagnostics } = resolveTenants(snapshot, { from: "platform", platforms: "auto" });
    expect(diagnostics.map((d) => d.message)).toEqual([
      "Capsule: Tenant could not be read, so whether Capsule defines tenants is unknown",
      "--tenants-from auto: tenants from HNC (2 tenants: acme, beta)",
    ]);
  });
});
