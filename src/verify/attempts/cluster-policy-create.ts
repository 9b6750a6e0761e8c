/**
 * An Admin-tier policy decides before every NetworkPolicy and every other tenant's isolation, so a tenant
 * that may create one — a ClusterNetworkPolicy (tier Admin) or an AdminNetworkPolicy at priority 0 accepting
 * every pod into its namespace — opens itself whatever the platform's policies say, and could as well deny or
 * open any other tenant. The kinds are cluster-scoped: RBAC should forbid it.
 */
import { NAMESPACE_NAME_LABEL } from "../../model/defaults.js";
import { type Attempt, dryRun, labels, VERIFY_PREFIX } from "../attempt.js";

export const clusterPolicyCreate: Attempt = {
  id: "cluster-policy-create",
  summary:
    "create an Admin-tier ClusterNetworkPolicy (or AdminNetworkPolicy) accepting every pod into its namespace, which decides before every NetworkPolicy",
  plan(target) {
    const view = target.clusterPolicies;
    const kind =
      view?.served.find((k) => k.kind === "ClusterNetworkPolicy") ??
      view?.served.find((k) => k.kind === "AdminNetworkPolicy");
    if (!kind) return { skip: "the cluster serves no AdminNetworkPolicy or ClusterNetworkPolicy" };
    const name = `${VERIFY_PREFIX}-${target.tenant}-accept-all`;
    const subject = { namespaces: { matchLabels: { [NAMESPACE_NAME_LABEL]: target.namespace } } };
    const rule = { name: "accept-all", from: [{ namespaces: {} }] };
    const spec =
      kind.kind === "ClusterNetworkPolicy"
        ? { tier: "Admin", priority: 0, subject, ingress: [{ ...rule, action: "Accept" }] }
        : { priority: 0, subject, ingress: [{ ...rule, action: "Allow" }] };
    return {
      request: {
        method: "POST",
        path: dryRun(`/apis/${kind.apiVersion}/${kind.plural}`),
        body: {
          apiVersion: kind.apiVersion,
          kind: kind.kind,
          metadata: { name, labels: labels(target) },
          spec,
        },
        acceptedAs: `${kind.kind.toLowerCase()}.policy.networking.k8s.io/${name} created (server dry run): a policy of the tenant's own in the admin tier, which decides before every NetworkPolicy`,
      },
    };
  },
};
