/**
 * A ClusterRoleBinding of cluster-admin to the tenant's own identity: every verb on every resource in every
 * namespace. RBAC refuses it unless the tenant may create ClusterRoleBindings and already holds every
 * permission of cluster-admin (or may `bind`/`escalate` it).
 */
import { type Attempt, dryRun, labels, VERIFY_PREFIX } from "../attempt.js";
import { rbacSubject } from "../identity.js";

export const clusterAdminBinding: Attempt = {
  id: "cluster-admin-binding",
  summary:
    "bind itself to cluster-admin with a ClusterRoleBinding, which gives it every tenant and the platform",
  plan(target) {
    const name = `${VERIFY_PREFIX}-${target.tenant}-cluster-admin`;
    return {
      request: {
        method: "POST",
        path: dryRun("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"),
        body: {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRoleBinding",
          metadata: { name, labels: labels(target) },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
          subjects: [rbacSubject(target.actAs)],
        },
        acceptedAs: `clusterrolebinding.rbac.authorization.k8s.io/${name} created (server dry run)`,
      },
    };
  },
};
