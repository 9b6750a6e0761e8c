/**
 * The cluster-scoped policy that isolates the tenant is one object: a tenant that may patch it removes its
 * rules (a merge patch of `spec.ingress` and `spec.egress` to null), and with them the isolation of every
 * tenant it covers. RBAC should forbid it.
 */
import { type Attempt, dryRun } from "../attempt.js";

export const clusterPolicyEdit: Attempt = {
  id: "cluster-policy-edit",
  summary:
    "remove the rules of the cluster-scoped policy that isolates it, which isolates every tenant it covers",
  plan(target) {
    const isolation = target.clusterPolicies?.isolation;
    if (!isolation) return { skip: "no cluster-scoped policy isolates the tenant" };
    const resource = `${isolation.kind.toLowerCase()}.policy.networking.k8s.io/${isolation.name}`;
    return {
      request: {
        method: "PATCH",
        path: dryRun(`/apis/${isolation.apiVersion}/${isolation.plural}/${isolation.name}`),
        body: { spec: { ingress: null, egress: null } },
        contentType: "application/merge-patch+json",
        acceptedAs: `${resource} patched (server dry run): its rules removed, it isolates no tenant`,
      },
    };
  },
};
