/**
 * A virtual cluster's host namespace that enforces no Pod Security: the tenant is cluster-admin inside its
 * virtual cluster, so a privileged, host-mounting pod it creates there is synced to this namespace and runs
 * on a host node shared with the other virtual clusters. Only the host namespace's enforce label (or the
 * syncer's own policies.podSecurityStandard check) keeps it out.
 */
import { originOf } from "../../../model/origin.js";
import type { Draft, FindingRule } from "../../../model/rule.js";
import { namespacePolicy } from "../../../podsecurity/index.js";
import { namespaceIndex, type PlatformRuleInput, tenantsOf } from "./input.js";

function find(input: PlatformRuleInput): Draft[] {
  const namespaces = namespaceIndex(input.snapshot);
  const out: Draft[] = [];
  for (const tenant of tenantsOf(input, "vcluster"))
    for (const name of tenant.namespaces) {
      const ns = namespaces.get(name);
      if (!ns) continue;
      const policy = namespacePolicy(ns, input.podSecurity);
      if (!policy.exempt && policy.enforce.level !== "privileged") continue;
      const why = policy.exempt
        ? `namespace ${name} is exempt from Pod Security admission`
        : policy.enforceLabelled
          ? `namespace ${name} enforces Pod Security "privileged"`
          : `namespace ${name} has no pod-security.kubernetes.io/enforce label, so Pod Security admits anything`;
      out.push({
        subject: `virtual cluster ${tenant.name}`,
        object: `namespace ${name}`,
        message: `virtual cluster ${tenant.name}'s host namespace ${name} enforces no Pod Security: a privileged pod created inside the virtual cluster is synced to the host and escapes to a node shared with other virtual clusters`,
        evidence: [
          `${tenant.from!.declaredBy.kind} ${tenant.from!.declaredBy.namespace ?? name}/${tenant.from!.declaredBy.name}: the control plane of ${tenant.name}, whose syncer creates the virtual cluster's pods in ${name}`,
          why,
        ],
        remediation: `kubectl label namespace ${name} pod-security.kubernetes.io/enforce=baseline (and set policies.podSecurityStandard: baseline in the vcluster's values, so the syncer refuses such pods with a reason inside the virtual cluster)`,
        resource: { kind: "Namespace", name },
        origin: originOf(ns),
      });
    }
  return out;
}

export const vclusterHostWithoutPodSecurity: FindingRule<PlatformRuleInput> = {
  id: "node.vcluster-host-without-pod-security",
  plane: "node",
  severity: "critical",
  title: "Virtual cluster's host namespace enforces no Pod Security",
  description:
    "A vcluster's host namespace enforces Pod Security privileged (or nothing): the tenant, cluster-admin inside its virtual cluster, can create a privileged pod that the syncer runs on a host node shared with other tenants.",
  help: "Enforce baseline (or restricted) on the host namespace, and set the vcluster's policies.podSecurityStandard.",
  remediation: "kubectl label namespace <namespace> pod-security.kubernetes.io/enforce=baseline",
  references: [
    "https://kubernetes.io/docs/concepts/security/pod-security-admission/",
    "https://github.com/loft-sh/vcluster/blob/main/pkg/controllers/resources/pods/validate_pod_security.go",
  ],
  find,
};
