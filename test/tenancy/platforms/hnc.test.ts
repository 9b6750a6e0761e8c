import { describe, expect, it } from "vitest";
import { hierarchyOf } from "../../../src/tenancy/platforms/hnc.js";
import { resolveTenants } from "../../../src/tenancy/tenants.js";
import { example, snapshotOf } from "./support.js";

describe("--tenants-from hnc", () => {
  it("makes each root namespace and its descendants one tenant", () => {
    const { tenancy, diagnostics } = resolveTenants(example("hnc"), { from: "platform", platforms: ["hnc"] });
    expect(tenancy.tenants.map((t) => [t.name, t.namespaces, t.from?.platform])).toEqual([
      ["acme", ["acme", "acme-dev", "acme-team"], "hnc"],
      ["beta", ["beta", "beta-ci"], "hnc"],
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual(["tenants from HNC (2 tenants: acme, beta)"]);
  });

  it("finds a parent from the HierarchyConfiguration, else the SubnamespaceAnchor, else the depth-1 tree label", () => {
    const snapshot = snapshotOf(`
apiVersion: v1
kind: Namespace
metadata: {name: root}
---
apiVersion: v1
kind: Namespace
metadata: {name: by-config}
---
apiVersion: hnc.x-k8s.io/v1alpha2
kind: HierarchyConfiguration
metadata: {name: hierarchy, namespace: by-config}
spec: {parent: root}
---
apiVersion: v1
kind: Namespace
metadata: {name: by-anchor}
---
apiVersion: hnc.x-k8s.io/v1alpha2
kind: SubnamespaceAnchor
metadata: {name: by-anchor, namespace: by-config}
---
apiVersion: v1
kind: Namespace
metadata:
  name: by-labels
  labels: {by-labels.tree.hnc.x-k8s.io/depth: "0", by-anchor.tree.hnc.x-k8s.io/depth: "1", by-config.tree.hnc.x-k8s.io/depth: "2", root.tree.hnc.x-k8s.io/depth: "3"}
---
apiVersion: v1
kind: Namespace
metadata: {name: loner}
`);
    const { hierarchy } = hierarchyOf(snapshot);
    expect(Object.fromEntries(hierarchy.parentOf)).toEqual({
      "by-config": "root",
      "by-anchor": "by-config",
      "by-labels": "by-anchor",
    });
    expect(["by-config", "by-anchor", "by-labels"].map(hierarchy.rootOf)).toEqual(["root", "root", "root"]);
    const { tenancy } = resolveTenants(snapshot, { from: "platform", platforms: ["hnc"] });
    expect(tenancy.tenants.map((t) => [t.name, t.namespaces, t.from?.platform])).toEqual([
      ["loner", ["loner"], undefined],
      ["root", ["by-anchor", "by-config", "by-labels", "root"], "hnc"],
    ]);
  });

  it("breaks a cycle of parents instead of looping, and says so", () => {
    const snapshot = snapshotOf(`
apiVersion: hnc.x-k8s.io/v1alpha2
kind: HierarchyConfiguration
metadata: {name: hierarchy, namespace: a}
spec: {parent: b}
---
apiVersion: hnc.x-k8s.io/v1alpha2
kind: HierarchyConfiguration
metadata: {name: hierarchy, namespace: b}
spec: {parent: a}
`);
    const { tenancy, diagnostics } = resolveTenants(snapshot, { from: "platform", platforms: ["hnc"] });
    expect(tenancy.tenants.map((t) => [t.name, t.namespaces])).toEqual([
      ["a", ["a"]],
      ["b", ["b"]],
    ]);
    expect(diagnostics.filter((d) => d.severity === "warning").map((d) => d.message)).toEqual([
      'HNC hierarchy of namespace "a" has a cycle (a → b → a); "a" is taken as its own root',
      'HNC hierarchy of namespace "b" has a cycle (b → a → b); "b" is taken as its own root',
    ]);
  });
});
