/**
 * The procMount check (src/podsecurity/checks/procMount.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { procMountV1Dot0, procMountV1Dot35Baseline } from "../../../src/podsecurity/checks/procMount.js";
import { named, type PodSpec } from "../support.js";
import { table } from "./table.js";

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
