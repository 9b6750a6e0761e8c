/**
 * The hostPorts check (src/podsecurity/checks/hostPorts.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { hostPortsV1Dot0 } from "../../../src/podsecurity/checks/hostPorts.js";
import { table } from "./table.js";

table("hostPorts (check_hostPorts_test.go)", hostPortsV1Dot0, [
  {
    name: "one container, one host port",
    spec: {
      containers: [
        { name: "a", ports: [{ containerPort: 1, hostPort: 0 }] },
        {
          name: "b",
          ports: [
            { containerPort: 1, hostPort: 0 },
            { containerPort: 2, hostPort: 20 },
          ],
        },
      ],
    },
    reason: "hostPort",
    detail: 'container "b" uses hostPort 20',
  },
  {
    name: "multiple containers, multiple host port",
    spec: {
      containers: [
        { name: "a", ports: [{ containerPort: 1, hostPort: 0 }] },
        {
          name: "b",
          ports: [
            { containerPort: 1, hostPort: 0 },
            { containerPort: 2, hostPort: 10 },
            { containerPort: 3, hostPort: 20 },
          ],
        },
        {
          name: "c",
          ports: [
            { containerPort: 1, hostPort: 0 },
            { containerPort: 2, hostPort: 10 },
            { containerPort: 3, hostPort: 30 },
          ],
        },
      ],
    },
    reason: "hostPort",
    detail: 'containers "b", "c" use hostPorts 10, 20, 30',
  },
  {
    name: "ports are a sorted string set, so 443 sorts before 80 (sets.String)",
    spec: {
      containers: [
        {
          name: "web",
          ports: [
            { containerPort: 80, hostPort: 80 },
            { containerPort: 443, hostPort: 443 },
          ],
        },
      ],
    },
    reason: "hostPort",
    detail: 'container "web" uses hostPorts 443, 80',
  },
]);
