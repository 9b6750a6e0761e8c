import { describe, expect, it } from "vitest";
import { resolveType } from "../../src/rbac/resources.js";

describe("resolveType (kubectl's RESTMapper for can-i)", () => {
  it.each([
    ["pods", "pods", ""],
    ["pod", "pods", ""],
    ["po", "pods", ""],
    ["PODS", "pods", ""],
    ["deploy", "deployments", "apps"],
    ["deployment.apps", "deployments", "apps"],
    ["deployments.v1.apps", "deployments", "apps"],
    ["rolebinding", "rolebindings", "rbac.authorization.k8s.io"],
    ["events", "events", ""],
    ["ing", "ingresses", "networking.k8s.io"],
    ["ingresses.extensions", "ingresses", "extensions"],
    ["netpol", "networkpolicies", "networking.k8s.io"],
    ["cj", "cronjobs", "batch"],
    ["vac", "volumeattributesclasses", "storage.k8s.io"],
    ["clustertrustbundle", "clustertrustbundles", "certificates.k8s.io"],
    ["psp", "podsecuritypolicies", "policy"],
    ["*", "*", ""],
  ])("%s → %s in %j", (argument, resource, group) => {
    expect(resolveType(argument)).toMatchObject({ resource, group, warnings: [] });
  });

  it("passes unknown types through verbatim in the core group, with kubectl's warning", () => {
    expect(resolveType("Widgets")).toEqual({
      resource: "Widgets",
      group: "",
      warnings: ["the server doesn't have a resource type 'widgets'"],
    });
    expect(resolveType("pods.apps").warnings).toEqual([
      "the server doesn't have a resource type 'pods' in group 'apps'",
    ]);
    expect(resolveType("users").warnings).toEqual([]);
    // The API server declares no short names for RBAC resources, so kubectl does not know `rb` either.
    expect(resolveType("rb").warnings).toEqual(["the server doesn't have a resource type 'rb'"]);
  });
});
