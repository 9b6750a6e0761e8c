/**
 * A namespace owner may usually create NetworkPolicies, and one that allows every connection in and out
 * undoes a NetworkPolicy isolation or a Baseline-tier one (NetworkPolicy decides before the baseline). Not
 * an Admin-tier one, which decides first: the server accepts the policy, and kubefence's network engine,
 * judging the cluster with it, finds the tenant still isolated — by the Admin rule, which it cites.
 */
import type { NetworkPolicy } from "../../model/objects.js";
import { type Attempt, dryRun, labels, VERIFY_PREFIX } from "../attempt.js";
import { answered, judgedByEngine } from "./cluster-judged.js";

export const clusterPolicyOverride: Attempt = {
  id: "cluster-policy-override",
  summary:
    "create a NetworkPolicy in its namespace allowing every connection in and out, to override the cluster-scoped policy that isolates it",
  plan(target) {
    const view = target.clusterPolicies;
    if (!view?.isolation) return { skip: "no cluster-scoped policy isolates the tenant" };
    const name = `${VERIFY_PREFIX}-allow-all`;
    const policy: NetworkPolicy = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name, namespace: target.namespace, labels: labels(target) },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}], egress: [{}] },
    };
    const done = `networkpolicy.networking.k8s.io/${name} created (server dry run)`;
    return {
      request: {
        method: "POST",
        path: dryRun(`/apis/networking.k8s.io/v1/namespaces/${target.namespace}/networkpolicies`),
        body: policy as unknown as Record<string, unknown>,
        acceptedAs: done,
        judge: (body) =>
          judgedByEngine(target, view, { networkPolicy: answered<NetworkPolicy>(body) ?? policy }, done),
      },
    };
  },
};
