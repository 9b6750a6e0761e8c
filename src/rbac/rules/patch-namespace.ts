/** rbac.patch-namespace: Patch its own Namespace */
import { core, riskRule } from "./risk.js";

export const patchNamespace = riskRule({
  id: "rbac.patch-namespace",
  namespaced: true,
  anyOf: [core("patch", "namespaces", undefined, "own"), core("update", "namespaces", undefined, "own")],
  severity: { cluster: "high", namespace: "high" },
  what: "patch or update its Namespace object: relabel pod-security.kubernetes.io/enforce and lift Pod Security",
  remediation:
    "Remove patch/update on namespaces; a RoleBinding in a namespace grants them on that Namespace object itself.",
  title: "Patch its own Namespace",
  description:
    "patch or update on the Namespace object lets the holder relabel pod-security.kubernetes.io/enforce and lift Pod Security for its pods.",
  references: ["https://kubernetes.io/docs/concepts/security/rbac-good-practices/#namespace-modification"],
});
