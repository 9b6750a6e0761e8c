/**
 * Tenants may not label a ClusterRole `…aggregate-to-…`: the clusterrole-aggregation controller copies the
 * rules of every ClusterRole matching an aggregationRule into the aggregating role, so the built-in
 * `aggregate-to-admin|edit|view` labels would hand the rules to every holder of admin, edit or view, in
 * every tenant (pkg/controller/clusterroleaggregation, bootstrappolicy's aggregationRules).
 */
import { ALLOW, deny, type Guardrail } from "../guardrail.js";

/** `rbac.authorization.k8s.io/aggregate-to-admin` and any other `…aggregate-to-…` key. */
export const AGGREGATION_LABEL = /(^|\/)aggregate-to-/;

export const rbacAggregation: Guardrail = {
  id: "rbac-aggregation",
  summary: "no aggregate-to-* labels on ClusterRoles (they feed rules into admin/edit/view everywhere)",
  kinds: ["ClusterRole"],
  operations: ["CREATE", "UPDATE"],
  check(request) {
    const labels = request.object?.metadata.labels ?? {};
    const keys = Object.keys(labels)
      .filter((key) => AGGREGATION_LABEL.test(key))
      .sort();
    if (keys.length === 0) return ALLOW;
    return deny(
      `ClusterRole "${request.object?.metadata.name}" carries aggregation label${keys.length === 1 ? "" : "s"} ${keys.map((k) => `"${k}"`).join(", ")}, which would add its rules to every ClusterRole aggregating it, in every tenant`,
      `remove the label${keys.length === 1 ? "" : "s"}; to give your own users these rules, bind this ClusterRole with a RoleBinding in your namespace`,
    );
  },
};
