/**
 * Privileged containers disable most security mechanisms and must be disallowed.
 * Restricted fields: spec.{initContainers,containers,ephemeralContainers}[*].securityContext.privileged.
 * Allowed: false, undefined. Upstream: policy/check_privileged.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { containerSetter, visitContainers } from "../helpers.js";

export const privilegedV1Dot0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    if (c.securityContext?.privileged === true) bad.push(c.name);
  });
  if (bad.length === 0) return ALLOWED;
  return forbidden("privileged", `${containerSetter(bad)} must not set securityContext.privileged=true`);
};

export const privileged: Check = {
  id: "privileged",
  level: "baseline",
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: privilegedV1Dot0 }],
};
