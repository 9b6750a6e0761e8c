import { describe, expect, it } from "vitest";
import { impersonatedUser, serviceAccountUser } from "../../src/rbac/attributes.js";
import { appliesTo, appliesToUser, describeSubject } from "../../src/rbac/subjects.js";
import { group, sa, user } from "./fixtures.js";

const alice = { name: "alice", groups: ["dev", "system:authenticated"] };
const robot = serviceAccountUser("ns1", "robot");

describe("appliesToUser (rule.go)", () => {
  it.each([
    [user("alice"), alice, "", true, "User by exact name"],
    [user("Alice"), alice, "", false, "User names are case-sensitive"],
    [user("*"), alice, "", false, "User * is not a wildcard"],
    [group("dev"), alice, "", true, "Group the user is in"],
    [group("ops"), alice, "", false, "Group the user is not in"],
    [group("*"), alice, "", false, "Group * is not a wildcard"],
    [sa("robot", "ns1"), robot, "", true, "ServiceAccount with namespace in a ClusterRoleBinding"],
    [sa("robot"), robot, "", false, "namespace-less ServiceAccount in a ClusterRoleBinding matches nothing"],
    [sa("robot"), robot, "ns1", true, "namespace-less ServiceAccount takes the RoleBinding's namespace"],
    [sa("robot"), robot, "ns2", false, "…and only that namespace"],
    [sa("robot", "ns1"), robot, "ns2", true, "an explicit namespace wins over the binding's"],
    [
      user("system:serviceaccount:ns1:robot"),
      robot,
      "",
      true,
      "a User subject with the SA's username matches it",
    ],
    [{ kind: "Robot", name: "alice" }, alice, "", false, "unknown kinds match nothing"],
  ])("%j → %s (%s)", (subject, info, namespace, expected) => {
    expect(appliesToUser(info, subject, namespace)).toBe(expected);
  });

  it("a ServiceAccount's permissions also flow from its groups", () => {
    expect(appliesToUser(robot, group("system:serviceaccounts"), "")).toBe(true);
    expect(appliesToUser(robot, group("system:serviceaccounts:ns1"), "")).toBe(true);
    expect(appliesToUser(robot, group("system:authenticated"), "")).toBe(true);
  });

  it("appliesTo returns the first matching subject", () => {
    expect(appliesTo(alice, [user("bob"), group("dev"), user("alice")], "")).toBe(1);
    expect(appliesTo(alice, [user("bob")], "")).toBe(-1);
    expect(appliesTo(alice, undefined, "")).toBe(-1);
  });
});

describe("describeSubject", () => {
  it("prints ServiceAccounts as name/namespace, defaulting to the binding namespace", () => {
    expect(describeSubject(sa("robot", "ns1"), "x")).toBe('ServiceAccount "robot/ns1"');
    expect(describeSubject(sa("robot"), "ns2")).toBe('ServiceAccount "robot/ns2"');
    expect(describeSubject(group("system:masters"), "")).toBe('Group "system:masters"');
  });
});

describe("impersonatedUser (kubectl --as)", () => {
  it("adds system:authenticated, as impersonation does", () => {
    expect(impersonatedUser("bob")).toEqual({ name: "bob", groups: ["system:authenticated"] });
    expect(impersonatedUser("bob", ["dev"])).toEqual({
      name: "bob",
      groups: ["dev", "system:authenticated"],
    });
    expect(impersonatedUser("bob", ["system:authenticated"]).groups).toEqual(["system:authenticated"]);
    expect(impersonatedUser("bob", ["system:unauthenticated"]).groups).toEqual(["system:unauthenticated"]);
  });
  it("gives a service account username its fixed groups when none are given", () => {
    expect(impersonatedUser("system:serviceaccount:ns1:robot").groups).toEqual([
      "system:serviceaccounts",
      "system:serviceaccounts:ns1",
      "system:authenticated",
    ]);
  });
  it("puts system:anonymous in system:unauthenticated", () => {
    expect(impersonatedUser("system:anonymous").groups).toEqual(["system:unauthenticated"]);
  });
});
