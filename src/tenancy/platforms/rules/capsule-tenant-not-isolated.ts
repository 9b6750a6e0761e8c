/**
 * A Capsule tenant whose namespaces accept traffic from every other tenant: Capsule copies a Tenant's
 * `spec.networkPolicies.items` into each of its namespaces, and nothing else isolates them.
 */

import type { NetworkPolicy } from "../../../model/objects.js";
import { originOf } from "../../../model/origin.js";
import type { Draft, FindingRule } from "../../../model/rule.js";
import { toYaml } from "../../../model/yaml-text.js";
import { CAPSULE_TENANT_LABEL, capsuleTenants } from "../capsule.js";
import { listed, type PlatformRuleInput, tenantsOf } from "./input.js";

/** A policy that selects every pod of its namespace for ingress: the namespace is isolated (upstream semantics). */
function isolatesNamespace(policy: NetworkPolicy): boolean {
  const selector = policy.spec?.podSelector;
  const selectsAll =
    !selector ||
    ((selector.matchLabels === undefined || Object.keys(selector.matchLabels).length === 0) &&
      (selector.matchExpressions ?? []).length === 0);
  return selectsAll && (policy.spec?.policyTypes ?? ["Ingress"]).includes("Ingress");
}

function find(input: PlatformRuleInput): Draft[] {
  const out: Draft[] = [];
  const isolated = new Set(
    input.snapshot.networkPolicies.filter(isolatesNamespace).map((p) => p.metadata.namespace),
  );
  const objects = new Map(capsuleTenants(input.snapshot).map((t) => [t.metadata.name, t]));
  for (const tenant of tenantsOf(input, "capsule")) {
    const open = tenant.namespaces.filter((ns) => !isolated.has(ns));
    if (open.length === 0) continue;
    const object = objects.get(tenant.name);
    const declared = object?.spec?.networkPolicies?.items?.length ?? 0;
    out.push({
      subject: `Capsule tenant ${tenant.name}`,
      object:
        open.length === 1 ? `namespace ${open[0]}` : `${open.length} namespaces of tenant ${tenant.name}`,
      message: `Capsule tenant ${tenant.name} has no network isolation: ${open.length === 1 ? "namespace" : "namespaces"} ${listed(open)} ${open.length === 1 ? "has" : "have"} no NetworkPolicy that selects every pod for ingress, so other tenants' pods can connect to ${open.length === 1 ? "it" : "them"}`,
      evidence: [
        declared === 0
          ? `Tenant ${tenant.name}: spec.networkPolicies declares no policy for Capsule to copy into its namespaces`
          : `Tenant ${tenant.name}: spec.networkPolicies declares ${declared} polic${declared === 1 ? "y" : "ies"}, none of which isolates every pod of ${listed(open)} for ingress`,
        ...open
          .slice(0, 10)
          .map(
            (ns) => `namespace ${ns}: no NetworkPolicy with an empty podSelector and Ingress in policyTypes`,
          ),
      ],
      remediation: `Give the Tenant a policy that admits only its own namespaces; Capsule copies it into every namespace of the tenant:\n${toYaml(
        {
          spec: {
            networkPolicies: {
              items: [
                {
                  policyTypes: ["Ingress"],
                  podSelector: {},
                  ingress: [
                    {
                      from: [{ namespaceSelector: { matchLabels: { [CAPSULE_TENANT_LABEL]: tenant.name } } }],
                    },
                  ],
                },
              ],
            },
          },
        },
      )}`,
      resource: { kind: "Tenant", name: tenant.name },
      origin: object ? originOf(object) : undefined,
    });
  }
  return out;
}

export const capsuleTenantNotIsolated: FindingRule<PlatformRuleInput> = {
  id: "network.capsule-tenant-not-isolated",
  plane: "network",
  severity: "high",
  title: "Capsule tenant without network isolation",
  description:
    "Some namespace of a Capsule tenant has no NetworkPolicy selecting every pod for ingress (Capsule copies the Tenant's spec.networkPolicies.items into each namespace): pods of every other tenant can connect to it.",
  help: "Declare in the Tenant's spec.networkPolicies.items (or replicate with a TenantResource) a policy that isolates every pod and admits only the tenant's own namespaces (by the capsule.clastix.io/tenant label).",
  remediation:
    "spec.networkPolicies.items: [{policyTypes: [Ingress], podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {capsule.clastix.io/tenant: <tenant>}}}]}]}]",
  references: [
    "https://github.com/projectcapsule/capsule/blob/main/api/v1beta2/tenant_types.go",
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic",
  ],
  find,
};
