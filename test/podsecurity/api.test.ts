/** Levels, versions and namespace policies as PSA parses them (upstream api/helpers.go, helpers_test.go). */
import { describe, expect, it } from "vitest";
import {
  compareLevels,
  LATEST,
  levelVersionString,
  majorMinor,
  older,
  type Policy,
  parseLevel,
  parseVersion,
  policyToEvaluate,
  versionString,
} from "../../src/podsecurity/api.js";

describe("parseVersion (TestParseVersion)", () => {
  it.each([
    ["latest", "latest"],
    ["v1.0", "v1.0"],
    ["v1.1", "v1.1"],
    ["v1.20", "v1.20"],
    ["v1.10000", "v1.10000"],
  ])("%s parses", (input, output) => {
    const parsed = parseVersion(input);
    expect(parsed.error).toBeUndefined();
    expect(versionString(parsed.value)).toBe(output);
  });
  it.each(["foo", "", "v1", "v1.", "v1.01", "v2.0", "v1.0.0", "1.0", " v1.0", "v1.-1", "Latest"])(
    "%j is invalid and falls back to latest",
    (input) => {
      expect(parseVersion(input)).toEqual({ value: LATEST, error: 'must be "latest" or "v1.x"' });
    },
  );
});

describe("parseLevel", () => {
  it.each(["privileged", "baseline", "restricted"])("%s parses", (level) => {
    expect(parseLevel(level)).toEqual({ value: level });
  });
  it.each(["Baseline", "", "strict"])("%j fails closed to restricted", (level) => {
    expect(parseLevel(level)).toEqual({
      value: "restricted",
      error: "must be one of privileged, baseline, restricted",
    });
  });
});

describe("versions and levels compare as upstream", () => {
  it("latest is newer than any numbered version, even future ones", () => {
    expect(older(majorMinor(1, 1000), LATEST)).toBe(true);
    expect(older(LATEST, majorMinor(1, 1000))).toBe(false);
    expect(older(LATEST, LATEST)).toBe(false);
    expect(older(majorMinor(1, 9), majorMinor(1, 10))).toBe(true);
  });
  it("levels order privileged < baseline < restricted", () => {
    expect(compareLevels("privileged", "baseline")).toBe(-1);
    expect(compareLevels("restricted", "baseline")).toBe(1);
    expect(compareLevels("baseline", "baseline")).toBe(0);
  });
  it("LevelVersion prints as level:version", () => {
    expect(levelVersionString({ level: "baseline", version: LATEST })).toBe("baseline:latest");
    expect(levelVersionString({ level: "restricted", version: majorMinor(1, 30) })).toBe("restricted:v1.30");
  });
});

const lv = (policy: Policy) => ({
  enforce: levelVersionString(policy.enforce),
  audit: levelVersionString(policy.audit),
  warn: levelVersionString(policy.warn),
});

describe("policyToEvaluate", () => {
  it("no labels: the defaults", () => {
    expect(lv(policyToEvaluate(undefined).policy)).toEqual({
      enforce: "privileged:latest",
      audit: "privileged:latest",
      warn: "privileged:latest",
    });
  });

  it("every label read", () => {
    const { policy, errors } = policyToEvaluate({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": "v1.30",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "v1.31",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "latest",
    });
    expect(errors).toEqual([]);
    expect(lv(policy)).toEqual({
      enforce: "baseline:v1.30",
      audit: "restricted:v1.31",
      warn: "restricted:latest",
    });
  });

  it("an invalid enforce level fails closed to restricted; invalid audit/warn levels fail open to privileged", () => {
    const { policy, errors } = policyToEvaluate({
      "pod-security.kubernetes.io/enforce": "bogus",
      "pod-security.kubernetes.io/audit": "bogus",
      "pod-security.kubernetes.io/warn": "bogus",
    });
    expect(lv(policy)).toEqual({
      enforce: "restricted:latest",
      audit: "privileged:latest",
      warn: "privileged:latest",
    });
    expect(errors.map((e) => e.label)).toEqual([
      "pod-security.kubernetes.io/enforce",
      "pod-security.kubernetes.io/audit",
      "pod-security.kubernetes.io/warn",
    ]);
  });

  it("an invalid version falls back to latest, with an error", () => {
    const { policy, errors } = policyToEvaluate({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": "1.30",
    });
    expect(levelVersionString(policy.enforce)).toBe("baseline:latest");
    expect(errors).toEqual([
      {
        label: "pod-security.kubernetes.io/enforce-version",
        value: "1.30",
        message: 'must be "latest" or "v1.x"',
      },
    ]);
  });

  it("an unset warn level follows a stricter, explicitly set enforce level and its version", () => {
    const { policy } = policyToEvaluate({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": "v1.30",
    });
    expect(levelVersionString(policy.warn)).toBe("baseline:v1.30");
    expect(levelVersionString(policy.audit)).toBe("privileged:latest");
  });

  it("...but keeps its own warn-version when one is set", () => {
    const { policy } = policyToEvaluate({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "v1.30",
      "pod-security.kubernetes.io/warn-version": "v1.25",
    });
    expect(levelVersionString(policy.warn)).toBe("restricted:v1.25");
  });

  it("an explicit warn label is never overridden, and an invalid enforce level does not propagate to warn", () => {
    expect(
      levelVersionString(
        policyToEvaluate({
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/warn": "baseline",
        }).policy.warn,
      ),
    ).toBe("baseline:latest");
    expect(
      levelVersionString(policyToEvaluate({ "pod-security.kubernetes.io/enforce": "bogus" }).policy.warn),
    ).toBe("privileged:latest");
  });

  it("labels override configured defaults; unset modes keep them", () => {
    const defaults: Policy = {
      enforce: { level: "baseline", version: majorMinor(1, 29) },
      audit: { level: "restricted", version: LATEST },
      warn: { level: "restricted", version: LATEST },
    };
    const { policy } = policyToEvaluate({ "pod-security.kubernetes.io/enforce": "privileged" }, defaults);
    expect(lv(policy)).toEqual({
      enforce: "privileged:v1.29",
      audit: "restricted:latest",
      warn: "restricted:latest",
    });
  });
});

describe("TestPolicyToEvaluate (upstream api/helpers_test.go)", () => {
  const makeLabels = (...kvs: string[]) => {
    const labels: Record<string, string> = { "other-label": "foo-bar" };
    for (let i = 0; i < kvs.length; i += 2) labels[`pod-security.kubernetes.io/${kvs[i]}`] = kvs[i + 1]!;
    return labels;
  };
  const P = "privileged:latest";
  it.each([
    ["simple enforce", makeLabels("enforce", "baseline"), ["baseline:latest", "baseline:latest", P], false],
    ["simple warn", makeLabels("warn", "restricted"), [P, "restricted:latest", P], false],
    ["simple audit", makeLabels("audit", "baseline"), [P, P, "baseline:latest"], false],
    [
      "enforce & warn",
      makeLabels("enforce", "baseline", "warn", "restricted"),
      ["baseline:latest", "restricted:latest", P],
      false,
    ],
    [
      "enforce version",
      makeLabels("enforce", "baseline", "enforce-version", "v1.22"),
      ["baseline:v1.22", "baseline:v1.22", P],
      false,
    ],
    [
      "enforce version & warn-version",
      makeLabels("enforce", "baseline", "enforce-version", "v1.22", "warn-version", "latest"),
      ["baseline:v1.22", "baseline:latest", P],
      false,
    ],
    [
      "enforce & warn-version",
      makeLabels("enforce", "baseline", "warn-version", "v1.23"),
      ["baseline:latest", "baseline:v1.23", P],
      false,
    ],
    [
      "fully specd",
      makeLabels(
        "enforce",
        "baseline",
        "enforce-version",
        "v1.20",
        "warn",
        "restricted",
        "warn-version",
        "v1.21",
        "audit",
        "restricted",
        "audit-version",
        "v1.22",
      ),
      ["baseline:v1.20", "restricted:v1.21", "restricted:v1.22"],
      false,
    ],
    [
      "enforce no warn",
      makeLabels("enforce", "baseline", "warn", "privileged"),
      ["baseline:latest", P, P],
      false,
    ],
    ["enforce warn error", makeLabels("enforce", "baseline", "warn", "foo"), ["baseline:latest", P, P], true],
    ["enforce error", makeLabels("enforce", "foo"), ["restricted:latest", P, P], true],
  ] as [string, Record<string, string>, [string, string, string], boolean][])(
    "%s",
    (_desc, labels, [enforce, warn, audit], expectErr) => {
      const { policy, errors } = policyToEvaluate(labels);
      expect(lv(policy)).toEqual({ enforce, warn, audit });
      expect(errors.length > 0).toBe(expectErr);
    },
  );
});
