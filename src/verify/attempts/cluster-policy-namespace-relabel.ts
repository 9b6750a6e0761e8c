/**
 * Cluster-scoped policies select namespaces by label, and a namespace's labels are its owner's to change
 * if RBAC lets them: a tenant that relabels its namespace as the other tenant's (the value of each label key
 * the policies select by that the other namespace has, the rest removed) leaves its own policy's subject
 * and Deny peers and enters the other's Accept peers. RBAC (namespaces are cluster-scoped) or a webhook
 * should refuse; if the server accepts, kubefence's network engine judges the relabelled namespace.
 */
import { type Attempt, dryRun } from "../attempt.js";
import { answered, judgedByEngine } from "./cluster-judged.js";

export const clusterPolicyNamespaceRelabel: Attempt = {
  id: "cluster-policy-namespace-relabel",
  summary:
    "relabel its namespace as the other tenant's on the keys cluster-scoped policies select by, to leave the policy that isolates it",
  plan(target) {
    const view = target.clusterPolicies;
    if (!view?.isolation)
      return { skip: "no cluster-scoped policy isolates the tenant, or no label it selects by differs" };
    const changes = new Map<string, string | null>();
    for (const key of view.selectorKeys.namespaces) {
      const theirs = Object.hasOwn(view.foreignLabels, key) ? view.foreignLabels[key]! : null;
      const ours = Object.hasOwn(view.namespaceLabels, key) ? view.namespaceLabels[key]! : null;
      if (theirs !== ours) changes.set(key, theirs);
    }
    if (changes.size === 0)
      return { skip: "no cluster-scoped policy isolates the tenant, or no label it selects by differs" };
    const patch = Object.fromEntries(changes);
    const ns = target.namespace;
    const done = `namespace/${ns} labeled (server dry run)`;
    return {
      request: {
        method: "PATCH",
        path: dryRun(`/api/v1/namespaces/${ns}`),
        body: { metadata: { labels: patch } },
        contentType: "application/merge-patch+json",
        acceptedAs: done,
        judge: (body) => {
          const labels = answered<{ metadata?: { labels?: Record<string, string> } }>(body)?.metadata?.labels;
          const after = new Map(Object.entries(view.namespaceLabels));
          for (const [k, v] of changes) v === null ? after.delete(k) : after.set(k, v);
          return judgedByEngine(
            target,
            view,
            { namespaceLabels: labels ?? Object.fromEntries(after) },
            `${done}: ${[...changes].map(([k, v]) => (v === null ? `${k}-` : `${k}=${v}`)).join(" ")}`,
          );
        },
      },
    };
  },
};
