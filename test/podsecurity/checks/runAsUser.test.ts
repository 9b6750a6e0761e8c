/**
 * The runAsUser check (src/podsecurity/checks/runAsUser.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { runAsUserV1Dot23, runAsUserV1Dot35 } from "../../../src/podsecurity/checks/runAsUser.js";
import { named } from "../support.js";
import { table } from "./table.js";

table("runAsUser v1.35 (check_runAsUser_test.go)", runAsUserV1Dot35, [
  {
    name: "pod runAsUser=0",
    spec: { securityContext: { runAsUser: 0 }, containers: [named("a")] },
    reason: "runAsUser=0",
    detail: "pod must not set runAsUser=0",
  },
  {
    name: "pod runAsUser=non-zero",
    spec: { securityContext: { runAsUser: 1000 }, containers: [named("a")] },
  },
  { name: "pod runAsUser=nil", spec: { securityContext: {}, containers: [named("a")] } },
  {
    name: "containers runAsUser=0",
    spec: {
      securityContext: { runAsUser: 1000 },
      containers: [
        named("a"),
        named("b", {}),
        named("c", { runAsUser: 0 }),
        named("d", { runAsUser: 0 }),
        named("e", { runAsUser: 1 }),
        named("f", { runAsUser: 1 }),
      ],
    },
    reason: "runAsUser=0",
    detail: 'containers "c", "d" must not set runAsUser=0',
  },
  {
    name: "containers runAsUser=non-zero",
    spec: {
      containers: [
        named("c", { runAsUser: 1 }),
        named("d", { runAsUser: 2 }),
        named("e", { runAsUser: 3 }),
        named("f", { runAsUser: 4 }),
      ],
    },
  },
  {
    name: "UserNamespacesPodSecurityStandards enabled without HostUsers",
    spec: { hostUsers: false, containers: [] },
  },
  {
    name: "UserNamespacesPodSecurityStandards enabled with HostUsers",
    spec: { hostUsers: true, securityContext: { runAsUser: 0 }, containers: [named("a")] },
    reason: "runAsUser=0",
    detail: "pod must not set runAsUser=0",
  },
]);

table("runAsUser v1.23: no user-namespace relaxation", runAsUserV1Dot23, [
  {
    name: "hostUsers: false still forbids runAsUser=0 before v1.35",
    spec: { hostUsers: false, securityContext: { runAsUser: 0 }, containers: [] },
    reason: "runAsUser=0",
    detail: "pod must not set runAsUser=0",
  },
]);
