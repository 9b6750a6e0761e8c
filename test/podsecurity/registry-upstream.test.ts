/**
 * Upstream's own registry tests (policy/registry_test.go: TestCheckRegistry, _NoBaseline, _NoRestricted,
 * _Empty), transcribed: synthetic checks whose reason names the check and version that ran.
 */
import { describe, expect, it } from "vitest";
import { type Level, parseVersion, versionString } from "../../src/podsecurity/api.js";
import type { Check } from "../../src/podsecurity/check.js";
import { type Evaluator, newEvaluator } from "../../src/podsecurity/registry.js";

function generateCheck(id: string, level: "baseline" | "restricted", versions: string[]): Check {
  return {
    id,
    level,
    versions: versions.map((v) => {
      const version = parseVersion(v).value;
      return {
        minimumVersion: version,
        checkPod: () => ({ allowed: false, forbiddenReason: `${id}:${versionString(version)}` }),
      };
    }),
  };
}

function withOverrides(check: Check, overrides: string[]): Check {
  return { ...check, versions: check.versions.map((v) => ({ ...v, overrideCheckIds: overrides })) };
}

type Case = [Level, string, string[]];

function run(evaluator: Evaluator, cases: Case[]) {
  it.each(cases)("%s:%s", (level, version, expected) => {
    const results = evaluator.evaluatePod(
      { level, version: parseVersion(version).value },
      {},
      { containers: [] },
    );
    expect(results.map((r) => r.forbiddenReason)).toEqual(expected);
  });
}

describe("TestCheckRegistry", () => {
  const multiOverride = generateCheck("i", "restricted", ["v1.10", "v1.21"]);
  multiOverride.versions[0]!.overrideCheckIds = ["c"];
  multiOverride.versions[1]!.overrideCheckIds = ["d"];
  const evaluator = newEvaluator([
    generateCheck("a", "baseline", ["v1.0"]),
    generateCheck("b", "baseline", ["v1.10"]),
    generateCheck("c", "baseline", ["v1.0", "v1.5", "v1.10"]),
    generateCheck("d", "baseline", ["v1.11", "v1.15", "v1.20"]),
    generateCheck("e", "restricted", ["v1.0"]),
    generateCheck("f", "restricted", ["v1.12", "v1.16", "v1.21"]),
    withOverrides(generateCheck("g", "restricted", ["v1.10"]), ["a"]),
    withOverrides(generateCheck("h", "restricted", ["v1.0"]), ["b"]),
    multiOverride,
  ]);
  run(evaluator, [
    ["privileged", "v1.0", []],
    ["privileged", "latest", []],
    ["baseline", "v1.0", ["a:v1.0", "c:v1.0"]],
    ["baseline", "v1.4", ["a:v1.0", "c:v1.0"]],
    ["baseline", "v1.5", ["a:v1.0", "c:v1.5"]],
    ["baseline", "v1.10", ["a:v1.0", "b:v1.10", "c:v1.10"]],
    ["baseline", "v1.11", ["a:v1.0", "b:v1.10", "c:v1.10", "d:v1.11"]],
    ["baseline", "latest", ["a:v1.0", "b:v1.10", "c:v1.10", "d:v1.20"]],
    ["restricted", "v1.0", ["a:v1.0", "c:v1.0", "e:v1.0", "h:v1.0"]],
    ["restricted", "v1.4", ["a:v1.0", "c:v1.0", "e:v1.0", "h:v1.0"]],
    ["restricted", "v1.5", ["a:v1.0", "c:v1.5", "e:v1.0", "h:v1.0"]],
    ["restricted", "v1.10", ["e:v1.0", "g:v1.10", "h:v1.0", "i:v1.10"]],
    ["restricted", "v1.11", ["d:v1.11", "e:v1.0", "g:v1.10", "h:v1.0", "i:v1.10"]],
    ["restricted", "latest", ["c:v1.10", "e:v1.0", "f:v1.21", "g:v1.10", "h:v1.0", "i:v1.21"]],
    ["restricted", "v1.10000", ["c:v1.10", "e:v1.0", "f:v1.21", "g:v1.10", "h:v1.0", "i:v1.21"]],
  ]);
});

describe("TestCheckRegistry_NoBaseline", () => {
  const evaluator = newEvaluator([
    generateCheck("e", "restricted", ["v1.0"]),
    generateCheck("f", "restricted", ["v1.12", "v1.16", "v1.21"]),
    withOverrides(generateCheck("g", "restricted", ["v1.10"]), ["a"]),
    withOverrides(generateCheck("h", "restricted", ["v1.0"]), ["b"]),
  ]);
  run(evaluator, [
    ["privileged", "v1.0", []],
    ["privileged", "latest", []],
    ["baseline", "v1.0", []],
    ["baseline", "v1.10", []],
    ["baseline", "latest", []],
    ["restricted", "v1.0", ["e:v1.0", "h:v1.0"]],
    ["restricted", "v1.10", ["e:v1.0", "g:v1.10", "h:v1.0"]],
    ["restricted", "latest", ["e:v1.0", "f:v1.21", "g:v1.10", "h:v1.0"]],
    ["restricted", "v1.10000", ["e:v1.0", "f:v1.21", "g:v1.10", "h:v1.0"]],
  ]);
});

describe("TestCheckRegistry_NoRestricted", () => {
  const evaluator = newEvaluator([
    generateCheck("a", "baseline", ["v1.0"]),
    generateCheck("b", "baseline", ["v1.10"]),
    generateCheck("c", "baseline", ["v1.0", "v1.5", "v1.10"]),
    generateCheck("d", "baseline", ["v1.11", "v1.15", "v1.20"]),
  ]);
  const cases: Case[] = [
    ["baseline", "v1.0", ["a:v1.0", "c:v1.0"]],
    ["baseline", "v1.4", ["a:v1.0", "c:v1.0"]],
    ["baseline", "v1.5", ["a:v1.0", "c:v1.5"]],
    ["baseline", "v1.10", ["a:v1.0", "b:v1.10", "c:v1.10"]],
    ["baseline", "v1.11", ["a:v1.0", "b:v1.10", "c:v1.10", "d:v1.11"]],
    ["baseline", "latest", ["a:v1.0", "b:v1.10", "c:v1.10", "d:v1.20"]],
  ];
  run(evaluator, cases);
  // Restricted results should be identical to baseline.
  run(
    evaluator,
    cases.map(([, version, expected]) => ["restricted", version, expected]),
  );
});

describe("TestCheckRegistry_Empty", () => {
  run(newEvaluator([]), [
    ["privileged", "latest", []],
    ["baseline", "latest", []],
    ["restricted", "latest", []],
  ]);
});
