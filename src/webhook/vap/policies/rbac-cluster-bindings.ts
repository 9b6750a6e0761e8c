/** rbac-cluster-bindings in CEL: exact — the webhook denies every ClusterRoleBinding write that reaches it. */
import { clusterRoleBindings } from "../../guardrails/cluster-role-bindings.js";
import { messageCel, type PolicyGuardrail } from "../policy.js";

export const rbacClusterBindingsPolicy: PolicyGuardrail = {
  guardrail: clusterRoleBindings,
  fidelity: () => "exact",
  limits: () => [],
  variables: () => [],
  validations: () => [
    {
      expression: "false",
      messageExpression: messageCel(
        clusterRoleBindings.id,
        `"ClusterRoleBinding \\"" + object.metadata.name + "\\" would grant its role in every namespace, including other tenants' and the platform's; only platform administrators manage ClusterRoleBindings"`,
        JSON.stringify(
          "bind the role with a RoleBinding in your own namespace (a RoleBinding may reference a ClusterRole and grants it only there)",
        ),
      ),
    },
  ],
};
