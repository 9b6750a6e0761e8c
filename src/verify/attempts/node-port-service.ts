/**
 * A NodePort Service opens a port on every node, reachable from outside the cluster and from every
 * tenant's pods, past the tenant's NetworkPolicies (traffic arrives from the node). `tenant init` sets
 * `services.nodeports: "0"` in the tenant's ResourceQuota.
 */
import { type Attempt, dryRun, labels, VERIFY_PREFIX } from "../attempt.js";

export const nodePortService: Attempt = {
  id: "node-port-service",
  summary: "create a NodePort Service, which opens a port on every node",
  plan(target) {
    const name = `${VERIFY_PREFIX}-node-port`;
    return {
      request: {
        method: "POST",
        path: dryRun(`/api/v1/namespaces/${target.namespace}/services`),
        body: {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name, namespace: target.namespace, labels: labels(target) },
          spec: {
            type: "NodePort",
            selector: { [`${VERIFY_PREFIX}`]: "none" },
            ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }],
          },
        },
        acceptedAs: `service/${name} created (server dry run)`,
      },
    };
  },
};
