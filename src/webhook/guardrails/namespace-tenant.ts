/**
 * A namespace's tenant is decided by its name and labels (the tenants file's `namespaces` and
 * `namespaceSelector`); relabelling a namespace could move it — and everything in it — into another tenant
 * or into the platform. So the tenant a namespace belongs to may not change, and a new namespace may not be
 * created inside another tenant or the platform. The `kubefence.io/tenant` label `tenant init` writes is
 * protected the same way, since the generated allow-within-tenant NetworkPolicies select namespaces by it.
 * The `kubernetes.io/metadata.name` label, which the webhook's namespaceSelector excludes platform
 * namespaces by, must equal the name: the API server sets it so since v1.21; on a server that does not, a
 * namespace relabelled `kube-system` would leave the webhook's sight.
 */
import { NAMESPACE_NAME_LABEL } from "../../model/defaults.js";
import { TENANT_LABEL } from "../../tenancy/guardrails.js";
import { PLATFORM } from "../../tenancy/tenants.js";
import { ALLOW, deny, type Guardrail } from "../guardrail.js";

export const namespaceTenant: Guardrail = {
  id: "namespace-tenant",
  summary: "a namespace stays with its tenant; no namespaces created in another tenant or the platform",
  kinds: ["Namespace"],
  operations: ["CREATE", "UPDATE"],
  check(request, context) {
    const name = request.object?.metadata.name ?? "";
    const after = context.tenantOfNamespace(name, request.object?.metadata.labels ?? {});
    const owner = (tenant: string) => (tenant === PLATFORM ? "the platform" : `tenant "${tenant}"`);
    const label = request.object?.metadata.labels?.[TENANT_LABEL];
    // As sent (the typed object carries the label defaulted to the name, as v1.21+ servers set it).
    const labels = (request.review.object as { metadata?: { labels?: unknown } } | undefined)?.metadata
      ?.labels;
    const nameLabel =
      labels && typeof labels === "object" && Object.hasOwn(labels, NAMESPACE_NAME_LABEL)
        ? (labels as Record<string, unknown>)[NAMESPACE_NAME_LABEL]
        : undefined;
    if (nameLabel !== undefined && nameLabel !== name)
      return deny(
        `label "${NAMESPACE_NAME_LABEL}" of namespace "${name}" must be "${name}", not ${JSON.stringify(nameLabel)}: the webhook leaves platform namespaces out by it`,
        `remove the label or set it to "${name}"`,
      );
    if (request.review.operation === "UPDATE" && request.oldObject) {
      const oldLabel = request.oldObject.metadata.labels?.[TENANT_LABEL];
      if (label !== oldLabel)
        return deny(
          `label "${TENANT_LABEL}" of namespace "${name}" may not change (from ${oldLabel === undefined ? "unset" : `"${oldLabel}"`} to ${label === undefined ? "unset" : `"${label}"`}): NetworkPolicies select a tenant's namespaces by it`,
          `keep ${TENANT_LABEL}${oldLabel === undefined ? " unset" : `=${oldLabel}`}; a platform administrator can move namespaces between tenants`,
        );
      const before = context.tenantOfNamespace(name, request.oldObject.metadata.labels ?? {});
      if (before === after) return ALLOW;
      return deny(
        `this change of labels would move namespace "${name}" from ${owner(before)} to ${owner(after)}`,
        "keep the labels that the tenants file selects tenants by (its namespaceSelector keys) unchanged; a platform administrator can move namespaces",
      );
    }
    const known =
      after === PLATFORM ||
      context.tenancy.tenants.some((t) => t.name === after) ||
      context.settings.config.tenants.some((t) => t.name === after);
    if (label !== undefined && label !== after && !request.requesterTenants.has(label))
      return deny(
        `namespace "${name}" would carry ${TENANT_LABEL}=${label}, naming a tenant you do not belong to`,
        `set ${TENANT_LABEL} to your own tenant's name, or leave it unset`,
      );
    if (!known || request.requesterTenants.has(after)) return ALLOW;
    return deny(
      `namespace "${name}" would belong to ${owner(after)}, not to ${request.requesterTenants.size > 0 ? [...request.requesterTenants].map(owner).join(" or ") : "you"}`,
      "choose a name and labels that place the namespace in your own tenant, or ask a platform administrator",
    );
  },
};
