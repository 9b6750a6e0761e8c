/**
 * Privilege escalation (set-user-ID or set-group-ID binaries) must be disallowed: every container must set
 * securityContext.allowPrivilegeEscalation=false explicitly (unset means true). From v1.25 Windows pods
 * (spec.os.name: windows) are exempt. Upstream: policy/check_allowPrivilegeEscalation.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { containerSetter, isWindowsPod, visitContainers } from "../helpers.js";

export const allowPrivilegeEscalationV1Dot8: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    if (c.securityContext?.allowPrivilegeEscalation !== false) bad.push(c.name);
  });
  if (bad.length === 0) return ALLOWED;
  return forbidden(
    "allowPrivilegeEscalation != false",
    `${containerSetter(bad)} must set securityContext.allowPrivilegeEscalation=false`,
  );
};

export const allowPrivilegeEscalationV1Dot25: CheckPodFn = (meta, spec) =>
  isWindowsPod(spec) ? ALLOWED : allowPrivilegeEscalationV1Dot8(meta, spec);

export const allowPrivilegeEscalation: Check = {
  id: "allowPrivilegeEscalation",
  level: "restricted",
  versions: [
    // The field exists since v1.8.
    { minimumVersion: majorMinor(1, 8), checkPod: allowPrivilegeEscalationV1Dot8 },
    { minimumVersion: majorMinor(1, 25), checkPod: allowPrivilegeEscalationV1Dot25 },
  ],
};
