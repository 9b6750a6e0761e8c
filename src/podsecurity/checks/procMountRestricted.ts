/**
 * Restricted keeps the unconditional /proc mask requirement when baseline relaxes it for user-namespace pods:
 * from v1.35 it runs procMount_1_0 and replaces the baseline procMount check.
 * Upstream: policy/check_procMount_restricted.go.
 */
import { majorMinor } from "../api.js";
import type { Check } from "../check.js";
import { PROC_MOUNT_ID, procMountV1Dot0 } from "./procMount.js";

export const procMountRestricted: Check = {
  id: "procMount_restricted",
  level: "restricted",
  versions: [
    { minimumVersion: majorMinor(1, 35), checkPod: procMountV1Dot0, overrideCheckIds: [PROC_MOUNT_ID] },
  ],
};
