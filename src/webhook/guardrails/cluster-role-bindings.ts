/**
 * Tenants may not write ClusterRoleBindings: one grants its subjects the role in every namespace — other
 * tenants' and the platform's included — and on cluster-scoped objects. Platform administrators pass before
 * any guardrail runs, so whoever reaches this check is not one.
 */
import { deny, type Guardrail } from "../guardrail.js";

export const clusterRoleBindings: Guardrail = {
  id: "rbac-cluster-bindings",
  summary: "only platform administrators create or change ClusterRoleBindings",
  kinds: ["ClusterRoleBinding"],
  operations: ["CREATE", "UPDATE"],
  check(request) {
    const name = request.object?.metadata.name ?? request.review.name ?? "";
    return deny(
      `ClusterRoleBinding "${name}" would grant its role in every namespace, including other tenants' and the platform's; only platform administrators manage ClusterRoleBindings`,
      "bind the role with a RoleBinding in your own namespace (a RoleBinding may reference a ClusterRole and grants it only there)",
    );
  },
};
