/**
 * The capabilitiesBaseline check (src/podsecurity/checks/capabilitiesBaseline.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { capabilitiesBaselineV1Dot0 } from "../../../src/podsecurity/checks/capabilitiesBaseline.js";
import { named } from "../support.js";
import { table } from "./table.js";

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
