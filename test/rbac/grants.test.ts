import { describe, expect, it } from "vitest";
import { buildAuthorizer } from "../../src/rbac/authorizer.js";
import { grantsFor, namespacesAllowing } from "../../src/rbac/grants.js";
import { loadDemo } from "../../src/sources/demo.js";

const listPods = {
  verb: "list",
  resourceRequest: true,
  apiGroup: "",
  resource: "pods",
  subresource: "",
  name: "",
  path: "",
};

describe("grantsFor / namespacesAllowing", () => {
  const authorizer = buildAuthorizer(loadDemo().snapshot);
  it("bob's ClusterRoleBinding reaches every namespace", () => {
    const bob = grantsFor(authorizer, { name: "bob", groups: ["system:authenticated"] });
    expect(bob.clusterWide).toHaveLength(1);
    expect(namespacesAllowing(bob, listPods)).toBe("*");
  });
  it("alice's RoleBinding reaches test-namespace only", () => {
    const alice = grantsFor(authorizer, { name: "alice", groups: ["system:authenticated"] });
    expect([...alice.namespaces.keys()]).toEqual(["test-namespace"]);
    expect(namespacesAllowing(alice, listPods)).toEqual(["test-namespace"]);
    expect(namespacesAllowing(alice, { ...listPods, verb: "delete" })).toEqual([]);
  });
  it("system:masters reaches everything", () => {
    expect(
      namespacesAllowing(grantsFor(authorizer, { name: "root", groups: ["system:masters"] }), listPods),
    ).toBe("*");
  });
});
