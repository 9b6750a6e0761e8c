/**
 * A seccomp profile must be set, to RuntimeDefault or Localhost: at pod level (containers may then leave it
 * unset) or on every container; an explicit other type anywhere fails. From v1.25 Windows pods are exempt.
 * Replaces seccompProfile_baseline under restricted from v1.19 (below that, the annotation check still runs).
 * Upstream: policy/check_seccompProfile_restricted.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { containerSetter, isWindowsPod, joinQuote, sortedSet, visitContainers } from "../helpers.js";
import { SECCOMP_BASELINE_ID, validSeccompType } from "./seccompProfileBaseline.js";

export const seccompProfileRestrictedV1Dot19: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  const badValues: string[] = [];
  let podSeccompSet = false;
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile) {
    if (!validSeccompType(podProfile.type)) {
      setters.push("pod");
      badValues.push(podProfile.type);
    } else {
      podSeccompSet = true;
    }
  }
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  visitContainers(spec, (c) => {
    const profile = c.securityContext?.seccompProfile;
    if (profile) {
      if (!validSeccompType(profile.type)) {
        explicitlyBad.push(c.name);
        badValues.push(profile.type);
      }
    } else if (!podSeccompSet) {
      implicitlyBad.push(c.name);
    }
  });
  if (explicitlyBad.length > 0) setters.push(containerSetter(explicitlyBad));
  if (setters.length > 0)
    return forbidden(
      "seccompProfile",
      `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`,
    );
  if (implicitlyBad.length > 0)
    return forbidden(
      "seccompProfile",
      `pod or ${containerSetter(implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    );
  return ALLOWED;
};

export const seccompProfileRestrictedV1Dot25: CheckPodFn = (meta, spec) =>
  isWindowsPod(spec) ? ALLOWED : seccompProfileRestrictedV1Dot19(meta, spec);

export const seccompProfileRestricted: Check = {
  id: "seccompProfile_restricted",
  level: "restricted",
  versions: [
    {
      minimumVersion: majorMinor(1, 19),
      checkPod: seccompProfileRestrictedV1Dot19,
      overrideCheckIds: [SECCOMP_BASELINE_ID],
    },
    {
      minimumVersion: majorMinor(1, 25),
      checkPod: seccompProfileRestrictedV1Dot25,
      overrideCheckIds: [SECCOMP_BASELINE_ID],
    },
  ],
};
