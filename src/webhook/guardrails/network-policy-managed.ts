/**
 * The baseline NetworkPolicies `kubefence tenant init` generates (default deny, allow within the tenant,
 * DNS) carry `kubefence.io/managed: "true"`. NetworkPolicies only add allowances to each other, so deleting
 * or editing one of these is the only way a tenant can open itself up beyond them; both are denied. The
 * namespace controller still deletes them when the namespace itself is being deleted.
 */
import { isDeepStrictEqual } from "node:util";
import type { NetworkPolicy } from "../../model/objects.js";
import { MANAGED_LABEL } from "../../tenancy/guardrails.js";
import { ALLOW, deny, type Guardrail } from "../guardrail.js";

export const networkPolicyManaged: Guardrail = {
  id: "network-policy-managed",
  summary: "kubefence-managed baseline NetworkPolicies may not be deleted, unlabelled or changed",
  kinds: ["NetworkPolicy"],
  operations: ["UPDATE", "DELETE"],
  check(request, context) {
    const old = request.oldObject as NetworkPolicy | undefined;
    if (old?.metadata.labels?.[MANAGED_LABEL] !== "true") return ALLOW;
    const { name, namespace } = old!.metadata;
    const comply =
      "leave the managed policy as it is and add a NetworkPolicy of your own next to it (policies only add allowances); a platform administrator can change the baseline";
    if (request.review.operation === "DELETE") {
      const ns = context.namespaceNamed(namespace);
      if (ns?.metadata.deletionTimestamp || ns?.status?.phase === "Terminating") return ALLOW;
      return deny(
        `NetworkPolicy "${name}" in namespace "${namespace}" is managed by kubefence (${MANAGED_LABEL}=true) and may not be deleted`,
        comply,
      );
    }
    const now = request.object as NetworkPolicy | undefined;
    if (now?.metadata.labels?.[MANAGED_LABEL] !== "true")
      return deny(
        `NetworkPolicy "${name}" in namespace "${namespace}" is managed by kubefence; its ${MANAGED_LABEL}=true label may not be removed`,
        comply,
      );
    if (!isDeepStrictEqual(now.spec ?? {}, old.spec ?? {}))
      return deny(
        `NetworkPolicy "${name}" in namespace "${namespace}" is managed by kubefence (${MANAGED_LABEL}=true); its spec may not be changed`,
        comply,
      );
    return ALLOW;
  },
};
