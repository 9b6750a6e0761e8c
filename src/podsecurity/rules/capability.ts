/** node.capability: Capability that reaches the node */
import { escapeRule } from "./escape.js";

export const capability = escapeRule({
  id: "node.capability",
  kinds: ["capability"],
  severity: "high",
  title: "Capability that reaches the node",
  description:
    "An added capability amounts to root on the node or close to it (SYS_ADMIN, SYS_MODULE, BPF, DAC_READ_SEARCH\u2026); with hostPID or hostNetwork some reach further.",
  help: "Drop all capabilities and add back only what the container needs; baseline allows only the runtime defaults.",
  references: [
    "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
    "https://man7.org/linux/man-pages/man7/capabilities.7.html",
  ],
});
