/**
 * The hostPathVolumes check (src/podsecurity/checks/hostPathVolumes.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { hostPathVolumesV1Dot0 } from "../../../src/podsecurity/checks/hostPathVolumes.js";
import { table } from "./table.js";

table("hostPathVolumes (check_hostPathVolumes_test.go)", hostPathVolumesV1Dot0, [
  {
    name: "host path volumes",
    spec: {
      containers: [],
      volumes: [
        { name: "a", hostPath: { path: "" } },
        { name: "b", hostPath: { path: "" } },
        { name: "c", emptyDir: {} },
      ],
    },
    reason: "hostPath volumes",
    detail: 'volumes "a", "b"',
  },
  {
    name: "one volume is singular",
    spec: { containers: [], volumes: [{ name: "root", hostPath: { path: "/" } }] },
    reason: "hostPath volumes",
    detail: 'volume "root"',
  },
]);
