/**
 * A virtual cluster's host namespace without a NetworkPolicy of its own: the syncer runs every pod of the
 * virtual cluster there, on the host's pod network, so with nothing selecting them they accept connections
 * from every other tenant (vcluster's `policies.networkPolicy` writes such policies when enabled).
 */
import { originOf } from "../../../model/origin.js";
import type { Draft, FindingRule } from "../../../model/rule.js";
import { VCLUSTER_MANAGED_BY_LABEL } from "../../../model/virtual.js";
import { manifest, networkPolicy } from "../../../network/rules/support.js";
import { namespaceIndex, type PlatformRuleInput, tenantsOf } from "./input.js";

function find(input: PlatformRuleInput): Draft[] {
  const withPolicy = new Set(input.snapshot.networkPolicies.map((p) => p.metadata.namespace));
  const namespaces = namespaceIndex(input.snapshot);
  const synced = new Map<string, number>();
  for (const pod of input.snapshot.pods) {
    const labels = pod.metadata.labels;
    if (labels && Object.hasOwn(labels, VCLUSTER_MANAGED_BY_LABEL))
      synced.set(pod.metadata.namespace, (synced.get(pod.metadata.namespace) ?? 0) + 1);
  }
  const out: Draft[] = [];
  for (const tenant of tenantsOf(input, "vcluster"))
    for (const ns of tenant.namespaces) {
      if (withPolicy.has(ns)) continue;
      const count = synced.get(ns) ?? 0;
      out.push({
        subject: `virtual cluster ${tenant.name}`,
        object: `namespace ${ns}`,
        message: `virtual cluster ${tenant.name}'s host namespace ${ns} has no NetworkPolicy: the pods the syncer runs there (${count} read) accept connections from every pod of the host, other virtual clusters' included`,
        evidence: [
          `${tenant.from!.declaredBy.kind} ${tenant.from!.declaredBy.namespace ?? ns}/${tenant.from!.declaredBy.name}: the control plane of ${tenant.name}`,
          `no NetworkPolicy in namespace ${ns}`,
        ],
        remediation: `Enable the virtual cluster's policies.networkPolicy (vcluster.yaml), or isolate the namespace and admit only its own pods:\n${manifest(
          [
            networkPolicy(ns, "default-deny-ingress", {
              podSelector: {},
              policyTypes: ["Ingress"],
              ingress: [{ from: [{ podSelector: {} }] }],
            }),
          ],
        )}`,
        resource: { kind: "Namespace", name: ns },
        origin: namespaces.get(ns) ? originOf(namespaces.get(ns)!) : undefined,
      });
    }
  return out;
}

export const vclusterHostWithoutNetworkPolicy: FindingRule<PlatformRuleInput> = {
  id: "network.vcluster-host-without-network-policy",
  plane: "network",
  severity: "high",
  title: "Virtual cluster's host namespace without NetworkPolicy",
  description:
    "A vcluster's host namespace has no NetworkPolicy: the virtual cluster's pods run there on the host's network, reachable from every other tenant's pods, whatever the virtual cluster's own policies say.",
  help: "Enable the virtual cluster's policies.networkPolicy, or give the host namespace a policy that admits only its own pods (and what must reach them).",
  remediation:
    "policies.networkPolicy.enabled: true in the vcluster's values, or a NetworkPolicy in <namespace> admitting only its own pods",
  references: [
    "https://github.com/loft-sh/vcluster/blob/main/chart/templates/networkpolicy.yaml",
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
  ],
  find,
};
