/**
 * The windowsHostProcess check (src/podsecurity/checks/windowsHostProcess.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { windowsHostProcessV1Dot0 } from "../../../src/podsecurity/checks/windowsHostProcess.js";
import { named } from "../support.js";
import { table } from "./table.js";

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
