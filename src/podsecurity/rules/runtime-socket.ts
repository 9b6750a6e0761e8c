/** node.runtime-socket: Container runtime socket mounted */
import { escapeRule } from "./escape.js";

export const runtimeSocket = escapeRule({
  id: "node.runtime-socket",
  kinds: ["runtime-socket"],
  severity: "critical",
  title: "Container runtime socket mounted",
  description:
    "A hostPath volume exposes the container runtime socket (docker, containerd, cri-o): whoever can talk to it starts a privileged container on the node.",
  help: "Do not mount the runtime socket; use the Kubernetes API, or a dedicated, audited agent in a platform namespace.",
  references: [
    "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
    "https://kyverno.io/policies/best-practices/disallow-cri-sock-mount/disallow-cri-sock-mount/",
  ],
});
