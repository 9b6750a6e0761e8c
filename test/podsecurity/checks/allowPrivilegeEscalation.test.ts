/**
 * The allowPrivilegeEscalation check (src/podsecurity/checks/allowPrivilegeEscalation.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { allowPrivilegeEscalationV1Dot8 } from "../../../src/podsecurity/checks/allowPrivilegeEscalation.js";
import { named } from "../support.js";
import { table } from "./table.js";

table("allowPrivilegeEscalation (check_allowPrivilegeEscalation_test.go)", allowPrivilegeEscalationV1Dot8, [
  {
    name: "multiple containers",
    spec: {
      containers: [
        named("a"),
        named("b", {}),
        named("c", { allowPrivilegeEscalation: true }),
        named("d", { allowPrivilegeEscalation: false }),
      ],
    },
    reason: "allowPrivilegeEscalation != false",
    detail: 'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false',
  },
]);
