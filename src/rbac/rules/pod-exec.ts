/** rbac.pod-exec: Exec, attach or port-forward into pods */
import { core, riskRule } from "./risk.js";

export const podExec = riskRule({
  id: "rbac.pod-exec",
  namespaced: true,
  anyOf: [
    core("create", "pods", "exec"),
    core("get", "pods", "exec"),
    core("create", "pods", "attach"),
    core("get", "pods", "attach"),
    core("create", "pods", "portforward"),
    core("get", "pods", "portforward"),
  ],
  severity: { cluster: "critical", namespace: "medium" },
  what: "exec, attach or port-forward into pods: run code as their service accounts",
  remediation:
    "Remove pods/exec, pods/attach and pods/portforward, or bind them only in namespaces where this subject owns every pod.",
  title: "Exec, attach or port-forward into pods",
  description:
    "pods/exec, pods/attach and pods/portforward run code in, or connect to, pods the holder did not create, with their service accounts' permissions.",
  references: ["https://kubernetes.io/docs/concepts/security/rbac-good-practices/"],
});
