/**
 * Label keys, label values and selectors as the API server validates them, with its messages written out
 * by hand from apimachinery api/validate/content and util/validation (v1.37, and v1.20 where its words
 * differ): the explanation. The proof is test/sources/labels-apiserver.test.ts, which asks the real API
 * server (v1.37).
 */
import { describe, expect, it } from "vitest";
import type { KubeVersion } from "../../src/model/kube-version.js";
import type { LabelSelector } from "../../src/model/objects.js";
import {
  invalidObjectMessage,
  isQualifiedName,
  isValidLabelValue,
  labelSelectorParses,
  labelSelectorValue,
  validateLabelSelector,
  validateLabels,
} from "../../src/model/validation.js";

const V1_20: KubeVersion = { major: 1, minor: 20 };
const V1_37: KubeVersion = { major: 1, minor: 37 };

const x = (n: number) => "x".repeat(n);

const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const PREFIX_PART =
  "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const TWO_SLASHES =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe("isQualifiedName (label keys)", () => {
  it.each([
    ["app", "a plain name"],
    ["example.com/app", "a DNS subdomain prefix"],
    ["App_1.v-2", "upper case, '_', '.' and '-' inside the name"],
    [x(63), "a 63-character name part"],
    [`${x(253)}/a`, "a 253-character prefix"],
  ])("%j is valid: %s", (key) => {
    expect(isQualifiedName(key)).toEqual([]);
  });

  it.each([
    ["bad key", "a space", [NAME_PART]],
    [x(64), "a 64-character name part", ["name part must be no more than 63 bytes"]],
    ["Example.com/app", "a prefix with upper case is not a DNS-1123 subdomain", [PREFIX_PART]],
    ["a_b/app", "a prefix with '_'", [PREFIX_PART]],
    [`${x(254)}/a`, "a 254-character prefix", ["prefix part must be no more than 253 bytes"]],
    ["/app", "an empty prefix", ["prefix part must be non-empty"]],
    ["example.com/", "an empty name part", ["name part must be non-empty", NAME_PART]],
    ["", "the empty key", ["name part must be non-empty", NAME_PART]],
    ["-app", "a name part starting with '-'", [NAME_PART]],
    [
      "é".repeat(32),
      "64 bytes: lengths count bytes, as Go's len()",
      ["name part must be no more than 63 bytes", NAME_PART],
    ],
    ["a/b/c", "two slashes", [`a valid label key ${TWO_SLASHES}`]],
  ])("%j is invalid: %s", (key, _reason, messages) => {
    expect(isQualifiedName(key)).toEqual(messages);
    expect(isQualifiedName(key, V1_37)).toEqual(messages);
  });

  it.each([
    [x(64), "a 64-character name part", ["name part must be no more than 63 characters"]],
    [`${x(254)}/a`, "a 254-character prefix", ["prefix part must be no more than 253 characters"]],
    [
      "é".repeat(32),
      "64 bytes, counted as bytes but called characters",
      ["name part must be no more than 63 characters", NAME_PART],
    ],
    ["a/b/c", "two slashes: a qualified name", [`a qualified name ${TWO_SLASHES}`]],
  ])("v1.20 words %j differently: %s", (key, _reason, messages) => {
    expect(isQualifiedName(key, V1_20)).toEqual(messages);
  });
});

describe("isValidLabelValue", () => {
  it.each([
    ["web", "a plain value"],
    ["", "the empty value"],
    [x(63), "63 characters"],
    ["My_value.v-1", "upper case, '_', '.' and '-' inside"],
  ])("%j is valid: %s", (value) => {
    expect(isValidLabelValue(value)).toEqual([]);
  });

  it.each([
    ["web!", "'!'", [VALUE]],
    ["-web", "starting with '-'", [VALUE]],
    ["web.", "ending with '.'", [VALUE]],
    ["a b", "a space", [VALUE]],
    ["example.com/web", "a '/'", [VALUE]],
    [x(64), "64 characters", ["must be no more than 63 bytes"]],
    [`${x(63)}!`, "too long and a bad character: both", ["must be no more than 63 bytes", VALUE]],
    ["é".repeat(32), "64 bytes", ["must be no more than 63 bytes", VALUE]],
  ])("%j is invalid: %s", (value, _reason, messages) => {
    expect(isValidLabelValue(value)).toEqual(messages);
  });

  it.each([
    [x(64), "64 characters", ["must be no more than 63 characters"]],
    ["é".repeat(32), "64 bytes", ["must be no more than 63 characters", VALUE]],
  ])("v1.20 words %j differently: %s", (value, _reason, messages) => {
    expect(isValidLabelValue(value, V1_20)).toEqual(messages);
  });
});

describe("validateLabels", () => {
  it("reports each bad key and value at the map, the value quoted as Go's %q", () => {
    expect(validateLabels({ app: "web", "bad key": "ok", tab: "a\tb" }, "metadata.labels")).toEqual([
      { field: "metadata.labels", message: `metadata.labels: Invalid value: "bad key": ${NAME_PART}` },
      { field: "metadata.labels", message: `metadata.labels: Invalid value: "a\\tb": ${VALUE}` },
    ]);
  });

  it("locates each error at its label when told where the map is", () => {
    expect(
      validateLabels({ "x!": "v" }, "spec.template.labels", {
        at: ["spec", "template", "metadata", "labels"],
      }),
    ).toEqual([
      {
        field: "spec.template.labels",
        message: `spec.template.labels: Invalid value: "x!": ${NAME_PART}`,
        at: ["spec", "template", "metadata", "labels", "x!"],
      },
    ]);
  });

  it("no labels, no errors", () => {
    expect(validateLabels(undefined, "metadata.labels")).toEqual([]);
  });

  it("words the lengths as the version read as", () => {
    expect(validateLabels({ app: x(64) }, "metadata.labels", { version: V1_20 })).toEqual([
      {
        field: "metadata.labels",
        message: `metadata.labels: Invalid value: "${x(64)}": must be no more than 63 characters`,
      },
    ]);
    expect(validateLabels({ app: x(64) }, "metadata.labels", { version: V1_37 })).toEqual([
      {
        field: "metadata.labels",
        message: `metadata.labels: Invalid value: "${x(64)}": must be no more than 63 bytes`,
      },
    ]);
  });
});

describe("label selectors", () => {
  it.each([
    [{}, true, "empty: selects everything"],
    [
      { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["a"] }] },
      true,
      "valid",
    ],
    [{ matchLabels: { "a b": "web" } }, false, "a bad key"],
    [{ matchLabels: { app: "-web" } }, false, "a bad value"],
    [
      { matchExpressions: [{ key: "k", operator: "In", values: ["a b"] }] },
      false,
      "a bad value in an expression",
    ],
    [{ matchExpressions: [{ key: "k", operator: "In", values: [] }] }, false, "In without values"],
    [{ matchExpressions: [{ key: "k", operator: "Exists", values: ["a"] }] }, false, "Exists with values"],
    [{ matchExpressions: [{ key: "k", operator: "Equals", values: ["a"] }] }, false, "an unknown operator"],
  ] as [LabelSelector, boolean, string][])("%j parses: %s (%s)", (selector, parses) => {
    expect(labelSelectorParses(selector)).toBe(parses);
  });

  it("checks the values of matchExpressions unless told not to", () => {
    const selector = { matchExpressions: [{ key: "k", operator: "In", values: ["ok", "x y"] }] };
    expect(validateLabelSelector(selector, "spec.selector").map((e) => e.message)).toEqual([
      `spec.selector.matchExpressions[0].values[1]: Invalid value: "x y": ${VALUE}`,
    ]);
    expect(
      validateLabelSelector(selector, "spec.selector", { allowInvalidLabelValueInSelector: true }),
    ).toEqual([]);
  });

  // Empty matchLabels, an expression with values, one without, one with an empty list: each version prints them apart.
  const SELECTOR_WITH_EXPRESSIONS = {
    matchLabels: {},
    matchExpressions: [
      { key: "k", operator: "In", values: ["x y", "z"] },
      { key: "e", operator: "Exists" },
      { key: "n", operator: "NotIn", values: [] },
    ],
  };

  it("quotes a selector as JSON (v1.37): Go's escapes, empty fields left out, map keys in byte order", () => {
    expect(labelSelectorValue({ matchLabels: { b: "2", a: "-1", "<&>": 'é"\t' } }).rendered).toBe(
      '{"matchLabels":{"\\u003c\\u0026\\u003e":"é\\"\\t","a":"-1","b":"2"}}',
    );
    expect(labelSelectorValue(SELECTOR_WITH_EXPRESSIONS, V1_37).rendered).toBe(
      '{"matchExpressions":[{"key":"k","operator":"In","values":["x y","z"]},{"key":"e","operator":"Exists"},{"key":"n","operator":"NotIn"}]}',
    );
  });

  it("quotes a selector as Go's %#v (v1.20): nil and empty told apart, map keys sorted", () => {
    expect(labelSelectorValue({ matchLabels: { b: "2", a: "-1" } }, V1_20).rendered).toBe(
      'v1.LabelSelector{MatchLabels:map[string]string{"a":"-1", "b":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}',
    );
    expect(labelSelectorValue(SELECTOR_WITH_EXPRESSIONS, V1_20).rendered).toBe(
      'v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"k", Operator:"In", Values:[]string{"x y", "z"}}, v1.LabelSelectorRequirement{Key:"e", Operator:"Exists", Values:[]string(nil)}, v1.LabelSelectorRequirement{Key:"n", Operator:"NotIn", Values:[]string{}}}}',
    );
  });
});

describe("invalidObjectMessage", () => {
  const error = (value: string) => ({
    field: "metadata.labels",
    message: `metadata.labels: Invalid value: "${value}": x`,
  });

  it("one error bare, the kind qualified by its group", () => {
    expect(invalidObjectMessage("Deployment", "apps", "web", [error("a")])).toBe(
      'Deployment.apps "web" is invalid: metadata.labels: Invalid value: "a": x',
    );
  });

  it("several in brackets, duplicates dropped; core kinds unqualified", () => {
    expect(invalidObjectMessage("Pod", "", "p", [error("a"), error("b"), error("a")])).toBe(
      'Pod "p" is invalid: [metadata.labels: Invalid value: "a": x, metadata.labels: Invalid value: "b": x]',
    );
  });
});
