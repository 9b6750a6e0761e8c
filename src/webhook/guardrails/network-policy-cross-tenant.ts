/**
 * A tenant's NetworkPolicy may admit ingress from its own namespaces, from the platform (ingress
 * controllers, monitoring) and from the tenants its `allowFrom` lists — not from anyone else. A rule with
 * no `from` and a peer whose namespaceSelector is `{}` admit every namespace, now and future, so they are
 * denied outright; other namespaceSelectors are evaluated against the namespaces the cache holds (with the
 * one selector evaluator, src/model/selector.ts). ipBlock peers only warn: whether they match pod IPs is up
 * to the network plugin (networking/v1 types.go).
 */
import type { NetworkPolicy, NetworkPolicyPeer } from "../../model/objects.js";
import { compileSelector } from "../../model/selector.js";
import { PLATFORM } from "../../tenancy/tenants.js";
import { ALLOW, deny, type Guardrail, type Verdict } from "../guardrail.js";

export const networkPolicyCrossTenant: Guardrail = {
  id: "network-policy-cross-tenant",
  summary: "NetworkPolicies admit traffic only from the tenant itself, the platform and tenants in allowFrom",
  kinds: ["NetworkPolicy"],
  operations: ["CREATE", "UPDATE"],
  check(request, context) {
    const policy = request.object as NetworkPolicy | undefined;
    const tenant = request.tenant;
    if (!policy || !tenant || !policy.spec?.policyTypes?.includes("Ingress")) return ALLOW;
    const welcome = new Set([tenant, PLATFORM, ...context.tenantSpec(tenant).allowFrom]);
    const problems: string[] = [];
    const warnings: string[] = [];
    const where = `NetworkPolicy "${policy.metadata.name}"`;
    (policy.spec.ingress ?? []).forEach((rule, i) => {
      const peers: NetworkPolicyPeer[] = rule.from ?? [];
      if (peers.length === 0) {
        problems.push(
          `ingress[${i}] has no "from", so it admits traffic from every namespace and every tenant`,
        );
        return;
      }
      peers.forEach((peer, j) => {
        const at = `ingress[${i}].from[${j}]`;
        if (peer.ipBlock) {
          warnings.push(
            `${where} ${at}: ipBlock ${peer.ipBlock.cidr} may match pod IPs of other tenants, depending on the network plugin`,
          );
          return;
        }
        if (!peer.namespaceSelector) return; // podSelector alone: the policy's own namespace
        const compiled = compileSelector(peer.namespaceSelector);
        if (!compiled.ok) return; // the API server rejects invalid selectors itself
        if (compiled.selector.everything) {
          problems.push(`${at} has namespaceSelector {}, which admits every namespace and every tenant`);
          return;
        }
        const strangers = new Set<string>();
        for (const ns of context.snapshot.namespaces) {
          if (!compiled.selector.matches(ns.metadata.labels)) continue;
          const owner = context.tenantOfNamespace(ns.metadata.name);
          if (!welcome.has(owner)) strangers.add(owner);
        }
        if (strangers.size > 0)
          problems.push(
            `${at} (namespaceSelector ${compiled.selector.text}) admits namespaces of tenant${strangers.size === 1 ? "" : "s"} ${[
              ...strangers,
            ]
              .sort()
              .map((t) => `"${t}"`)
              .join(", ")}`,
          );
      });
    });
    if (problems.length === 0) return warnings.length > 0 ? { allowed: true, warnings } : ALLOW;
    const verdict: Verdict = deny(
      `${where} would admit traffic from other tenants: ${problems.join("; ")}`,
      `select only your own namespaces (e.g. namespaceSelector matchLabels kubernetes.io/metadata.name: <ns>), or ask a platform administrator to add the tenant to allowFrom of tenant "${tenant}"`,
    );
    return { ...verdict, warnings };
  },
};
