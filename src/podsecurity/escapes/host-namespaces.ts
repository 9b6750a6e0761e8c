/**
 * The node's network, process and IPC namespaces (hostNetwork, hostPID, hostIPC); hostPID with a privileged container is a root shell on the node.
 */
import type { EscapeEvidence, EscapePath } from "./path.js";

export const hostNamespaces: EscapePath = {
  kinds: ["host-network", "host-pid", "host-ipc"],
  find(spec, { specPath, containers }) {
    const evidence: EscapeEvidence[] = [];
    const anyPrivileged = containers.some(({ container }) => container.securityContext?.privileged === true);
    if (spec.hostNetwork === true)
      evidence.push({
        kind: "host-network",
        field: `${specPath}.hostNetwork=true`,
        summary: "hostNetwork",
        detail:
          "the node's network namespace: node-local services (kubelet, metadata endpoints), every interface, no NetworkPolicy",
        severity: "high",
        takeover: false,
      });
    if (spec.hostPID === true)
      evidence.push({
        kind: "host-pid",
        field: `${specPath}.hostPID=true`,
        summary: "hostPID",
        detail: `the node's process namespace: sees and signals every host process${anyPrivileged ? "; with privileged, nsenter -t 1 is a root shell on the node" : ""}`,
        severity: anyPrivileged ? "critical" : "high",
        takeover: anyPrivileged,
      });
    if (spec.hostIPC === true)
      evidence.push({
        kind: "host-ipc",
        field: `${specPath}.hostIPC=true`,
        summary: "hostIPC",
        detail: "the node's IPC namespace: shared memory of host processes",
        severity: "medium",
        takeover: false,
      });
    return evidence;
  },
};
