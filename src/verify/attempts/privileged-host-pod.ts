/**
 * A privileged container in the host's PID namespace with the node's root filesystem mounted: from it, a
 * tenant owns the node, the kubelet's credentials and every other tenant's pods on that node. Pod Security
 * baseline forbids each of the three (privileged, host namespaces, hostPath volumes).
 */
import { type Attempt, podRequest, VERIFY_PREFIX } from "../attempt.js";

export const privilegedHostPod: Attempt = {
  id: "privileged-host-pod",
  summary:
    "create a privileged pod with hostPID and the node's / mounted (hostPath), which owns the node and every tenant on it",
  creditedAs: "escapesRefusedBy",
  plan(target) {
    return podRequest(
      target,
      `${VERIFY_PREFIX}-host-escape`,
      { hostPID: true, volumes: [{ name: "host", hostPath: { path: "/" } }] },
      {
        name: "escape",
        securityContext: { privileged: true },
        volumeMounts: [{ name: "host", mountPath: "/host" }],
      },
    );
  },
};
