/**
 * The hostNamespaces check (src/podsecurity/checks/hostNamespaces.ts), transcribed from upstream's unit test
 * (staging/src/k8s.io/pod-security-admission/policy/check_*_test.go, named in each table's title): same
 * pods, same exact reason and detail strings.
 */
import { hostNamespacesV1Dot0 } from "../../../src/podsecurity/checks/hostNamespaces.js";
import { table } from "./table.js";

table("hostNamespaces (check_hostNamespaces_test.go)", hostNamespacesV1Dot0, [
  {
    name: "multiple host namespaces",
    spec: { hostNetwork: true, hostIPC: true, hostPID: true, containers: [] },
    reason: "host namespaces",
    detail: "hostNetwork=true, hostPID=true, hostIPC=true",
  },
  {
    name: "only the namespaces set are listed",
    spec: { hostPID: true, containers: [] },
    reason: "host namespaces",
    detail: "hostPID=true",
  },
  { name: "false is allowed", spec: { hostNetwork: false, containers: [] } },
]);
