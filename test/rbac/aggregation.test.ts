import { describe, expect, it } from "vitest";
import { aggregateClusterRoles } from "../../src/rbac/aggregation.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { buildPolicy } from "../../src/rbac/policy.js";
import { clusterRole, rbacSnapshot } from "./fixtures.js";

const read = (resource: string) => ({ verbs: ["get"], apiGroups: [""], resources: [resource] });
const rulesOf = (roles: ReturnType<typeof aggregateClusterRoles>["clusterRoles"], name: string) =>
  roles.find((r) => r.metadata.name === name)!.rules;

describe("aggregateClusterRoles (clusterroleaggregation controller)", () => {
  it("replaces the aggregating role's own rules with the selected roles' rules, in name order", () => {
    const { clusterRoles } = aggregateClusterRoles([
      clusterRole("agg", [read("own")], { selectors: [{ matchLabels: { a: "1" } }] }),
      clusterRole("zeta", [read("z")], { labels: { a: "1" } }),
      clusterRole("alpha", [read("a")], { labels: { a: "1" } }),
      clusterRole("other", [read("o")]),
    ]);
    expect(rulesOf(clusterRoles, "agg")).toEqual([read("a"), read("z")]);
  });

  it("keeps the role's own rules when its selectors select none (v1.21+: an apply without rules takes none away)", () => {
    const { clusterRoles } = aggregateClusterRoles([
      clusterRole("agg", [read("own")], {
        selectors: [{ matchLabels: { a: "1" } }],
        labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" },
      }),
      clusterRole("unlabelled", [read("u")]),
      clusterRole("empty", [], { labels: { a: "1" } }),
    ]);
    expect(rulesOf(clusterRoles, "agg")).toEqual([read("own")]);
    const policy = buildPolicy(withBuiltinRbac(rbacSnapshot({ clusterRoles })));
    expect(policy.clusterRoles.get("view")!.rules).toContainEqual(read("own"));
  });

  it("drops exact duplicates (nil and empty lists equal) but keeps reordered ones", () => {
    const { clusterRoles } = aggregateClusterRoles([
      clusterRole("agg", [], { selectors: [{ matchLabels: { a: "1" } }] }),
      clusterRole("x", [{ ...read("p"), resourceNames: [] }], { labels: { a: "1" } }),
      clusterRole("y", [read("p"), { verbs: ["get"], apiGroups: [""], resources: ["q", "p"] }], {
        labels: { a: "1" },
      }),
    ]);
    expect(rulesOf(clusterRoles, "agg")).toHaveLength(2);
  });

  it("settles nested aggregation to the fixed point, and never selects the role itself", () => {
    const { clusterRoles, converged } = aggregateClusterRoles([
      clusterRole("top", [], { selectors: [{ matchLabels: { lvl: "mid" } }], labels: { lvl: "mid" } }),
      clusterRole("mid", [], { selectors: [{ matchLabels: { lvl: "base" } }], labels: { lvl: "mid" } }),
      clusterRole("base", [read("b")], { labels: { lvl: "base" } }),
    ]);
    expect(converged).toBe(true);
    expect(rulesOf(clusterRoles, "top")).toEqual([read("b")]);
  });

  it("leaves a role with an invalid selector as it is", () => {
    const { clusterRoles, invalid } = aggregateClusterRoles([
      clusterRole("bad", [read("x")], {
        selectors: [{ matchExpressions: [{ key: "a", operator: "In", values: [] }] }],
      }),
    ]);
    expect(invalid.map((i) => i.name)).toEqual(["bad"]);
    expect(rulesOf(clusterRoles, "bad")).toEqual([read("x")]);
  });

  it("an aggregate-to-view ClusterRole flows into view, edit and admin of the built-in RBAC", () => {
    const snapshot = withBuiltinRbac(
      rbacSnapshot({
        clusterRoles: [
          clusterRole("widgets", [read("widgets")], {
            labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" },
          }),
        ],
      }),
    );
    const policy = buildPolicy(snapshot);
    for (const name of ["view", "edit", "admin"])
      expect(policy.clusterRoles.get(name)!.rules).toContainEqual(read("widgets"));
    expect(policy.clusterRoles.get("cluster-admin")!.rules).not.toContainEqual(read("widgets"));
  });
});
