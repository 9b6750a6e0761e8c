/** node.proc-mount: Unmasked /proc */
import { escapeRule } from "./escape.js";

export const procMount = escapeRule({
  id: "node.proc-mount",
  kinds: ["proc-mount"],
  severity: "medium",
  title: "Unmasked /proc",
  description:
    "A container sets procMount to Unmasked outside a user namespace and sees the host's /proc unmasked.",
  help: "Remove procMount, or run the pod with hostUsers: false.",
  references: ["https://kubernetes.io/docs/concepts/security/pod-security-standards/"],
});
