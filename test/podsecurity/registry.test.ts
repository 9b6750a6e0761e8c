/**
 * The registry alone decides ordering, version inflation, overrides and `latest` (upstream policy/registry.go,
 * registry_test.go). These tests pin the real check set's composition at each version boundary.
 */
import { describe, expect, it } from "vitest";
import { LATEST, type Level, majorMinor, parseVersion, versionString } from "../../src/podsecurity/api.js";
import { ALLOWED, type Check, forbidden } from "../../src/podsecurity/check.js";
import { DEFAULT_CHECKS } from "../../src/podsecurity/checks/index.js";
import { defaultEvaluator, evaluatePod } from "../../src/podsecurity/evaluate.js";
import { newEvaluator } from "../../src/podsecurity/registry.js";
import type { PodSpec } from "./support.js";

const ids = (level: Level, version: string) =>
  defaultEvaluator.checkIds({ level, version: parseVersion(version).value });

const BASELINE_LATEST = [
  "appArmorProfile",
  "capabilities_baseline",
  "hostNamespaces",
  "hostPathVolumes",
  "hostPorts",
  "hostProbesAndHostLifecycle",
  "privileged",
  "procMount",
  "seLinuxOptions",
  "seccompProfile_baseline",
  "sysctls",
  "windowsHostProcess",
];

describe("TestValidChecks (upstream checks_test.go)", () => {
  it("every default check is valid and every override names an existing check", () => {
    expect(() => newEvaluator(DEFAULT_CHECKS)).not.toThrow();
    const ids = new Set(DEFAULT_CHECKS.map((c) => c.id));
    const overrides = DEFAULT_CHECKS.flatMap((c) => c.versions.flatMap((v) => v.overrideCheckIds ?? []));
    expect(overrides.filter((id) => !ids.has(id))).toEqual([]);
    expect(DEFAULT_CHECKS).toHaveLength(19);
  });
});

describe("check ordering", () => {
  it("baseline runs its 12 checks sorted by ID in Go byte order (seLinuxOptions before seccompProfile_baseline)", () => {
    expect(ids("baseline", "latest")).toEqual(BASELINE_LATEST);
  });

  it("restricted runs the non-overridden baseline checks first, then the restricted checks, each sorted", () => {
    expect(ids("restricted", "latest")).toEqual([
      "appArmorProfile",
      "hostNamespaces",
      "hostPorts",
      "hostProbesAndHostLifecycle",
      "privileged",
      "seLinuxOptions",
      "sysctls",
      "windowsHostProcess",
      "allowPrivilegeEscalation",
      "capabilities_restricted",
      "procMount_restricted",
      "restrictedVolumes",
      "runAsNonRoot",
      "runAsUser",
      "seccompProfile_restricted",
    ]);
  });

  it("privileged evaluates nothing", () => {
    expect(ids("privileged", "latest")).toEqual([]);
    expect(
      defaultEvaluator.evaluatePod({ level: "privileged", version: LATEST }, {}, { containers: [] }),
    ).toEqual([]);
  });
});

describe("versions", () => {
  it("the newest check version is v1.37 (sysctls), so latest means v1.37", () => {
    expect(versionString(defaultEvaluator.maxVersion)).toBe("v1.37");
  });

  it("latest and versions newer than the newest check evaluate exactly as the newest", () => {
    for (const level of ["baseline", "restricted"] as const) {
      expect(ids(level, "v1.99")).toEqual(ids(level, "latest"));
      expect(ids(level, "v1.37")).toEqual(ids(level, "latest"));
    }
    const spec = {
      securityContext: { sysctls: [{ name: "net.ipv4.tcp_notsent_lowat", value: "1" }] },
      containers: [],
    };
    expect(evaluatePod("baseline", LATEST, {}, spec).allowed).toBe(true);
    expect(evaluatePod("baseline", majorMinor(1, 99), {}, spec).allowed).toBe(true);
    expect(evaluatePod("baseline", majorMinor(1, 36), {}, spec).allowed).toBe(false);
  });

  const boundaries: [string, string, string, boolean][] = [
    ["allowPrivilegeEscalation starts at v1.8", "restricted", "v1.7", false],
    ["allowPrivilegeEscalation starts at v1.8 ", "restricted", "v1.8", true],
  ];
  it.each(boundaries)("%s (%s %s)", (_name, level, version, present) => {
    expect(ids(level as Level, version).includes("allowPrivilegeEscalation")).toBe(present);
  });

  it("below v1.19 restricted still runs the annotation-based seccompProfile_baseline", () => {
    expect(ids("restricted", "v1.18")).toContain("seccompProfile_baseline");
    expect(ids("restricted", "v1.18")).not.toContain("seccompProfile_restricted");
    expect(ids("restricted", "v1.19")).toContain("seccompProfile_restricted");
    expect(ids("restricted", "v1.19")).not.toContain("seccompProfile_baseline");
  });

  it("below v1.22 restricted still runs capabilities_baseline; from v1.22 capabilities_restricted replaces it", () => {
    expect(ids("restricted", "v1.21")).toContain("capabilities_baseline");
    expect(ids("restricted", "v1.21")).not.toContain("capabilities_restricted");
    expect(ids("restricted", "v1.22")).toContain("capabilities_restricted");
    expect(ids("restricted", "v1.22")).not.toContain("capabilities_baseline");
  });

  it("runAsUser starts at v1.23", () => {
    expect(ids("restricted", "v1.22")).not.toContain("runAsUser");
    expect(ids("restricted", "v1.23")).toContain("runAsUser");
  });

  it("hostProbesAndHostLifecycle starts at v1.34", () => {
    expect(ids("baseline", "v1.33")).not.toContain("hostProbesAndHostLifecycle");
    expect(ids("baseline", "v1.34")).toContain("hostProbesAndHostLifecycle");
  });

  it("below v1.35 restricted runs baseline procMount; from v1.35 procMount_restricted replaces it", () => {
    expect(ids("restricted", "v1.34")).toContain("procMount");
    expect(ids("restricted", "v1.34")).not.toContain("procMount_restricted");
    expect(ids("restricted", "v1.35")).toContain("procMount_restricted");
    expect(ids("restricted", "v1.35")).not.toContain("procMount");
    expect(ids("baseline", "v1.35")).toContain("procMount");
  });

  it("restrictedVolumes replaces hostPathVolumes at every version", () => {
    expect(ids("restricted", "v1.0")).toContain("restrictedVolumes");
    expect(ids("restricted", "v1.0")).not.toContain("hostPathVolumes");
    expect(ids("baseline", "v1.0")).toContain("hostPathVolumes");
  });
});

describe("user-namespace pods (hostUsers: false)", () => {
  const spec: PodSpec = {
    hostUsers: false,
    securityContext: { runAsUser: 0, runAsNonRoot: false, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      {
        name: "a",
        securityContext: {
          procMount: "Unmasked",
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
        },
      },
    ],
  };
  it("baseline v1.35+ allows an unmasked procMount; v1.34 does not", () => {
    expect(evaluatePod("baseline", majorMinor(1, 35), {}, spec).allowed).toBe(true);
    expect(evaluatePod("baseline", majorMinor(1, 34), {}, spec).message).toBe(
      'violates PodSecurity "baseline:v1.34": procMount (container "a" must not set securityContext.procMount to "Unmasked")',
    );
  });
  it("restricted v1.35+ skips runAsNonRoot and runAsUser but still forbids the unmasked procMount", () => {
    expect(evaluatePod("restricted", LATEST, {}, spec).message).toBe(
      'violates PodSecurity "restricted:latest": procMount (container "a" must not set securityContext.procMount to "Unmasked")',
    );
    expect(evaluatePod("restricted", majorMinor(1, 34), {}, spec).reasons.map((r) => r.reason)).toEqual([
      "procMount",
      "runAsNonRoot != true",
      "runAsUser=0",
    ]);
  });
});

describe("emulation version", () => {
  it("an apiserver emulating v1.33 evaluates latest as v1.33", () => {
    const emulated = newEvaluator(DEFAULT_CHECKS, majorMinor(1, 33));
    expect(versionString(emulated.maxVersion)).toBe("v1.33");
    expect(emulated.checkIds({ level: "baseline", version: LATEST })).not.toContain(
      "hostProbesAndHostLifecycle",
    );
    expect(emulated.checkIds({ level: "baseline", version: majorMinor(1, 36) })).toEqual(
      emulated.checkIds({ level: "baseline", version: majorMinor(1, 33) }),
    );
  });
});

describe("registry rules for any check set", () => {
  const fail =
    (id: string): Check["versions"][number]["checkPod"] =>
    () =>
      forbidden(id, "");
  const baseline: Check = {
    id: "b",
    level: "baseline",
    versions: [{ minimumVersion: majorMinor(1, 0), checkPod: fail("b") }],
  };
  const overriding: Check = {
    id: "r",
    level: "restricted",
    versions: [
      { minimumVersion: majorMinor(1, 2), checkPod: () => ALLOWED },
      { minimumVersion: majorMinor(1, 5), checkPod: fail("r"), overrideCheckIds: ["b"] },
    ],
  };
  const evaluator = newEvaluator([overriding, baseline]);

  it("an override applies only from the overriding implementation's own minimum version", () => {
    expect(evaluator.checkIds({ level: "restricted", version: majorMinor(1, 1) })).toEqual(["b"]);
    expect(evaluator.checkIds({ level: "restricted", version: majorMinor(1, 4) })).toEqual(["b", "r"]);
    expect(evaluator.checkIds({ level: "restricted", version: majorMinor(1, 5) })).toEqual(["r"]);
    expect(evaluator.checkIds({ level: "baseline", version: majorMinor(1, 5) })).toEqual(["b"]);
  });

  it("a check that disallows without a reason is reported as 'unknown forbidden reason'", () => {
    const silent: Check = {
      id: "s",
      level: "baseline",
      versions: [{ minimumVersion: majorMinor(1, 0), checkPod: () => ({ allowed: false }) }],
    };
    expect(evaluatePod("baseline", LATEST, {}, { containers: [] }, newEvaluator([silent])).message).toBe(
      'violates PodSecurity "baseline:latest": unknown forbidden reason',
    );
  });

  it.each([
    ["duplicate IDs", [baseline, baseline], "multiple checks registered for ID b"],
    [
      "a baseline check that overrides",
      [{ ...baseline, versions: [{ ...baseline.versions[0]!, overrideCheckIds: ["x"] }] }],
      "check b: only restricted checks may set overrides",
    ],
    [
      "an override of a restricted check",
      [
        overriding,
        { ...overriding, id: "r2", versions: [{ ...overriding.versions[1]!, overrideCheckIds: ["r"] }] },
      ],
      "check r2: overrides restricted check r",
    ],
    [
      "a latest version",
      [{ ...baseline, versions: [{ minimumVersion: LATEST, checkPod: fail("b") }] }],
      "latest",
    ],
    [
      "versions not strictly increasing",
      [{ ...baseline, versions: [...overriding.versions].reverse() }],
      "versions must be strictly increasing",
    ],
    ["no versions", [{ ...baseline, versions: [] }], "check b: empty"],
  ] as [string, Check[], string][])("rejects %s", (_name, checks, message) => {
    expect(() => newEvaluator(checks)).toThrow(message);
  });
});
