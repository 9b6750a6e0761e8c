/**
 * The sysctls check (src/podsecurity/checks/sysctls.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { describe, expect, it } from "vitest";
import type { CheckPodFn } from "../../../src/podsecurity/check.js";
import {
  sysctlsV1Dot0,
  sysctlsV1Dot27,
  sysctlsV1Dot29,
  sysctlsV1Dot32,
  sysctlsV1Dot37,
} from "../../../src/podsecurity/checks/sysctls.js";
import { table } from "./table.js";

const sysctlPod = (...names: string[]) => ({
  securityContext: { sysctls: names.map((name) => ({ name, value: "1" })) },
  containers: [],
});

table("sysctls v1.0 (check_sysctls_test.go TestSysctls)", sysctlsV1Dot0, [
  { name: "forbidden sysctls", spec: sysctlPod("a", "b"), reason: "forbidden sysctls", detail: "a, b" },
  {
    name: "new supported sysctls not supported",
    spec: sysctlPod("net.ipv4.ip_local_reserved_ports"),
    reason: "forbidden sysctls",
    detail: "net.ipv4.ip_local_reserved_ports",
  },
  {
    name: "the five 1.0 sysctls are allowed",
    spec: sysctlPod(
      "kernel.shm_rmid_forced",
      "net.ipv4.ip_local_port_range",
      "net.ipv4.tcp_syncookies",
      "net.ipv4.ping_group_range",
      "net.ipv4.ip_unprivileged_port_start",
    ),
  },
]);

table("sysctls v1.27 (check_sysctls_test.go TestSysctls_1_27)", sysctlsV1Dot27, [
  { name: "forbidden sysctls", spec: sysctlPod("a", "b"), reason: "forbidden sysctls", detail: "a, b" },
  { name: "new supported sysctls", spec: sysctlPod("net.ipv4.ip_local_reserved_ports") },
  {
    name: "the 1.29 keepalive sysctls are not yet allowed",
    spec: sysctlPod("net.ipv4.tcp_keepalive_time"),
    reason: "forbidden sysctls",
    detail: "net.ipv4.tcp_keepalive_time",
  },
]);

describe("sysctls version boundaries", () => {
  const cases: [string, CheckPodFn, string, boolean][] = [
    ["1.29 allows tcp_keepalive_time", sysctlsV1Dot29, "net.ipv4.tcp_keepalive_time", true],
    ["1.29 allows tcp_fin_timeout", sysctlsV1Dot29, "net.ipv4.tcp_fin_timeout", true],
    ["1.29 allows tcp_keepalive_intvl", sysctlsV1Dot29, "net.ipv4.tcp_keepalive_intvl", true],
    ["1.29 allows tcp_keepalive_probes", sysctlsV1Dot29, "net.ipv4.tcp_keepalive_probes", true],
    ["1.29 forbids tcp_rmem", sysctlsV1Dot29, "net.ipv4.tcp_rmem", false],
    ["1.32 allows tcp_rmem", sysctlsV1Dot32, "net.ipv4.tcp_rmem", true],
    ["1.32 allows tcp_wmem", sysctlsV1Dot32, "net.ipv4.tcp_wmem", true],
    ["1.32 forbids tcp_slow_start_after_idle", sysctlsV1Dot32, "net.ipv4.tcp_slow_start_after_idle", false],
    ["1.37 allows tcp_slow_start_after_idle", sysctlsV1Dot37, "net.ipv4.tcp_slow_start_after_idle", true],
    ["1.37 allows tcp_notsent_lowat", sysctlsV1Dot37, "net.ipv4.tcp_notsent_lowat", true],
    ["1.37 still forbids kernel.msgmax", sysctlsV1Dot37, "kernel.msgmax", false],
  ];
  it.each(cases)("%s", (_name, check, sysctl, allowed) => {
    expect(check({}, sysctlPod(sysctl)).allowed).toBe(allowed);
  });
  it("lists forbidden names in spec order, unquoted and not de-duplicated", () => {
    expect(sysctlsV1Dot37({}, sysctlPod("z", "a", "z")).forbiddenDetail).toBe("z, a, z");
  });
});
