/**
 * network-policy-cross-tenant in CEL: partial. The rules that admit every namespace — no `from`, or a peer
 * whose namespaceSelector is `{}` — are decided by the policy alone and denied as the webhook denies them.
 * Any other namespaceSelector admits whichever namespaces carry its labels now: the webhook evaluates it
 * against the namespaces it has cached, which CEL cannot list, so those peers are not checked here; nor are
 * the ipBlock warnings given.
 */
import { networkPolicyCrossTenant } from "../../guardrails/network-policy-cross-tenant.js";
import { messageCel, type PolicyGuardrail } from "../policy.js";

export const networkPolicyCrossTenantPolicy: PolicyGuardrail = {
  guardrail: networkPolicyCrossTenant,
  fidelity: () => "partial",
  limits: () => [
    "not checked: a namespaceSelector other than {}: whether it admits another tenant depends on the namespaces that exist and their labels, which CEL cannot list (the webhook evaluates it against its cache); a denial for {} or a rule without from then lists only those problems",
    "not given: the warning about ipBlock peers",
  ],
  variables: () => [
    {
      name: "problems",
      expression: `object.?spec.?policyTypes.orValue([]).exists(t, t == "Ingress") ? object.spec.?ingress.orValue([]).transformList(i, r, size(r.?from.orValue([])) == 0 ? ["ingress[" + string(i) + "] has no \\"from\\", so it admits traffic from every namespace and every tenant"] : r.from.transformList(j, p, !has(p.ipBlock) && has(p.namespaceSelector) && size(p.namespaceSelector.?matchLabels.orValue({})) == 0 && size(p.namespaceSelector.?matchExpressions.orValue([])) == 0, "ingress[" + string(i) + "].from[" + string(j) + "] has namespaceSelector {}, which admits every namespace and every tenant")).flatten() : []`,
    },
  ],
  validations: () => [
    {
      expression: "size(variables.problems) == 0",
      messageExpression: messageCel(
        networkPolicyCrossTenant.id,
        `"NetworkPolicy \\"" + object.metadata.name + "\\" would admit traffic from other tenants: " + variables.problems.join("; ")`,
        `"select only your own namespaces (e.g. namespaceSelector matchLabels kubernetes.io/metadata.name: <ns>), or ask a platform administrator to add the tenant to allowFrom of tenant \\"" + variables.tenant + "\\""`,
      ),
    },
  ],
};
