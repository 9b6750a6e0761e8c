/**
 * namespace-tenant in CEL. The tenant of the namespace before and after is computed from its own name and
 * labels, as the webhook does. The requester's tenants come from the tenants file's owners and from the
 * namespace of its service account: CEL sees that namespace's name only, so with tenants declared by
 * namespaceSelector the policy is partial (a service account's tenant is taken from its namespace's name).
 */

import { TENANT_LABEL } from "../../../tenancy/guardrails.js";
import { PLATFORM } from "../../../tenancy/tenants.js";
import { namespaceTenant } from "../../guardrails/namespace-tenant.js";
import type { WebhookSettings } from "../../settings.js";
import { labelsOf, ownerCel, requesterTenantsCel, strList, tenantOfCel, tenantsByName } from "../cel.js";
import { messageCel, type PolicyGuardrail } from "../policy.js";

const LABEL = JSON.stringify(TENANT_LABEL);

/** `unset` or the quoted value of the label, for `label` or `oldLabel`. */
function quotedOrUnset(label: string): string {
  return `(!variables.${label}Set ? "unset" : "\\"" + variables.${label} + "\\"")`;
}

export const namespaceTenantPolicy: PolicyGuardrail = {
  guardrail: namespaceTenant,
  fidelity: (settings) => (tenantsByName(settings) ? "exact" : "partial"),
  limits: (settings) =>
    tenantsByName(settings)
      ? []
      : [
          "not checked: a requester's service account (or system:serviceaccounts:NS group) of a namespace that no tenant names, while some tenant is declared by namespaceSelector, makes it a member of no tenant: CEL cannot read that namespace's labels",
        ],
  variables: (settings: WebhookSettings) => [
    { name: "name", expression: "object.metadata.name" },
    { name: "after", expression: tenantOfCel(settings, "object.metadata.name", labelsOf("object")) },
    { name: "labelSet", expression: `${LABEL} in ${labelsOf("object")}` },
    { name: "label", expression: `${labelsOf("object")}[?${LABEL}].orValue("")` },
    { name: "oldLabelSet", expression: `oldObject != null && ${LABEL} in ${labelsOf("oldObject")}` },
    {
      name: "oldLabel",
      expression: `oldObject == null ? "" : ${labelsOf("oldObject")}[?${LABEL}].orValue("")`,
    },
    {
      name: "before",
      expression: `oldObject == null ? "" : ${tenantOfCel(settings, "oldObject.metadata.name", labelsOf("oldObject"))}`,
    },
    { name: "requesterTenants", expression: requesterTenantsCel(settings) },
    {
      name: "known",
      expression: `variables.after == ${JSON.stringify(PLATFORM)} || variables.after in ${strList(settings.config.tenants.map((t) => t.name))}`,
    },
  ],
  validations: () => [
    {
      why: "UPDATE: the kubefence.io/tenant label stays as it is",
      expression:
        'request.operation != "UPDATE" || (variables.labelSet == variables.oldLabelSet && variables.label == variables.oldLabel)',
      messageExpression: messageCel(
        namespaceTenant.id,
        `"label \\"${TENANT_LABEL}\\" of namespace \\"" + variables.name + "\\" may not change (from " + ${quotedOrUnset("oldLabel")} + " to " + ${quotedOrUnset("label")} + "): NetworkPolicies select a tenant's namespaces by it"`,
        `"keep ${TENANT_LABEL}" + (variables.oldLabelSet ? "=" + variables.oldLabel : " unset") + "; a platform administrator can move namespaces between tenants"`,
      ),
    },
    {
      why: "UPDATE: the namespace stays with its tenant",
      expression: 'request.operation != "UPDATE" || variables.before == variables.after',
      messageExpression: messageCel(
        namespaceTenant.id,
        `"this change of labels would move namespace \\"" + variables.name + "\\" from " + ${ownerCel("variables.before")} + " to " + ${ownerCel("variables.after")}`,
        JSON.stringify(
          "keep the labels that the tenants file selects tenants by (its namespaceSelector keys) unchanged; a platform administrator can move namespaces",
        ),
      ),
    },
    {
      why: "CREATE: kubefence.io/tenant names the namespace's own tenant or one of the requester's",
      expression:
        'request.operation != "CREATE" || !variables.labelSet || variables.label == variables.after || variables.label in variables.requesterTenants',
      messageExpression: messageCel(
        namespaceTenant.id,
        `"namespace \\"" + variables.name + "\\" would carry ${TENANT_LABEL}=" + variables.label + ", naming a tenant you do not belong to"`,
        JSON.stringify(`set ${TENANT_LABEL} to your own tenant's name, or leave it unset`),
      ),
    },
    {
      why: "CREATE: a namespace of a known tenant (or the platform) only by that tenant",
      expression:
        'request.operation != "CREATE" || !variables.known || variables.after in variables.requesterTenants',
      messageExpression: messageCel(
        namespaceTenant.id,
        `"namespace \\"" + variables.name + "\\" would belong to " + ${ownerCel("variables.after")} + ", not to " + (size(variables.requesterTenants) > 0 ? variables.requesterTenants.map(t, ${ownerCel("t")}).join(" or ") : "you")`,
        JSON.stringify(
          "choose a name and labels that place the namespace in your own tenant, or ask a platform administrator",
        ),
      ),
    },
  ],
};
