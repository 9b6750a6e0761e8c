/**
 * network-policy-managed in CEL: exact. The old object says whether the policy is managed; a DELETE is let
 * through while its namespace terminates (the namespace controller empties it), as namespaceObject shows.
 */

import { MANAGED_LABEL } from "../../../tenancy/guardrails.js";
import { networkPolicyManaged } from "../../guardrails/network-policy-managed.js";
import { labelsOf } from "../cel.js";
import { messageCel, type PolicyGuardrail } from "../policy.js";

const LABEL = JSON.stringify(MANAGED_LABEL);
const COMPLY = JSON.stringify(
  "leave the managed policy as it is and add a NetworkPolicy of your own next to it (policies only add allowances); a platform administrator can change the baseline",
);
const WHERE = `"NetworkPolicy \\"" + oldObject.metadata.name + "\\" in namespace \\"" + oldObject.metadata.namespace + "\\" is managed by kubefence"`;

export const networkPolicyManagedPolicy: PolicyGuardrail = {
  guardrail: networkPolicyManaged,
  fidelity: () => "exact",
  limits: () => [],
  variables: () => [
    { name: "managed", expression: `${labelsOf("oldObject")}[?${LABEL}].orValue("") == "true"` },
    {
      name: "terminating",
      expression:
        'has(namespaceObject.metadata.deletionTimestamp) || (has(namespaceObject.status) && has(namespaceObject.status.phase) && namespaceObject.status.phase == "Terminating")',
    },
  ],
  validations: () => [
    {
      why: "DELETE, unless the namespace is terminating",
      expression: '!variables.managed || request.operation != "DELETE" || variables.terminating',
      messageExpression: messageCel(
        networkPolicyManaged.id,
        `${WHERE} + " (${MANAGED_LABEL}=true) and may not be deleted"`,
        COMPLY,
      ),
    },
    {
      why: "UPDATE: the label stays",
      expression: `!variables.managed || request.operation != "UPDATE" || ${labelsOf("object")}[?${LABEL}].orValue("") == "true"`,
      messageExpression: messageCel(
        networkPolicyManaged.id,
        `${WHERE} + "; its ${MANAGED_LABEL}=true label may not be removed"`,
        COMPLY,
      ),
    },
    {
      why: "UPDATE: the spec stays",
      expression: `!variables.managed || request.operation != "UPDATE" || object.?spec.orValue({}) == oldObject.?spec.orValue({})`,
      messageExpression: messageCel(
        networkPolicyManaged.id,
        `${WHERE} + " (${MANAGED_LABEL}=true); its spec may not be changed"`,
        COMPLY,
      ),
    },
  ],
};
