/**
 * Sharing the host's network, PID or IPC namespace must be disallowed.
 * Restricted fields: spec.hostNetwork, spec.hostPID, spec.hostIPC. Allowed: false, undefined.
 * Upstream: policy/check_hostNamespaces.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";

export const hostNamespacesV1Dot0: CheckPodFn = (_meta, spec) => {
  const shared: string[] = [];
  if (spec.hostNetwork) shared.push("hostNetwork=true");
  if (spec.hostPID) shared.push("hostPID=true");
  if (spec.hostIPC) shared.push("hostIPC=true");
  if (shared.length === 0) return ALLOWED;
  return forbidden("host namespaces", shared.join(", "));
};

export const hostNamespaces: Check = {
  id: "hostNamespaces",
  level: "baseline",
  versions: [{ minimumVersion: majorMinor(1, 0), checkPod: hostNamespacesV1Dot0 }],
};
