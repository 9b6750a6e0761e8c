/**
 * Containers must run as non-root: runAsNonRoot=true at pod level (containers may then leave it unset) or on
 * every container; an explicit false anywhere fails. From v1.35 pods in their own user namespace
 * (hostUsers: false) are exempt (KEP-127). Upstream: policy/check_runAsNonRoot.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { containerSetter, inUserNamespace, visitContainers } from "../helpers.js";

export const runAsNonRootV1Dot0: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  let podRunAsNonRoot = false;
  const podValue = spec.securityContext?.runAsNonRoot;
  if (podValue != null) {
    if (!podValue) setters.push("pod");
    else podRunAsNonRoot = true;
  }
  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  visitContainers(spec, (c) => {
    const value = c.securityContext?.runAsNonRoot;
    if (value != null) {
      if (!value) explicitlyBad.push(c.name);
    } else if (!podRunAsNonRoot) {
      implicitlyBad.push(c.name);
    }
  });
  if (explicitlyBad.length > 0) setters.push(containerSetter(explicitlyBad));
  if (setters.length > 0)
    return forbidden(
      "runAsNonRoot != true",
      `${setters.join(" and ")} must not set securityContext.runAsNonRoot=false`,
    );
  if (implicitlyBad.length > 0)
    return forbidden(
      "runAsNonRoot != true",
      `pod or ${containerSetter(implicitlyBad)} must set securityContext.runAsNonRoot=true`,
    );
  return ALLOWED;
};

export const runAsNonRootV1Dot35: CheckPodFn = (meta, spec) =>
  inUserNamespace(spec) ? ALLOWED : runAsNonRootV1Dot0(meta, spec);

export const runAsNonRoot: Check = {
  id: "runAsNonRoot",
  level: "restricted",
  versions: [
    { minimumVersion: majorMinor(1, 0), checkPod: runAsNonRootV1Dot0 },
    { minimumVersion: majorMinor(1, 35), checkPod: runAsNonRootV1Dot35 },
  ],
};
