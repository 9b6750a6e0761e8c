/** rbac.nodes-proxy: nodes/proxy: the kubelet API */
import { core, riskRule } from "./risk.js";

export const nodesProxy = riskRule({
  id: "rbac.nodes-proxy",
  namespaced: false,
  anyOf: [core("create", "nodes", "proxy"), core("get", "nodes", "proxy")],
  severity: { cluster: "critical" },
  what: "nodes/proxy: the kubelet API, i.e. exec into every pod on every node",
  remediation: "Remove nodes/proxy; monitoring agents need only nodes/metrics and nodes/stats.",
  title: "nodes/proxy: the kubelet API",
  description:
    "nodes/proxy reaches the kubelet API of every node, and with it exec into every pod on every node, bypassing admission and audit of pods/exec.",
  references: [
    "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes",
  ],
});
