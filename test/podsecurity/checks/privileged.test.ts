/**
 * The privileged check (src/podsecurity/checks/privileged.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { privilegedV1Dot0 } from "../../../src/podsecurity/checks/privileged.js";
import { named } from "../support.js";
import { table } from "./table.js";

table("privileged (check_privileged_test.go)", privilegedV1Dot0, [
  {
    name: "privileged",
    spec: {
      containers: [
        named("a"),
        named("b", {}),
        named("c", { privileged: false }),
        named("d", { privileged: true }),
        named("e", { privileged: true }),
      ],
    },
    reason: "privileged",
    detail: 'containers "d", "e" must not set securityContext.privileged=true',
  },
  {
    name: "init, regular and ephemeral containers are named in visiting order",
    spec: {
      containers: [named("app", { privileged: true })],
      initContainers: [named("init", { privileged: true })],
      ephemeralContainers: [{ name: "debug", securityContext: { privileged: true } }],
    },
    reason: "privileged",
    detail: 'containers "init", "app", "debug" must not set securityContext.privileged=true',
  },
  { name: "privileged=false is allowed", spec: { containers: [named("a", { privileged: false })] } },
]);
