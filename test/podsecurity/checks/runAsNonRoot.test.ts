/**
 * The runAsNonRoot check (src/podsecurity/checks/runAsNonRoot.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { runAsNonRootV1Dot0, runAsNonRootV1Dot35 } from "../../../src/podsecurity/checks/runAsNonRoot.js";
import { named } from "../support.js";
import { table } from "./table.js";

table("runAsNonRoot v1.35 (check_runAsNonRoot_test.go)", runAsNonRootV1Dot35, [
  {
    name: "no explicit runAsNonRoot",
    spec: { containers: [named("a")] },
    reason: "runAsNonRoot != true",
    detail: 'pod or container "a" must set securityContext.runAsNonRoot=true',
  },
  {
    name: "pod runAsNonRoot=false",
    spec: { securityContext: { runAsNonRoot: false }, containers: [named("a")] },
    reason: "runAsNonRoot != true",
    detail: "pod must not set securityContext.runAsNonRoot=false",
  },
  {
    name: "containers runAsNonRoot=false",
    spec: {
      securityContext: { runAsNonRoot: true },
      containers: [
        named("a"),
        named("b", {}),
        named("c", { runAsNonRoot: false }),
        named("d", { runAsNonRoot: false }),
        named("e", { runAsNonRoot: true }),
        named("f", { runAsNonRoot: true }),
      ],
    },
    reason: "runAsNonRoot != true",
    detail: 'containers "c", "d" must not set securityContext.runAsNonRoot=false',
  },
  {
    name: "pod nil, container fallthrough",
    spec: {
      containers: [
        named("a"),
        named("b", {}),
        named("d", { runAsNonRoot: true }),
        named("e", { runAsNonRoot: true }),
      ],
    },
    reason: "runAsNonRoot != true",
    detail: 'pod or containers "a", "b" must set securityContext.runAsNonRoot=true',
  },
  { name: "host users false allowed", spec: { hostUsers: false, containers: [] } },
  {
    name: "hostUsers: false allows even an explicit runAsNonRoot=false",
    spec: { hostUsers: false, securityContext: { runAsNonRoot: false }, containers: [named("a")] },
  },
]);

table("runAsNonRoot v1.0: no user-namespace relaxation", runAsNonRootV1Dot0, [
  {
    name: "hostUsers: false still needs runAsNonRoot before v1.35",
    spec: { hostUsers: false, containers: [named("a")] },
    reason: "runAsNonRoot != true",
    detail: 'pod or container "a" must set securityContext.runAsNonRoot=true',
  },
]);
