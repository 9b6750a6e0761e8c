/**
 * NetworkPolicies only add allowances to each other, so the one way a tenant opens its namespace to every
 * other tenant is to delete the policy that denies by default. Without one there is nothing to delete —
 * and nothing isolating the namespace on the network plane, which is reported as a weakness — unless a
 * cluster-scoped policy isolates it (then the attempt is not about its isolation), and where one does,
 * kubefence's network engine judges the namespace without the policy.
 */
import { type Attempt, dryRun } from "../attempt.js";
import { judgedByEngine } from "./cluster-judged.js";

export const deleteDefaultDeny: Attempt = {
  id: "delete-default-deny",
  summary: "delete its namespace's default-deny NetworkPolicy, which opens it to every other tenant's pods",
  plan(target) {
    const view = target.clusterPolicies;
    if (!target.defaultDeny && view?.isolation)
      return { skip: "a cluster-scoped policy isolates the tenant, and no NetworkPolicy denies by default" };
    if (!target.defaultDeny)
      return {
        notApplicable: `n/a: no default-deny policy to delete: no NetworkPolicy in namespace "${target.namespace}" selects every pod and allows nothing, so the namespace is open on the network plane`,
      };
    return {
      request: {
        method: "DELETE",
        path: dryRun(
          `/apis/networking.k8s.io/v1/namespaces/${target.namespace}/networkpolicies/${target.defaultDeny}`,
        ),
        acceptedAs: `networkpolicy.networking.k8s.io/${target.defaultDeny} deleted (server dry run)`,
        ...(view?.isolation
          ? {
              judge: () =>
                judgedByEngine(
                  target,
                  view,
                  { deletedNetworkPolicy: target.defaultDeny },
                  `networkpolicy.networking.k8s.io/${target.defaultDeny} deleted (server dry run)`,
                ),
            }
          : {}),
      },
    };
  },
};
