import { describe, expect, it } from "vitest";
import { nonResourceAttributes, resourceAttributes } from "../../src/rbac/attributes.js";
import {
  apiGroupMatches,
  nonResourceURLMatches,
  resourceMatches,
  resourceNameMatches,
  ruleAllows,
  verbMatches,
} from "../../src/rbac/matchers.js";

const user = { name: "u", groups: [] };

describe("verbMatches", () => {
  it.each([
    [["get"], "get", true, "exact verb"],
    [["*"], "escalate", true, "* matches every verb"],
    [["get", "list"], "list", true, "any listed verb"],
    [["GET"], "get", false, "case-sensitive"],
    [[], "get", false, "no verbs match nothing"],
    [["get"], "", false, "empty request verb"],
  ])("%j vs %s → %s (%s)", (verbs, verb, expected) => {
    expect(verbMatches({ verbs }, verb)).toBe(expected);
  });
});

describe("apiGroupMatches", () => {
  it.each([
    [[""], "", true, "core group is the empty string"],
    [["apps"], "apps", true, "exact group"],
    [["*"], "batch", true, "* matches every group"],
    [["apps"], "", false, "core is not apps"],
    [[""], "apps", false, "apps is not core"],
    [undefined, "", false, "absent apiGroups match nothing"],
    [["Apps"], "apps", false, "case-sensitive"],
  ] as [string[] | undefined, string, boolean, string][])(
    "%j vs %j → %s (%s)",
    (apiGroups, group, expected) => {
      expect(apiGroupMatches({ verbs: [], apiGroups }, group)).toBe(expected);
    },
  );
});

describe("resourceMatches", () => {
  it.each([
    [["pods"], "pods", "", true, "exact resource"],
    [["pods"], "pods/log", "log", false, "a resource does not cover its subresources"],
    [["pods/log"], "pods", "", false, "a subresource does not cover its resource"],
    [["pods/log"], "pods/log", "log", true, "exact subresource"],
    [["*"], "pods/exec", "exec", true, "* covers subresources"],
    [["*"], "pods", "", true, "* covers resources"],
    [["*/scale"], "deployments/scale", "scale", true, "*/scale covers scale of any resource"],
    [["*/scale"], "anything/scale", "scale", true, "*/scale on an unknown resource"],
    [["*/scale"], "deployments", "", false, "*/scale is not the resource"],
    [["*/scale"], "deployments/status", "status", false, "*/scale is only scale"],
    [["pods/*"], "pods/log", "log", false, "pods/* is NOT a wildcard"],
    [["pods/*"], "pods/*", "*", true, "pods/* matches the literal subresource *"],
    [["*/*"], "pods/log", "log", false, "*/* is NOT a wildcard"],
    [["Pods"], "pods", "", false, "case-sensitive"],
    [["xx/scale"], "deployments/scale", "scale", false, "only the * prefix is special"],
  ])("%j vs %s → %s (%s)", (resources, combined, sub, expected) => {
    expect(resourceMatches({ verbs: [], resources }, combined, sub)).toBe(expected);
  });
});

describe("resourceNameMatches", () => {
  it.each([
    [undefined, "", true, "no resourceNames: every request, named or not"],
    [[], "web", true, "empty resourceNames: every name"],
    [["web"], "web", true, "listed name"],
    [["web"], "db", false, "unlisted name"],
    [["web"], "", false, "a name-restricted rule never allows an unnamed request (create, list)"],
    [[""], "", true, "the empty name literally listed matches unnamed requests"],
    [["Web"], "web", false, "case-sensitive"],
  ] as [string[] | undefined, string, boolean, string][])(
    "%j vs %j → %s (%s)",
    (resourceNames, name, expected) => {
      expect(resourceNameMatches({ verbs: [], resourceNames }, name)).toBe(expected);
    },
  );
});

describe("nonResourceURLMatches", () => {
  it.each([
    [["/healthz"], "/healthz", true, "exact"],
    [["/healthz"], "/healthz/ping", false, "exact only without *"],
    [["*"], "/anything", true, "* matches every path"],
    [["/apis/*"], "/apis/v1", true, "trailing * is a prefix match"],
    [["/apis/*"], "/apis/v1/foo", true, "prefix covers deeper paths"],
    [["/apis/*"], "/apis", false, "/apis/* does not match /apis"],
    [["/api*"], "/apis", true, "plain prefix, not a path-segment match"],
    [["/healthz**"], "/healthzfoo", true, "every trailing * is trimmed"],
    [["/a*b"], "/axb", false, "* only counts at the end"],
    [["/metrics"], "/Metrics", false, "case-sensitive"],
  ])("%j vs %s → %s (%s)", (nonResourceURLs, path, expected) => {
    expect(nonResourceURLMatches({ verbs: [], nonResourceURLs }, path)).toBe(expected);
  });
});

describe("ruleAllows", () => {
  const podReader = { verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] };
  it("allows a resource request when verb, group, resource and name all match", () => {
    expect(ruleAllows(resourceAttributes(user, { verb: "list", resource: "pods" }), podReader)).toBe(true);
  });
  it("denies when any one field does not match", () => {
    expect(ruleAllows(resourceAttributes(user, { verb: "delete", resource: "pods" }), podReader)).toBe(false);
    expect(
      ruleAllows(resourceAttributes(user, { verb: "get", apiGroup: "apps", resource: "pods" }), podReader),
    ).toBe(false);
    expect(
      ruleAllows(resourceAttributes(user, { verb: "get", resource: "pods", subresource: "log" }), podReader),
    ).toBe(false);
  });
  it("never matches a resource request with a nonResourceURL rule, nor the reverse", () => {
    const urls = { verbs: ["*"], nonResourceURLs: ["*"] };
    expect(ruleAllows(resourceAttributes(user, { verb: "get", resource: "pods" }), urls)).toBe(false);
    expect(ruleAllows(nonResourceAttributes(user, "get", "/healthz"), podReader)).toBe(false);
    expect(ruleAllows(nonResourceAttributes(user, "get", "/healthz"), urls)).toBe(true);
  });
  it("create on a collection carries no name, so resourceNames can never allow it", () => {
    const named = { ...podReader, verbs: ["create"], resourceNames: ["web"] };
    expect(ruleAllows(resourceAttributes(user, { verb: "create", resource: "pods" }), named)).toBe(false);
    expect(
      ruleAllows(resourceAttributes(user, { verb: "create", resource: "pods", name: "web" }), named),
    ).toBe(true);
  });
});
