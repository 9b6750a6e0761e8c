/**
 * The appArmorProfile check (src/podsecurity/checks/appArmorProfile.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { appArmorProfileV1Dot0 } from "../../../src/podsecurity/checks/appArmorProfile.js";
import { named } from "../support.js";
import { table } from "./table.js";

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
