/**
 * Adding capabilities beyond the container runtime's default set (NET_RAW included) must be disallowed.
 * Restricted field: spec.{initContainers,containers,ephemeralContainers}[*].securityContext.capabilities.add.
 * Allowed: the 13 defaults below, exactly as spelled (no CAP_ prefix stripping). Upstream: policy/check_capabilities_baseline.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { containerSetter, joinQuote, sortedSet, visitContainers } from "../helpers.js";

export const CAPABILITIES_BASELINE_ID = "capabilities_baseline";

export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

export const capabilitiesBaselineV1Dot0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const added: string[] = [];
  visitContainers(spec, (c) => {
    let valid = true;
    for (const capability of c.securityContext?.capabilities?.add ?? []) {
      if (!BASELINE_CAPABILITIES.has(capability)) {
        valid = false;
        added.push(capability);
      }
    }
    if (!valid) bad.push(c.name);
  });
  if (bad.length === 0) return ALLOWED;
  return forbidden(
    "non-default capabilities",
    `${containerSetter(bad)} must not include ${joinQuote(sortedSet(added))} in securityContext.capabilities.add`,
  );
};

export const capabilitiesBaseline: Check = {
  id: CAPABILITIES_BASELINE_ID,
  level: "baseline",
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: capabilitiesBaselineV1Dot0 }],
};
