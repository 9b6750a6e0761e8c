/**
 * The seccompProfileRestricted check (src/podsecurity/checks/seccompProfileRestricted.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { seccompProfileRestrictedV1Dot19 } from "../../../src/podsecurity/checks/seccompProfileRestricted.js";
import { named } from "../support.js";
import { table } from "./table.js";

const seccompContainers = [
  named("a"),
  named("b", {}),
  named("c", { seccompProfile: { type: "Unconfined" } }),
  named("d", { seccompProfile: { type: "Unconfined" } }),
  named("e", { seccompProfile: { type: "RuntimeDefault" } }),
  named("f", { seccompProfile: { type: "RuntimeDefault" } }),
];

table(
  "seccompProfile_restricted (check_seccompProfile_restricted_test.go)",
  seccompProfileRestrictedV1Dot19,
  [
    {
      name: "no explicit seccomp",
      spec: { containers: [named("a")] },
      reason: "seccompProfile",
      detail:
        'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
    },
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
      name: "pod nil, container fallthrough",
      spec: {
        containers: [
          named("a"),
          named("b", {}),
          named("d", { seccompProfile: { type: "RuntimeDefault" } }),
          named("e", { seccompProfile: { type: "RuntimeDefault" } }),
        ],
      },
      reason: "seccompProfile",
      detail:
        'pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
    },
  ],
);
