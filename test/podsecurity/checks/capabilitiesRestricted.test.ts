/**
 * The capabilitiesRestricted check (src/podsecurity/checks/capabilitiesRestricted.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { capabilitiesRestrictedV1Dot22 } from "../../../src/podsecurity/checks/capabilitiesRestricted.js";
import { named } from "../support.js";
import { table } from "./table.js";

table("capabilities_restricted (check_capabilities_restricted_test.go)", capabilitiesRestrictedV1Dot22, [
  {
    name: "multiple containers",
    spec: {
      containers: [
        named("a", { capabilities: { add: ["FOO", "BAR"] } }),
        named("b", { capabilities: { add: ["BAR", "BAZ"] } }),
        named("c", { capabilities: { add: ["NET_BIND_SERVICE", "CHOWN"], drop: ["ALL", "FOO"] } }),
      ],
    },
    reason: "unrestricted capabilities",
    detail:
      'containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add',
  },
  {
    name: "drop ALL and add NET_BIND_SERVICE is allowed",
    spec: { containers: [named("a", { capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] } })] },
  },
  {
    name: "no securityContext must drop ALL",
    spec: { containers: [named("a")] },
    reason: "unrestricted capabilities",
    detail: 'container "a" must set securityContext.capabilities.drop=["ALL"]',
  },
]);
