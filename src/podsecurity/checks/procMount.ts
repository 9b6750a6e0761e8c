/**
 * The default /proc masks reduce attack surface and are required, unless (from policy v1.35) the pod runs in
 * its own user namespace (`hostUsers: false`). Restricted field: every container's securityContext.procMount.
 * Allowed: undefined, "Default" (any value with hostUsers: false from v1.35).
 * Upstream: policy/check_procMount_baseline.go (ID "procMount"); restricted re-tightens it from v1.35 with
 * procMount_restricted.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { containerSetter, inUserNamespace, joinQuote, sortedSet, visitContainers } from "../helpers.js";

export const PROC_MOUNT_ID = "procMount";

/** procMount_1_0: unmasked /proc is forbidden unconditionally. */
export const procMountV1Dot0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  visitContainers(spec, (c) => {
    const procMount = c.securityContext?.procMount;
    if (procMount != null && procMount !== "Default") {
      bad.push(c.name);
      types.push(procMount);
    }
  });
  if (bad.length === 0) return ALLOWED;
  return forbidden(
    "procMount",
    `${containerSetter(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
  );
};

/** procMount1_35baseline: pods in a user namespace may set any procMount. */
export const procMountV1Dot35Baseline: CheckPodFn = (meta, spec) =>
  inUserNamespace(spec) ? ALLOWED : procMountV1Dot0(meta, spec);

export const procMount: Check = {
  id: PROC_MOUNT_ID,
  level: "baseline",
  versions: [
    { minimumVersion: majorMinor(1, 0), checkPod: procMountV1Dot0 },
    { minimumVersion: majorMinor(1, 35), checkPod: procMountV1Dot35Baseline },
  ],
};
