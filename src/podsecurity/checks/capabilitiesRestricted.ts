/**
 * Containers must drop ALL capabilities and may add back only NET_BIND_SERVICE. From v1.25 Windows pods are
 * exempt. Replaces capabilities_baseline under restricted from v1.22.
 * Upstream: policy/check_capabilities_restricted.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { containerSetter, isWindowsPod, joinQuote, sortedSet, visitContainers } from "../helpers.js";
import { CAPABILITIES_BASELINE_ID } from "./capabilitiesBaseline.js";

export const capabilitiesRestrictedV1Dot22: CheckPodFn = (_meta, spec) => {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbiddenCapabilities: string[] = [];
  visitContainers(spec, (c) => {
    const capabilities = c.securityContext?.capabilities;
    if (!capabilities) {
      missingDropAll.push(c.name);
      return;
    }
    if (!(capabilities.drop ?? []).includes("ALL")) missingDropAll.push(c.name);
    let addedForbidden = false;
    for (const capability of capabilities.add ?? []) {
      if (capability !== "NET_BIND_SERVICE") {
        addedForbidden = true;
        forbiddenCapabilities.push(capability);
      }
    }
    if (addedForbidden) addingForbidden.push(c.name);
  });
  const details: string[] = [];
  if (missingDropAll.length > 0)
    details.push(`${containerSetter(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addingForbidden.length > 0)
    details.push(
      `${containerSetter(addingForbidden)} must not include ${joinQuote(sortedSet(forbiddenCapabilities))} in securityContext.capabilities.add`,
    );
  if (details.length === 0) return ALLOWED;
  return forbidden("unrestricted capabilities", details.join("; "));
};

export const capabilitiesRestrictedV1Dot25: CheckPodFn = (meta, spec) =>
  isWindowsPod(spec) ? ALLOWED : capabilitiesRestrictedV1Dot22(meta, spec);

export const capabilitiesRestricted: Check = {
  id: "capabilities_restricted",
  level: "restricted",
  versions: [
    {
      minimumVersion: majorMinor(1, 22),
      checkPod: capabilitiesRestrictedV1Dot22,
      overrideCheckIds: [CAPABILITIES_BASELINE_ID],
    },
    {
      minimumVersion: majorMinor(1, 25),
      checkPod: capabilitiesRestrictedV1Dot25,
      overrideCheckIds: [CAPABILITIES_BASELINE_ID],
    },
  ],
};
