/**
 * The hostProbesAndHostLifecycle check (src/podsecurity/checks/hostProbesAndHostLifecycle.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { hostProbesAndHostLifecycleV1Dot34 } from "../../../src/podsecurity/checks/hostProbesAndHostLifecycle.js";
import { named } from "../support.js";
import { table } from "./table.js";

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
