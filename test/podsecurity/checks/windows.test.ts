/**
 * Windows pods are exempt from the Linux-only restricted checks from v1.25: one version relaxation, three checks.
 */
import { describe, expect, it } from "vitest";
import type { CheckPodFn } from "../../../src/podsecurity/check.js";
import {
  allowPrivilegeEscalationV1Dot8,
  allowPrivilegeEscalationV1Dot25,
} from "../../../src/podsecurity/checks/allowPrivilegeEscalation.js";
import {
  capabilitiesRestrictedV1Dot22,
  capabilitiesRestrictedV1Dot25,
} from "../../../src/podsecurity/checks/capabilitiesRestricted.js";
import {
  seccompProfileRestrictedV1Dot19,
  seccompProfileRestrictedV1Dot25,
} from "../../../src/podsecurity/checks/seccompProfileRestricted.js";
import { named, type PodSpec } from "../support.js";

describe("Windows pods (spec.os.name: windows) are exempt from the Linux-only restricted checks from v1.25", () => {
  const windows: PodSpec = { os: { name: "windows" }, containers: [named("a")] };
  const linux: PodSpec = { os: { name: "linux" }, containers: [named("a")] };
  const cases: [string, CheckPodFn, CheckPodFn][] = [
    ["allowPrivilegeEscalation", allowPrivilegeEscalationV1Dot8, allowPrivilegeEscalationV1Dot25],
    ["capabilities_restricted", capabilitiesRestrictedV1Dot22, capabilitiesRestrictedV1Dot25],
    ["seccompProfile_restricted", seccompProfileRestrictedV1Dot19, seccompProfileRestrictedV1Dot25],
  ];
  it.each(cases)(
    "%s: windows forbidden before v1.25, allowed from v1.25; linux forbidden in both",
    (_id, olderCheck, newerCheck) => {
      expect(olderCheck({}, windows).allowed).toBe(false);
      expect(newerCheck({}, windows).allowed).toBe(true);
      expect(olderCheck({}, linux).allowed).toBe(false);
      expect(newerCheck({}, linux).allowed).toBe(false);
    },
  );
});
