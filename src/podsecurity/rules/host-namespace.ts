/** node.host-namespace: Host namespace */
import { escapeRule } from "./escape.js";

export const hostNamespace = escapeRule({
  id: "node.host-namespace",
  kinds: ["host-network", "host-pid", "host-ipc"],
  severity: "high",
  title: "Host namespace",
  description:
    "The pod shares the node's network, process or IPC namespace: node-local services and no NetworkPolicy (hostNetwork), every host process (hostPID), host shared memory (hostIPC).",
  help: "Remove hostNetwork, hostPID and hostIPC; enforce Pod Security baseline on the namespace.",
  references: ["https://kubernetes.io/docs/concepts/security/pod-security-standards/"],
});
