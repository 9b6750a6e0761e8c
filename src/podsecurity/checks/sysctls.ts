/**
 * Sysctls can disable security mechanisms or affect every container on the node; only the namespaced,
 * isolated "safe" set is allowed. Restricted field: spec.securityContext.sysctls[*].name.
 * The safe set grows with the policy version (1.0, 1.27, 1.29, 1.32, 1.37). Upstream: policy/check_sysctls.go.
 */
import { majorMinor } from "../api.js";
import { ALLOWED, type Check, type CheckPodFn, forbidden } from "../check.js";

const V1_0 = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
];
const V1_27 = [...V1_0, "net.ipv4.ip_local_reserved_ports"];
const V1_29 = [
  ...V1_27,
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
];
const V1_32 = [...V1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const V1_37 = [...V1_32, "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"];

function sysctlsCheck(allowed: readonly string[]): CheckPodFn {
  const safe = new Set(allowed);
  return (_meta, spec) => {
    // Names in spec order, not de-duplicated, unquoted.
    const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((name) => !safe.has(name));
    if (bad.length === 0) return ALLOWED;
    return forbidden("forbidden sysctls", bad.join(", "));
  };
}

export const sysctlsV1Dot0 = sysctlsCheck(V1_0);
export const sysctlsV1Dot27 = sysctlsCheck(V1_27);
export const sysctlsV1Dot29 = sysctlsCheck(V1_29);
export const sysctlsV1Dot32 = sysctlsCheck(V1_32);
export const sysctlsV1Dot37 = sysctlsCheck(V1_37);

export const sysctls: Check = {
  id: "sysctls",
  level: "baseline",
  versions: [
    { minimumVersion: majorMinor(1, 0), checkPod: sysctlsV1Dot0 },
    { minimumVersion: majorMinor(1, 27), checkPod: sysctlsV1Dot27 },
    { minimumVersion: majorMinor(1, 29), checkPod: sysctlsV1Dot29 },
    { minimumVersion: majorMinor(1, 32), checkPod: sysctlsV1Dot32 },
    { minimumVersion: majorMinor(1, 37), checkPod: sysctlsV1Dot37 },
  ],
};
