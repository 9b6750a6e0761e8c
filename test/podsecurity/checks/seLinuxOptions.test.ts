/**
 * The seLinuxOptions check (src/podsecurity/checks/seLinuxOptions.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import {
  seLinuxOptionsV1Dot0,
  seLinuxOptionsV1Dot31,
} from "../../../src/podsecurity/checks/seLinuxOptions.js";
import { named, type Row } from "../support.js";
import { table } from "./table.js";

const seLinuxRows = (engine: boolean): Row[] => [
  {
    name: "invalid pod and containers",
    spec: {
      securityContext: { seLinuxOptions: { type: "foo", user: "bar", role: "baz" } },
      containers: [
        named("a", { seLinuxOptions: { type: "container_t" } }),
        named("b", { seLinuxOptions: { type: "container_init_t" } }),
        named("c", { seLinuxOptions: { type: "container_kvm_t" } }),
        ...(engine ? [named("d", { seLinuxOptions: { type: "container_engine_t" } })] : []),
        named("e", { seLinuxOptions: { type: "bar" } }),
        named("f", { seLinuxOptions: { user: "bar" } }),
        named("g", { seLinuxOptions: { role: "baz" } }),
      ],
    },
    reason: "seLinuxOptions",
    detail:
      'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set',
  },
  {
    name: "invalid containers",
    spec: {
      securityContext: { seLinuxOptions: {} },
      containers: [
        named("a", { seLinuxOptions: { type: "container_t" } }),
        named("e", { seLinuxOptions: { type: "bar" } }),
        named("f", { seLinuxOptions: { user: "bar" } }),
        named("g", { seLinuxOptions: { role: "baz" } }),
      ],
    },
    reason: "seLinuxOptions",
    detail:
      'containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: type "bar"; user may not be set; role may not be set',
  },
  {
    name: "bad type",
    spec: { securityContext: { seLinuxOptions: { type: "bad" } }, containers: [] },
    reason: "seLinuxOptions",
    detail: 'pod set forbidden securityContext.seLinuxOptions: type "bad"',
  },
  {
    name: "bad user",
    spec: { securityContext: { seLinuxOptions: { user: "bad" } }, containers: [] },
    reason: "seLinuxOptions",
    detail: "pod set forbidden securityContext.seLinuxOptions: user may not be set",
  },
  {
    name: "bad role",
    spec: { securityContext: { seLinuxOptions: { role: "bad" } }, containers: [] },
    reason: "seLinuxOptions",
    detail: "pod set forbidden securityContext.seLinuxOptions: role may not be set",
  },
];

table("seLinuxOptions v1.31 (check_seLinuxOptions_test.go)", seLinuxOptionsV1Dot31, [
  ...seLinuxRows(true),
  {
    name: "container_engine_t is allowed from v1.31",
    spec: { containers: [named("d", { seLinuxOptions: { type: "container_engine_t" } })] },
  },
]);

table("seLinuxOptions v1.0", seLinuxOptionsV1Dot0, [
  ...seLinuxRows(false),
  {
    name: "container_engine_t is forbidden before v1.31",
    spec: { containers: [named("d", { seLinuxOptions: { type: "container_engine_t" } })] },
    reason: "seLinuxOptions",
    detail: 'container "d" set forbidden securityContext.seLinuxOptions: type "container_engine_t"',
  },
]);
