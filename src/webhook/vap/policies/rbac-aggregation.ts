/** rbac-aggregation in CEL: exact — the labels of the ClusterRole are all it looks at. */
import { AGGREGATION_LABEL, rbacAggregation } from "../../guardrails/rbac-aggregation.js";
import { labelsOf } from "../cel.js";
import { messageCel, type PolicyGuardrail } from "../policy.js";

export const rbacAggregationPolicy: PolicyGuardrail = {
  guardrail: rbacAggregation,
  fidelity: () => "exact",
  limits: () => [],
  variables: () => [
    {
      name: "aggregationLabels",
      expression: `${labelsOf("object")}.filter(k, k.matches(${JSON.stringify(AGGREGATION_LABEL.source)})).sort()`,
    },
  ],
  validations: () => [
    {
      expression: "size(variables.aggregationLabels) == 0",
      messageExpression: messageCel(
        rbacAggregation.id,
        `"ClusterRole \\"" + object.metadata.name + "\\" carries aggregation label" + (size(variables.aggregationLabels) == 1 ? "" : "s") + " " + variables.aggregationLabels.map(k, "\\"" + k + "\\"").join(", ") + ", which would add its rules to every ClusterRole aggregating it, in every tenant"`,
        `"remove the label" + (size(variables.aggregationLabels) == 1 ? "" : "s") + "; to give your own users these rules, bind this ClusterRole with a RoleBinding in your namespace"`,
      ),
    },
  ],
};
