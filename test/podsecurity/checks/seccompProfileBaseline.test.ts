/**
 * The seccompProfileBaseline check (src/podsecurity/checks/seccompProfileBaseline.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import {
  seccompProfileBaselineV1Dot0,
  seccompProfileBaselineV1Dot19,
} from "../../../src/podsecurity/checks/seccompProfileBaseline.js";
import { named } from "../support.js";
import { table } from "./table.js";

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
