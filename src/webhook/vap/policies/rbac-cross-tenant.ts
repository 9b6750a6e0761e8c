/**
 * rbac-cross-tenant in CEL: partial. Bindings to system:authenticated, system:unauthenticated or
 * system:serviceaccounts are decided by the binding alone and denied as the webhook denies them. Whether any
 * other binding or role change gives an identity of one tenant access into another depends on the roles it
 * references and the bindings already there — the RBAC state the webhook evaluates with the authorizer —
 * which a policy, seeing one object, cannot read.
 */
import { ALL_AUTHENTICATED, ALL_SERVICE_ACCOUNTS, ALL_UNAUTHENTICATED } from "../../../rbac/attributes.js";
import { rbacCrossTenant } from "../../guardrails/rbac-cross-tenant.js";
import { strList } from "../cel.js";
import { messageCel, type PolicyGuardrail } from "../policy.js";

const EVERYONE = strList([ALL_AUTHENTICATED, ALL_UNAUTHENTICATED, ALL_SERVICE_ACCOUNTS]);

export const rbacCrossTenantPolicy: PolicyGuardrail = {
  guardrail: rbacCrossTenant,
  kinds: ["RoleBinding", "ClusterRoleBinding"],
  fidelity: () => "partial",
  limits: () => [
    "only bindings to system:authenticated, system:unauthenticated and system:serviceaccounts are denied: whether another binding or a Role/ClusterRole change gives one tenant's identities access into another depends on the referenced roles and the existing bindings, which CEL cannot read (the webhook evaluates the RBAC state after the change)",
  ],
  variables: () => [
    {
      name: "broad",
      expression: `object.?subjects.orValue([]).filter(s, s.kind == "Group" && s.name in ${EVERYONE})`,
    },
  ],
  validations: () => [
    {
      expression: "size(variables.broad) == 0",
      messageExpression: messageCel(
        rbacCrossTenant.id,
        `object.kind + " \\"" + object.metadata.name + "\\" binds " + variables.broad.map(s, "Group \\"" + s.name + "\\"").join(", ") + ", which includes the identities of every tenant"`,
        JSON.stringify("bind specific users, groups or service accounts of your own tenant"),
      ),
    },
  ],
};
