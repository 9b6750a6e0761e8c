/**
 * HostPath volumes must be forbidden. Restricted field: spec.volumes[*].hostPath. Allowed: undefined.
 * Upstream: policy/check_hostPathVolumes.go. Restricted replaces it with restrictedVolumes.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";
import { joinQuote, pluralize } from "../helpers.js";

export const HOST_PATH_VOLUMES_ID = "hostPathVolumes";

export const hostPathVolumesV1Dot0: CheckPodFn = (_meta, spec) => {
  const bad = (spec.volumes ?? []).filter((v) => v.hostPath != null).map((v) => v.name);
  if (bad.length === 0) return ALLOWED;
  return forbidden("hostPath volumes", `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)}`);
};

export const hostPathVolumes: Check = {
  id: HOST_PATH_VOLUMES_ID,
  level: "baseline",
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: hostPathVolumesV1Dot0 }],
};
