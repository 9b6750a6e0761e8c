import { describe, expect, it } from "vitest";
import type { LabelSelector } from "../../src/model/objects.js";
import { compileSelector, selectorFromMap, selectorOrNothing } from "../../src/model/selector.js";

type Op = "In" | "NotIn" | "Exists" | "DoesNotExist";
const expr = (key: string, operator: Op, values?: string[]) => ({ key, operator, values });

function matches(selector: LabelSelector | null | undefined, labels: Record<string, string> | undefined) {
  const result = compileSelector(selector);
  if (!result.ok) throw new Error(result.error);
  return result.selector.matches(labels);
}

describe("compileSelector: nil, empty and the operators (metav1.LabelSelectorAsSelector)", () => {
  // [reason, selector, labels, expected]
  const cases: [string, LabelSelector | null | undefined, Record<string, string> | undefined, boolean][] = [
    ["absent (nil) selects nothing", undefined, { app: "a" }, false],
    ["null selects nothing", null, {}, false],
    ["{} selects everything", {}, { app: "a" }, true],
    ["{} selects objects without labels too", {}, undefined, true],
    ["empty matchLabels and matchExpressions are {}", { matchLabels: {}, matchExpressions: [] }, {}, true],
    ["matchLabels: equal value matches", { matchLabels: { app: "a" } }, { app: "a", x: "y" }, true],
    ["matchLabels: other value does not", { matchLabels: { app: "a" } }, { app: "b" }, false],
    ["matchLabels: missing key does not", { matchLabels: { app: "a" } }, {}, false],
    [
      "matchLabels: the empty value matches only the empty value",
      { matchLabels: { app: "" } },
      { app: "" },
      true,
    ],
    ["matchLabels: the empty value does not match a missing key", { matchLabels: { app: "" } }, {}, false],
    ["matchLabels: every pair must hold", { matchLabels: { a: "1", b: "2" } }, { a: "1" }, false],
    [
      "In: a listed value matches",
      { matchExpressions: [expr("env", "In", ["dev", "ci"])] },
      { env: "ci" },
      true,
    ],
    [
      "In: an unlisted value does not",
      { matchExpressions: [expr("env", "In", ["dev"])] },
      { env: "prod" },
      false,
    ],
    ["In: a missing key does not", { matchExpressions: [expr("env", "In", ["dev"])] }, {}, false],
    [
      "NotIn: an unlisted value matches",
      { matchExpressions: [expr("env", "NotIn", ["prod"])] },
      { env: "dev" },
      true,
    ],
    [
      "NotIn: a listed value does not",
      { matchExpressions: [expr("env", "NotIn", ["prod"])] },
      { env: "prod" },
      false,
    ],
    ["NotIn: a missing key matches", { matchExpressions: [expr("env", "NotIn", ["prod"])] }, {}, true],
    [
      "Exists: present key matches, any value",
      { matchExpressions: [expr("env", "Exists")] },
      { env: "" },
      true,
    ],
    ["Exists: missing key does not", { matchExpressions: [expr("env", "Exists")] }, { other: "x" }, false],
    ["DoesNotExist: missing key matches", { matchExpressions: [expr("env", "DoesNotExist")] }, {}, true],
    [
      "DoesNotExist: present key does not",
      { matchExpressions: [expr("env", "DoesNotExist")] },
      { env: "x" },
      false,
    ],
    [
      "DoesNotExist: labels absent altogether match",
      { matchExpressions: [expr("env", "DoesNotExist")] },
      undefined,
      true,
    ],
    [
      "matchLabels and matchExpressions are ANDed",
      { matchLabels: { app: "a" }, matchExpressions: [expr("env", "In", ["dev"])] },
      { app: "a", env: "prod" },
      false,
    ],
    [
      "contradicting requirements select nothing",
      { matchLabels: { app: "a" }, matchExpressions: [expr("app", "NotIn", ["a"])] },
      { app: "a" },
      false,
    ],
  ];
  it.each(cases)("%s", (_reason, selector, labels, expected) => {
    expect(matches(selector, labels)).toBe(expected);
  });

  it("tells nothing and everything apart from ordinary selectors", () => {
    const nothing = selectorOrNothing(undefined);
    const everything = selectorOrNothing({});
    const some = selectorOrNothing({ matchLabels: { a: "b" } });
    expect([nothing.nothing, nothing.everything]).toEqual([true, false]);
    expect([everything.nothing, everything.everything]).toEqual([false, true]);
    expect([some.nothing, some.everything]).toEqual([false, false]);
  });
});

describe("compileSelector: text as apimachinery prints it (Requirement.String, sorted by key)", () => {
  const cases: [string, LabelSelector | undefined, string][] = [
    ["nil", undefined, "<none>"],
    ["{}", {}, ""],
    ["matchLabels print key=value", { matchLabels: { app: "nginx" } }, "app=nginx"],
    ["requirements sort by key", { matchLabels: { z: "1", a: "2" } }, "a=2,z=1"],
    [
      "In with one value keeps its operator",
      { matchExpressions: [expr("tier", "In", ["a"])] },
      "tier in (a)",
    ],
    ["In values are sorted", { matchExpressions: [expr("tier", "In", ["b", "a"])] }, "tier in (a,b)"],
    [
      "duplicate values are printed as given",
      { matchExpressions: [expr("tier", "In", ["b", "a", "b"])] },
      "tier in (a,b,b)",
    ],
    ["NotIn", { matchExpressions: [expr("tier", "NotIn", ["x"])] }, "tier notin (x)"],
    ["Exists is the bare key", { matchExpressions: [expr("tier", "Exists")] }, "tier"],
    ["DoesNotExist is !key", { matchExpressions: [expr("legacy", "DoesNotExist")] }, "!legacy"],
    [
      "mixed",
      {
        matchLabels: { app: "nginx" },
        matchExpressions: [expr("tier", "In", ["b", "a"]), expr("legacy", "DoesNotExist")],
      },
      "app=nginx,!legacy,tier in (a,b)",
    ],
  ];
  it.each(cases)("%s", (_reason, selector, text) => {
    expect(selectorOrNothing(selector).text).toBe(text);
  });
});

describe("compileSelector: validation errors, worded as upstream (v1.37 labels.NewRequirement)", () => {
  const nameRegexError =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  const valueRegexError =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  // Each checked against metav1.LabelSelectorAsSelector of apimachinery v0.37.2.
  const cases: [string, LabelSelector, string][] = [
    [
      "In without values: the values as Go's nil slice, null",
      { matchExpressions: [expr("a", "In", [])] },
      "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      "NotIn with values absent",
      { matchExpressions: [expr("a", "NotIn")] },
      "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      "Exists with values: the values as JSON",
      { matchExpressions: [expr("a", "Exists", ["x"])] },
      'values: Invalid value: ["x"]: values set must be empty for exists and does not exist',
    ],
    [
      "DoesNotExist with values, one of them invalid: both errors",
      { matchExpressions: [expr("a", "DoesNotExist", ["x", "b c"])] },
      `[values: Invalid value: ["x","b c"]: values set must be empty for exists and does not exist, values[1][a]: Invalid value: "b c": ${valueRegexError}]`,
    ],
    [
      "unknown operator",
      { matchExpressions: [{ key: "a", operator: "Equals" }] },
      '"Equals" is not a valid label selector operator',
    ],
    [
      "operator is checked before the key",
      { matchExpressions: [{ key: "bad key", operator: "Gt" }] },
      '"Gt" is not a valid label selector operator',
    ],
    [
      "key with a space",
      { matchLabels: { "bad key": "x" } },
      `key: Invalid value: "bad key": name part ${nameRegexError}`,
    ],
    [
      "empty key: its messages joined by '; '",
      { matchExpressions: [expr("", "Exists")] },
      `key: Invalid value: "": name part must be non-empty; name part ${nameRegexError}`,
    ],
    [
      "key longer than 63 bytes",
      { matchLabels: { ["k".repeat(64)]: "x" } },
      `key: Invalid value: "${"k".repeat(64)}": name part must be no more than 63 bytes`,
    ],
    [
      "empty prefix",
      { matchLabels: { "/name": "x" } },
      'key: Invalid value: "/name": prefix part must be non-empty',
    ],
    [
      "upper-case prefix",
      { matchLabels: { "Example.com/name": "x" } },
      `key: Invalid value: "Example.com/name": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
    [
      "two slashes",
      { matchLabels: { "a/b/c": "x" } },
      `key: Invalid value: "a/b/c": a valid label key ${nameRegexError} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    [
      "matchLabels value with a space: at values[0][KEY]",
      { matchLabels: { app: "a b" } },
      `values[0][app]: Invalid value: "a b": ${valueRegexError}`,
    ],
    [
      "In value starting with a dash",
      { matchExpressions: [expr("app", "In", ["ok", "-x"])] },
      `values[1][app]: Invalid value: "-x": ${valueRegexError}`,
    ],
    [
      "value longer than 63 bytes",
      { matchLabels: { app: "v".repeat(64) } },
      `values[0][app]: Invalid value: "${"v".repeat(64)}": must be no more than 63 bytes`,
    ],
    [
      "a bad key and a bad value: both, in brackets",
      { matchExpressions: [expr("k!", "Exists", ["<&>"])] },
      `[key: Invalid value: "k!": name part ${nameRegexError}, values: Invalid value: ["\\u003c\\u0026\\u003e"]: values set must be empty for exists and does not exist, values[0][k!]: Invalid value: "<&>": ${valueRegexError}]`,
    ],
  ];
  it.each(cases)("%s", (_reason, selector, error) => {
    expect(compileSelector(selector)).toEqual({ ok: false, error });
  });

  it("accepts what upstream accepts: prefixed keys, dots, underscores, the empty value, 63 bytes", () => {
    for (const key of ["app", "app.kubernetes.io/name", "a_b-c.d", "k".repeat(63), `${"p".repeat(253)}/n`])
      expect(compileSelector({ matchExpressions: [expr(key, "Exists")] }).ok, key).toBe(true);
    for (const value of ["", "v1", "a_b-c.d", "V".repeat(63)])
      expect(compileSelector({ matchLabels: { app: value } }).ok, value).toBe(true);
  });

  it("selectorOrNothing turns an invalid selector into nothing", () => {
    const selector = selectorOrNothing({ matchExpressions: [expr("a", "In", [])] });
    expect(selector.nothing).toBe(true);
    expect(selector.matches({ a: "x" })).toBe(false);
  });
});

describe("selectorFromMap (Service spec.selector, ReplicationController)", () => {
  it("requires every pair", () => {
    const selector = selectorFromMap({ app: "a", tier: "web" });
    expect(selector.matches({ app: "a", tier: "web", extra: "1" })).toBe(true);
    expect(selector.matches({ app: "a" })).toBe(false);
  });

  it("an absent or empty map is the empty selector: every object", () => {
    // labels.SelectorFromSet(nil) is Everything; callers that need "a Service without selector selects
    // no pods" must check for the absent selector themselves, as the endpoints controller does.
    expect(selectorFromMap(undefined).everything).toBe(true);
    expect(selectorFromMap({}).matches({ any: "x" })).toBe(true);
  });
});

describe("selectors on inherited property names", () => {
  it("a key named like an Object.prototype property is absent unless the object has it", () => {
    const result = compileSelector({ matchExpressions: [{ key: "constructor", operator: "Exists" }] });
    if (!result.ok) throw new Error(result.error);
    expect(result.selector.matches({ app: "web" })).toBe(false);
    expect(result.selector.matches({ constructor: "x" })).toBe(true);
  });
});
