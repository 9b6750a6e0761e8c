/**
 * A pod on the node's network namespace: it sees every connection on the node, can reach services bound to
 * the node's loopback, and escapes every NetworkPolicy (they select pods, not hosts). Baseline forbids it.
 */
import { type Attempt, CONTAINER_RESOURCES, dryRun, labels, VERIFY_PREFIX } from "../attempt.js";

export const hostNetworkPod: Attempt = {
  id: "host-network-pod",
  summary:
    "create a pod with hostNetwork, which shares the node's network and is outside every NetworkPolicy",
  plan(target) {
    const name = `${VERIFY_PREFIX}-host-network`;
    return {
      request: {
        method: "POST",
        path: dryRun(`/api/v1/namespaces/${target.namespace}/pods`),
        body: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name, namespace: target.namespace, labels: labels(target) },
          spec: {
            hostNetwork: true,
            restartPolicy: "Never",
            containers: [
              {
                name: "sniff",
                image: "busybox:1.36",
                command: ["sleep", "3600"],
                resources: CONTAINER_RESOURCES,
              },
            ],
          },
        },
        acceptedAs: `pod/${name} created (server dry run)`,
      },
    };
  },
};
