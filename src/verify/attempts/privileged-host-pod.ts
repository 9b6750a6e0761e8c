/**
 * A privileged container in the host's PID namespace with the node's root filesystem mounted: from it, a
 * tenant owns the node, the kubelet's credentials and every other tenant's pods on that node. Pod Security
 * baseline forbids each of the three (privileged, host namespaces, hostPath volumes).
 */
import { type Attempt, CONTAINER_RESOURCES, dryRun, labels, VERIFY_PREFIX } from "../attempt.js";

export const privilegedHostPod: Attempt = {
  id: "privileged-host-pod",
  summary:
    "create a privileged pod with hostPID and the node's / mounted (hostPath), which owns the node and every tenant on it",
  plan(target) {
    const name = `${VERIFY_PREFIX}-host-escape`;
    return {
      request: {
        method: "POST",
        path: dryRun(`/api/v1/namespaces/${target.namespace}/pods`),
        body: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name, namespace: target.namespace, labels: labels(target) },
          spec: {
            hostPID: true,
            restartPolicy: "Never",
            containers: [
              {
                name: "escape",
                image: "busybox:1.36",
                command: ["sleep", "3600"],
                securityContext: { privileged: true },
                resources: CONTAINER_RESOURCES,
                volumeMounts: [{ name: "host", mountPath: "/host" }],
              },
            ],
            volumes: [{ name: "host", hostPath: { path: "/" } }],
          },
        },
        acceptedAs: `pod/${name} created (server dry run)`,
      },
    };
  },
};
