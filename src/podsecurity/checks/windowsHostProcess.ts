/**
 * Windows HostProcess containers run directly on the host and must not be enabled.
 * Restricted fields: spec.securityContext.windowsOptions.hostProcess and every container's. Allowed: false,
 * undefined. Upstream: policy/check_windowsHostProcess.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { containerSetter, visitContainers } from "../helpers.js";

export const windowsHostProcessV1Dot0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    if (c.securityContext?.windowsOptions?.hostProcess === true) bad.push(c.name);
  });
  const setters: string[] = [];
  if (spec.securityContext?.windowsOptions?.hostProcess === true) setters.push("pod");
  if (bad.length > 0) setters.push(containerSetter(bad));
  if (setters.length === 0) return ALLOWED;
  return forbidden(
    "hostProcess",
    `${setters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true`,
  );
};

export const windowsHostProcess: Check = {
  id: "windowsHostProcess",
  level: "baseline",
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: windowsHostProcessV1Dot0 }],
};
