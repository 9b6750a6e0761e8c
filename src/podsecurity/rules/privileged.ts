/** node.privileged: Privileged container */
import { escapeRule } from "./escape.js";

export const privileged = escapeRule({
  id: "node.privileged",
  kinds: ["privileged"],
  severity: "critical",
  title: "Privileged container",
  description:
    "A privileged container has every host device and capability and no seccomp or AppArmor confinement: root on the node, and so every tenant scheduled there.",
  help: "Remove securityContext.privileged; enforce Pod Security baseline on the namespace.",
  references: ["https://kubernetes.io/docs/concepts/security/pod-security-standards/"],
});
