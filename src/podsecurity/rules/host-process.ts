/** node.host-process: Windows HostProcess container */
import { escapeRule } from "./escape.js";

export const hostProcess = escapeRule({
  id: "node.host-process",
  kinds: ["host-process"],
  severity: "critical",
  title: "Windows HostProcess container",
  description: "A HostProcess pod or container runs as a process on the Windows node, outside any container.",
  help: "Remove windowsOptions.hostProcess; enforce Pod Security baseline on the namespace.",
  references: ["https://kubernetes.io/docs/concepts/security/pod-security-standards/"],
});
