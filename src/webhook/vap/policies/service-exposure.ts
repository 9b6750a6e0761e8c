/** service-exposure in CEL: exact — the Service and the tenant's `services:` setting, baked in per tenant. */
import { serviceExposure } from "../../guardrails/service-exposure.js";
import type { WebhookSettings } from "../../settings.js";
import { strList } from "../cel.js";
import { messageCel, type PolicyGuardrail } from "../policy.js";

const SETTINGS = ["nodePort", "loadBalancer", "externalIPs"] as const;

/** Tenant → the exposures its `services:` setting allows (tenants not listed allow none). */
function allowedCel(settings: WebhookSettings): string {
  const entries = settings.config.tenants
    .map((t) => [t.name, SETTINGS.filter((s) => t.services[s])] as const)
    .filter(([, allowed]) => allowed.length > 0);
  const map = `{${entries.map(([name, allowed]) => `${JSON.stringify(name)}: ${strList(allowed)}`).join(", ")}}`;
  return entries.length === 0 ? "[]" : `variables.tenant in ${map} ? ${map}[variables.tenant] : []`;
}

export const serviceExposurePolicy: PolicyGuardrail = {
  guardrail: serviceExposure,
  fidelity: () => "exact",
  limits: () => [],
  variables: (settings) => [
    { name: "allowedExposure", expression: allowedCel(settings) },
    { name: "serviceType", expression: 'object.?spec.?type.orValue("ClusterIP")' },
    { name: "externalIPs", expression: "object.?spec.?externalIPs.orValue([])" },
    {
      name: "exposure",
      // [problem, setting] per exposure the tenant may not use, in the webhook's order.
      expression: `(variables.serviceType == "NodePort" && !("nodePort" in variables.allowedExposure) ? [["type NodePort opens a port on every node", "nodePort"]] : []) + (variables.serviceType == "LoadBalancer" && !("loadBalancer" in variables.allowedExposure) ? [["type LoadBalancer exposes it outside the cluster and opens a port on every node", "loadBalancer"]] : []) + (size(variables.externalIPs) > 0 && !("externalIPs" in variables.allowedExposure) ? [["externalIPs " + variables.externalIPs.join(", ") + " would capture traffic to those addresses cluster-wide", "externalIPs"]] : [])`,
    },
  ],
  validations: () => [
    {
      expression: "size(variables.exposure) == 0",
      messageExpression: messageCel(
        serviceExposure.id,
        `"Service \\"" + object.metadata.name + "\\": " + variables.exposure.map(e, e[0]).join("; ") + ", which tenant \\"" + variables.tenant + "\\" may not do"`,
        `"use type ClusterIP without externalIPs (expose it through the platform's ingress), or ask a platform administrator to set services." + variables.exposure.map(e, e[1]).join("/services.") + ": true for tenant \\"" + variables.tenant + "\\" in the tenants file"`,
      ),
    },
  ],
};
