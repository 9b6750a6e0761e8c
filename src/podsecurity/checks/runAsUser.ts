/**
 * Containers must not set runAsUser: 0 (pod or container level; unset is allowed). From v1.35 pods in their
 * own user namespace (hostUsers: false) are exempt. Upstream: policy/check_runAsUser.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { containerSetter, inUserNamespace, visitContainers } from "../helpers.js";

export const runAsUserV1Dot23: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  if (spec.securityContext?.runAsUser === 0) setters.push("pod");
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    if (c.securityContext?.runAsUser === 0) bad.push(c.name);
  });
  if (bad.length > 0) setters.push(containerSetter(bad));
  if (setters.length === 0) return ALLOWED;
  return forbidden("runAsUser=0", `${setters.join(" and ")} must not set runAsUser=0`);
};

export const runAsUserV1Dot35: CheckPodFn = (meta, spec) =>
  inUserNamespace(spec) ? ALLOWED : runAsUserV1Dot23(meta, spec);

export const runAsUser: Check = {
  id: "runAsUser",
  level: "restricted",
  versions: [
    { minimumVersion: majorMinor(1, 23), checkPod: runAsUserV1Dot23 },
    { minimumVersion: majorMinor(1, 35), checkPod: runAsUserV1Dot35 },
  ],
};
