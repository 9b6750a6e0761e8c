/**
 * A RoleBinding in a namespace the tenant does not own (another tenant's, or the platform's when there is
 * no other tenant) that gives the tenant's identity the built-in `admin` role there.
 */
import { type Attempt, dryRun, labels, VERIFY_PREFIX } from "../attempt.js";
import { rbacSubject } from "../identity.js";

export const crossTenantBinding: Attempt = {
  id: "cross-tenant-binding",
  summary:
    "bind itself to admin with a RoleBinding in another tenant's namespace (or a platform namespace when there is only one tenant)",
  plan(target) {
    const name = `${VERIFY_PREFIX}-${target.tenant}`;
    return {
      request: {
        method: "POST",
        path: dryRun(
          `/apis/rbac.authorization.k8s.io/v1/namespaces/${target.foreign.namespace}/rolebindings`,
        ),
        body: {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "RoleBinding",
          metadata: { name, namespace: target.foreign.namespace, labels: labels(target) },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
          subjects: [rbacSubject(target.actAs)],
        },
        acceptedAs: `rolebinding.rbac.authorization.k8s.io/${name} created (server dry run)`,
      },
    };
  },
};
