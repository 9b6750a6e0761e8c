/**
 * Baseline checks, transcribed from upstream's unit tests (staging/src/k8s.io/pod-security-admission/policy/
 * check_*_test.go): same pods, same exact reason and detail strings.
 */
import { describe, expect, it } from "vitest";
import type { CheckPodFn } from "../../../src/podsecurity/check.js";
import { appArmorProfileV1Dot0 } from "../../../src/podsecurity/checks/appArmorProfile.js";
import { capabilitiesBaselineV1Dot0 } from "../../../src/podsecurity/checks/capabilitiesBaseline.js";
import { hostNamespacesV1Dot0 } from "../../../src/podsecurity/checks/hostNamespaces.js";
import { hostPathVolumesV1Dot0 } from "../../../src/podsecurity/checks/hostPathVolumes.js";
import { hostPortsV1Dot0 } from "../../../src/podsecurity/checks/hostPorts.js";
import { hostProbesAndHostLifecycleV1Dot34 } from "../../../src/podsecurity/checks/hostProbesAndHostLifecycle.js";
import { privilegedV1Dot0 } from "../../../src/podsecurity/checks/privileged.js";
import { procMountV1Dot0, procMountV1Dot35Baseline } from "../../../src/podsecurity/checks/procMount.js";
import {
  seccompProfileBaselineV1Dot0,
  seccompProfileBaselineV1Dot19,
} from "../../../src/podsecurity/checks/seccompProfileBaseline.js";
import {
  seLinuxOptionsV1Dot0,
  seLinuxOptionsV1Dot31,
} from "../../../src/podsecurity/checks/seLinuxOptions.js";
import {
  sysctlsV1Dot0,
  sysctlsV1Dot27,
  sysctlsV1Dot29,
  sysctlsV1Dot32,
  sysctlsV1Dot37,
} from "../../../src/podsecurity/checks/sysctls.js";
import { windowsHostProcessV1Dot0 } from "../../../src/podsecurity/checks/windowsHostProcess.js";
import { expected, named, type PodSpec, type Row, run } from "../support.js";

function table(title: string, check: CheckPodFn, rows: Row[]) {
  describe(title, () => {
    it.each(rows.map((row) => [row.name, row] as const))("%s", (_name, row) => {
      expect(run(check, row)).toEqual(expected(row));
    });
  });
}

table("privileged (check_privileged_test.go)", privilegedV1Dot0, [
  {
    name: "privileged",
    spec: {
      containers: [
        named("a"),
        named("b", {}),
        named("c", { privileged: false }),
        named("d", { privileged: true }),
        named("e", { privileged: true }),
      ],
    },
    reason: "privileged",
    detail: 'containers "d", "e" must not set securityContext.privileged=true',
  },
  {
    name: "init, regular and ephemeral containers are named in visiting order",
    spec: {
      containers: [named("app", { privileged: true })],
      initContainers: [named("init", { privileged: true })],
      ephemeralContainers: [{ name: "debug", securityContext: { privileged: true } }],
    },
    reason: "privileged",
    detail: 'containers "init", "app", "debug" must not set securityContext.privileged=true',
  },
  { name: "privileged=false is allowed", spec: { containers: [named("a", { privileged: false })] } },
]);

table("hostNamespaces (check_hostNamespaces_test.go)", hostNamespacesV1Dot0, [
  {
    name: "multiple host namespaces",
    spec: { hostNetwork: true, hostIPC: true, hostPID: true, containers: [] },
    reason: "host namespaces",
    detail: "hostNetwork=true, hostPID=true, hostIPC=true",
  },
  {
    name: "only the namespaces set are listed",
    spec: { hostPID: true, containers: [] },
    reason: "host namespaces",
    detail: "hostPID=true",
  },
  { name: "false is allowed", spec: { hostNetwork: false, containers: [] } },
]);

table("hostPathVolumes (check_hostPathVolumes_test.go)", hostPathVolumesV1Dot0, [
  {
    name: "host path volumes",
    spec: {
      containers: [],
      volumes: [
        { name: "a", hostPath: { path: "" } },
        { name: "b", hostPath: { path: "" } },
        { name: "c", emptyDir: {} },
      ],
    },
    reason: "hostPath volumes",
    detail: 'volumes "a", "b"',
  },
  {
    name: "one volume is singular",
    spec: { containers: [], volumes: [{ name: "root", hostPath: { path: "/" } }] },
    reason: "hostPath volumes",
    detail: 'volume "root"',
  },
]);

table("hostPorts (check_hostPorts_test.go)", hostPortsV1Dot0, [
  {
    name: "one container, one host port",
    spec: {
      containers: [
        { name: "a", ports: [{ containerPort: 1, hostPort: 0 }] },
        {
          name: "b",
          ports: [
            { containerPort: 1, hostPort: 0 },
            { containerPort: 2, hostPort: 20 },
          ],
        },
      ],
    },
    reason: "hostPort",
    detail: 'container "b" uses hostPort 20',
  },
  {
    name: "multiple containers, multiple host port",
    spec: {
      containers: [
        { name: "a", ports: [{ containerPort: 1, hostPort: 0 }] },
        {
          name: "b",
          ports: [
            { containerPort: 1, hostPort: 0 },
            { containerPort: 2, hostPort: 10 },
            { containerPort: 3, hostPort: 20 },
          ],
        },
        {
          name: "c",
          ports: [
            { containerPort: 1, hostPort: 0 },
            { containerPort: 2, hostPort: 10 },
            { containerPort: 3, hostPort: 30 },
          ],
        },
      ],
    },
    reason: "hostPort",
    detail: 'containers "b", "c" use hostPorts 10, 20, 30',
  },
  {
    name: "ports are a sorted string set, so 443 sorts before 80 (sets.String)",
    spec: {
      containers: [
        {
          name: "web",
          ports: [
            { containerPort: 80, hostPort: 80 },
            { containerPort: 443, hostPort: 443 },
          ],
        },
      ],
    },
    reason: "hostPort",
    detail: 'container "web" uses hostPorts 443, 80',
  },
]);

table("capabilities_baseline (check_capabilities_baseline_test.go)", capabilitiesBaselineV1Dot0, [
  {
    name: "multiple containers",
    spec: {
      containers: [
        named("a", { capabilities: { add: ["FOO", "BAR"] } }),
        named("b", { capabilities: { add: ["BAR", "BAZ"] } }),
      ],
    },
    reason: "non-default capabilities",
    detail: 'containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add',
  },
  {
    name: "the 13 default capabilities are allowed",
    spec: {
      containers: [
        named("a", {
          capabilities: {
            add: [
              "AUDIT_WRITE",
              "CHOWN",
              "DAC_OVERRIDE",
              "FOWNER",
              "FSETID",
              "KILL",
              "MKNOD",
              "NET_BIND_SERVICE",
              "SETFCAP",
              "SETGID",
              "SETPCAP",
              "SETUID",
              "SYS_CHROOT",
            ],
          },
        }),
      ],
    },
  },
  {
    name: "no CAP_ prefix stripping: CAP_CHOWN is not CHOWN",
    spec: { containers: [named("a", { capabilities: { add: ["CAP_CHOWN"] } })] },
    reason: "non-default capabilities",
    detail: 'container "a" must not include "CAP_CHOWN" in securityContext.capabilities.add',
  },
]);

table("appArmorProfile (check_appArmorProfile_test.go)", appArmorProfileV1Dot0, [
  {
    name: "container with default AppArmor + extra annotations",
    meta: {
      annotations: { "container.apparmor.security.beta.kubernetes.io/test": "runtime/default", env: "prod" },
    },
    spec: { containers: [] },
  },
  {
    name: "container with local AppArmor + extra annotations",
    meta: {
      annotations: {
        "container.apparmor.security.beta.kubernetes.io/test": "localhost/sec-profile01",
        env: "dev",
      },
    },
    spec: { containers: [] },
  },
  {
    name: "pod and container RuntimeDefault/Localhost fields are allowed",
    spec: {
      securityContext: { appArmorProfile: { type: "RuntimeDefault" } },
      containers: [named("a", { appArmorProfile: { type: "Localhost", localhostProfile: "p" } })],
    },
  },
  {
    name: "unconfined pod",
    spec: { securityContext: { appArmorProfile: { type: "Unconfined" } }, containers: [] },
    reason: "forbidden AppArmor profile",
    detail: 'pod must not set AppArmor profile type to "Unconfined"',
  },
  {
    name: "unconfined container",
    spec: {
      securityContext: { appArmorProfile: { type: "RuntimeDefault" } },
      containers: [named("foo", { appArmorProfile: { type: "Unconfined" } })],
    },
    reason: "forbidden AppArmor profile",
    detail: 'container "foo" must not set AppArmor profile type to "Unconfined"',
  },
  {
    name: "unconfined init container",
    spec: {
      securityContext: { appArmorProfile: { type: "RuntimeDefault" } },
      containers: [named("foo")],
      initContainers: [named("bar", { appArmorProfile: { type: "Unconfined" } })],
    },
    reason: "forbidden AppArmor profile",
    detail: 'container "bar" must not set AppArmor profile type to "Unconfined"',
  },
  {
    name: "multiple containers",
    meta: {
      annotations: {
        "container.apparmor.security.beta.kubernetes.io/": "bogus",
        "container.apparmor.security.beta.kubernetes.io/a": "",
        "container.apparmor.security.beta.kubernetes.io/b": "runtime/default",
        "container.apparmor.security.beta.kubernetes.io/c": "localhost/",
        "container.apparmor.security.beta.kubernetes.io/d": "localhost/foo",
        "container.apparmor.security.beta.kubernetes.io/e": "unconfined",
        "container.apparmor.security.beta.kubernetes.io/f": "unknown",
      },
    },
    spec: { containers: [] },
    reason: "forbidden AppArmor profiles",
    detail:
      "annotations must not set AppArmor profile type to " +
      [
        '"container.apparmor.security.beta.kubernetes.io/="bogus""',
        '"container.apparmor.security.beta.kubernetes.io/e="unconfined""',
        '"container.apparmor.security.beta.kubernetes.io/f="unknown""',
      ].join(", "),
  },
  {
    name: "field and annotation setters are joined by 'and', field values first",
    meta: { annotations: { "container.apparmor.security.beta.kubernetes.io/b": "unconfined" } },
    spec: {
      securityContext: { appArmorProfile: { type: "Unconfined" } },
      containers: [named("a", { appArmorProfile: { type: "Unconfined" } })],
    },
    reason: "forbidden AppArmor profiles",
    detail:
      'pod and container "a" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/b="unconfined""',
  },
]);

table(
  "hostProbesAndHostLifecycle (check_hostProbesAndhostLifecycle_test.go)",
  hostProbesAndHostLifecycleV1Dot34,
  [
    { name: "valid pod", spec: { containers: [named("a")] } },
    {
      name: "invalid pod with local host IP as probe host",
      spec: {
        containers: [
          {
            name: "a",
            livenessProbe: { httpGet: { host: "127.0.0.1", port: 80 } },
            readinessProbe: { tcpSocket: { host: "::1", port: 80 } },
            startupProbe: { httpGet: { host: "localhost", port: 80 } },
          },
        ],
      },
      reason: "probe or lifecycle host",
      detail: 'container "a" uses probe or lifecycle hosts "127.0.0.1", "::1", "localhost"',
    },
    {
      name: "invalid httpget host in liveness probe",
      spec: { containers: [{ name: "a", livenessProbe: { httpGet: { host: "invalid.host", port: 80 } } }] },
      reason: "probe or lifecycle host",
      detail: 'container "a" uses probe or lifecycle host "invalid.host"',
    },
    {
      name: "invalid tcpsocket host in readiness probe",
      spec: {
        containers: [{ name: "b", readinessProbe: { tcpSocket: { host: "invalid.host", port: 80 } } }],
      },
      reason: "probe or lifecycle host",
      detail: 'container "b" uses probe or lifecycle host "invalid.host"',
    },
    {
      name: "invalid httpget host in startup probe",
      spec: { containers: [{ name: "c", startupProbe: { httpGet: { host: "invalid.host", port: 80 } } }] },
      reason: "probe or lifecycle host",
      detail: 'container "c" uses probe or lifecycle host "invalid.host"',
    },
    {
      name: "invalid poststart tcpsocket host",
      spec: {
        containers: [
          { name: "d", lifecycle: { postStart: { tcpSocket: { host: "invalid.host", port: 80 } } } },
        ],
      },
      reason: "probe or lifecycle host",
      detail: 'container "d" uses probe or lifecycle host "invalid.host"',
    },
    {
      name: "invalid prestop httpget host",
      spec: {
        containers: [
          { name: "e", lifecycle: { preStop: { httpGet: { host: "another.invalid.host", port: 80 } } } },
        ],
      },
      reason: "probe or lifecycle host",
      detail: 'container "e" uses probe or lifecycle host "another.invalid.host"',
    },
    {
      name: "multiple containers with multiple invalid hosts",
      spec: {
        containers: [
          named("valid"),
          { name: "invalid1", livenessProbe: { httpGet: { host: "a.com", port: 80 } } },
          {
            name: "invalid2",
            lifecycle: { preStop: { tcpSocket: { host: "b.com", port: 80 } } },
            startupProbe: { httpGet: { host: "a.com", port: 80 } },
          },
        ],
      },
      reason: "probe or lifecycle host",
      detail: 'containers "invalid1", "invalid2" use probe or lifecycle hosts "a.com", "b.com"',
    },
    {
      name: "invalid ipv4 host in probe",
      spec: { containers: [{ name: "a", livenessProbe: { httpGet: { host: "8.8.8.8", port: 80 } } }] },
      reason: "probe or lifecycle host",
      detail: 'container "a" uses probe or lifecycle host "8.8.8.8"',
    },
    {
      name: "invalid ipv6 host in probe",
      spec: {
        containers: [{ name: "a", livenessProbe: { tcpSocket: { host: "2001:4860:4860::8888", port: 80 } } }],
      },
      reason: "probe or lifecycle host",
      detail: 'container "a" uses probe or lifecycle host "2001:4860:4860::8888"',
    },
    {
      name: "invalid host in initcontainer",
      spec: {
        containers: [],
        initContainers: [
          { name: "init", livenessProbe: { httpGet: { host: "invalid.init.host", port: 80 } } },
        ],
      },
      reason: "probe or lifecycle host",
      detail: 'container "init" uses probe or lifecycle host "invalid.init.host"',
    },
  ],
);

/** Upstream tests an unknown value too; the API types only name Default and Unmasked. */
const OTHER_PROC_MOUNT = "other" as "Default";

const procMountPod = (hostUsers: boolean): PodSpec => ({
  hostUsers,
  containers: [
    named("a"),
    named("b", {}),
    named("c", { procMount: "Default" }),
    named("d", { procMount: "Unmasked" }),
    named("e", { procMount: OTHER_PROC_MOUNT }),
  ],
});

table("procMount v1.35 baseline (check_procMount_test.go)", procMountV1Dot35Baseline, [
  {
    name: "procMount (hostUsers: true)",
    spec: procMountPod(true),
    reason: "procMount",
    detail: 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"',
  },
  { name: "procMount (hostUsers: false) is allowed", spec: procMountPod(false) },
]);

table("procMount v1.0: no user-namespace relaxation", procMountV1Dot0, [
  {
    name: "hostUsers: false does not relax the 1.0 check",
    spec: procMountPod(false),
    reason: "procMount",
    detail: 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"',
  },
]);

const seLinuxRows = (engine: boolean): Row[] => [
  {
    name: "invalid pod and containers",
    spec: {
      securityContext: { seLinuxOptions: { type: "foo", user: "bar", role: "baz" } },
      containers: [
        named("a", { seLinuxOptions: { type: "container_t" } }),
        named("b", { seLinuxOptions: { type: "container_init_t" } }),
        named("c", { seLinuxOptions: { type: "container_kvm_t" } }),
        ...(engine ? [named("d", { seLinuxOptions: { type: "container_engine_t" } })] : []),
        named("e", { seLinuxOptions: { type: "bar" } }),
        named("f", { seLinuxOptions: { user: "bar" } }),
        named("g", { seLinuxOptions: { role: "baz" } }),
      ],
    },
    reason: "seLinuxOptions",
    detail:
      'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set',
  },
  {
    name: "invalid containers",
    spec: {
      securityContext: { seLinuxOptions: {} },
      containers: [
        named("a", { seLinuxOptions: { type: "container_t" } }),
        named("e", { seLinuxOptions: { type: "bar" } }),
        named("f", { seLinuxOptions: { user: "bar" } }),
        named("g", { seLinuxOptions: { role: "baz" } }),
      ],
    },
    reason: "seLinuxOptions",
    detail:
      'containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: type "bar"; user may not be set; role may not be set',
  },
  {
    name: "bad type",
    spec: { securityContext: { seLinuxOptions: { type: "bad" } }, containers: [] },
    reason: "seLinuxOptions",
    detail: 'pod set forbidden securityContext.seLinuxOptions: type "bad"',
  },
  {
    name: "bad user",
    spec: { securityContext: { seLinuxOptions: { user: "bad" } }, containers: [] },
    reason: "seLinuxOptions",
    detail: "pod set forbidden securityContext.seLinuxOptions: user may not be set",
  },
  {
    name: "bad role",
    spec: { securityContext: { seLinuxOptions: { role: "bad" } }, containers: [] },
    reason: "seLinuxOptions",
    detail: "pod set forbidden securityContext.seLinuxOptions: role may not be set",
  },
];

table("seLinuxOptions v1.31 (check_seLinuxOptions_test.go)", seLinuxOptionsV1Dot31, [
  ...seLinuxRows(true),
  {
    name: "container_engine_t is allowed from v1.31",
    spec: { containers: [named("d", { seLinuxOptions: { type: "container_engine_t" } })] },
  },
]);

table("seLinuxOptions v1.0", seLinuxOptionsV1Dot0, [
  ...seLinuxRows(false),
  {
    name: "container_engine_t is forbidden before v1.31",
    spec: { containers: [named("d", { seLinuxOptions: { type: "container_engine_t" } })] },
    reason: "seLinuxOptions",
    detail: 'container "d" set forbidden securityContext.seLinuxOptions: type "container_engine_t"',
  },
]);

table("seccompProfile_baseline v1.0 (check_seccompProfile_baseline_test.go)", seccompProfileBaselineV1Dot0, [
  {
    name: "pod seccomp invalid",
    meta: { annotations: { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" } },
    spec: { containers: [] },
    reason: "seccompProfile",
    detail: 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"',
  },
  {
    name: "containers seccomp invalid",
    meta: {
      annotations: {
        "container.seccomp.security.alpha.kubernetes.io/a": "unconfined",
        "container.seccomp.security.alpha.kubernetes.io/b": "unknown",
      },
    },
    spec: { containers: [named("a"), named("b"), named("c")] },
    reason: "seccompProfile",
    detail:
      'forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", container.seccomp.security.alpha.kubernetes.io/b="unknown"',
  },
  {
    name: "pod and containers seccomp invalid",
    meta: {
      annotations: {
        "seccomp.security.alpha.kubernetes.io/pod": "unconfined",
        "container.seccomp.security.alpha.kubernetes.io/a": "unconfined",
        "container.seccomp.security.alpha.kubernetes.io/b": "unknown",
      },
    },
    spec: { containers: [named("a"), named("b"), named("c")] },
    reason: "seccompProfile",
    detail:
      'forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", container.seccomp.security.alpha.kubernetes.io/b="unknown", seccomp.security.alpha.kubernetes.io/pod="unconfined"',
  },
  {
    name: "runtime/default, docker/default and localhost/* are allowed",
    meta: {
      annotations: {
        "seccomp.security.alpha.kubernetes.io/pod": "runtime/default",
        "container.seccomp.security.alpha.kubernetes.io/a": "docker/default",
        "container.seccomp.security.alpha.kubernetes.io/b": "localhost/p.json",
      },
    },
    spec: { containers: [named("a"), named("b")] },
  },
  {
    name: "annotations for containers the pod does not have are ignored",
    meta: { annotations: { "container.seccomp.security.alpha.kubernetes.io/ghost": "unconfined" } },
    spec: { containers: [named("a")] },
  },
]);

const seccompContainers = [
  named("a"),
  named("b", {}),
  named("c", { seccompProfile: { type: "Unconfined" } }),
  named("d", { seccompProfile: { type: "Unconfined" } }),
  named("e", { seccompProfile: { type: "RuntimeDefault" } }),
  named("f", { seccompProfile: { type: "RuntimeDefault" } }),
];

table(
  "seccompProfile_baseline v1.19 (check_seccompProfile_baseline_test.go)",
  seccompProfileBaselineV1Dot19,
  [
    {
      name: "pod seccomp invalid",
      spec: { securityContext: { seccompProfile: { type: "Unconfined" } }, containers: [named("a")] },
      reason: "seccompProfile",
      detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"',
    },
    {
      name: "containers seccomp invalid",
      spec: {
        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
        containers: seccompContainers,
      },
      reason: "seccompProfile",
      detail: 'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
    },
    {
      name: "pod and containers seccomp invalid",
      spec: { securityContext: { seccompProfile: { type: "Unconfined" } }, containers: seccompContainers },
      reason: "seccompProfile",
      detail: 'pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
    },
    { name: "unset is allowed under baseline", spec: { containers: [named("a")] } },
  ],
);

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

table("windowsHostProcess (check_windowsHostProcess_test.go)", windowsHostProcessV1Dot0, [
  {
    name: "host process",
    spec: {
      securityContext: { windowsOptions: { hostProcess: true } },
      containers: [
        named("a"),
        named("b", {}),
        named("c", { windowsOptions: {} }),
        named("d", { windowsOptions: { hostProcess: false } }),
        named("e", { windowsOptions: { hostProcess: true } }),
        named("f", { windowsOptions: { hostProcess: true } }),
      ],
    },
    reason: "hostProcess",
    detail: 'pod and containers "e", "f" must not set securityContext.windowsOptions.hostProcess=true',
  },
]);
