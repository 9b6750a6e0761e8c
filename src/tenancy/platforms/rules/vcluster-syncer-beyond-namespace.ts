/**
 * A virtual cluster's syncer whose host RBAC reaches beyond its host namespaces: the syncer acts on the host
 * API as the control plane's ServiceAccount, and the tenant controls what it asks the syncer to do, so every
 * host permission it holds outside its namespaces is the tenant's too (a ClusterRole for real nodes, say).
 */
import { formatPolicyRule, formatSubject } from "../../../model/format.js";
import type { PolicyRule, Subject } from "../../../model/objects.js";
import type { Draft, FindingRule } from "../../../model/rule.js";
import { type Binding, roleReference } from "../../../rbac/policy.js";
import type { SubjectRef } from "../../config.js";
import { listed, type PlatformRuleInput, tenantsOf } from "./input.js";

const READ = new Set(["get", "list", "watch"]);

/** Whether a binding's subject is this ServiceAccount, directly or as its namespace's service-account group. */
function names(subject: Subject, bindingNamespace: string, sa: SubjectRef): boolean {
  if (subject.kind === "ServiceAccount")
    return subject.name === sa.name && (subject.namespace || bindingNamespace) === sa.namespace;
  return subject.kind === "Group" && subject.name === `system:serviceaccounts:${sa.namespace}`;
}

function find(input: PlatformRuleInput): Draft[] {
  const out: Draft[] = [];
  const { policy } = input;
  const tenants = tenantsOf(input, "vcluster");
  if (tenants.length === 0) return out;
  // Bindings by the namespace of the ServiceAccounts (or service-account group) they name: each syncer then
  // looks only at the bindings that may name it.
  const bySubjectNamespace = new Map<string, { binding: Binding; where: string }[]>();
  const index = (binding: Binding, where: string) => {
    const seen = new Set<string>();
    for (const s of binding.subjects ?? []) {
      const ns =
        s.kind === "ServiceAccount"
          ? s.namespace || (binding.metadata.namespace ?? "")
          : s.kind === "Group" && s.name.startsWith("system:serviceaccounts:")
            ? s.name.slice("system:serviceaccounts:".length)
            : undefined;
      if (ns === undefined || seen.has(ns)) continue;
      seen.add(ns);
      const list = bySubjectNamespace.get(ns);
      if (list) list.push({ binding, where });
      else bySubjectNamespace.set(ns, [{ binding, where }]);
    }
  };
  for (const b of policy.clusterRoleBindings) index(b, "the whole cluster");
  for (const [ns, bindings] of policy.roleBindingsByNamespace)
    for (const b of bindings) index(b, `namespace ${ns}`);
  for (const tenant of tenants)
    for (const { subject: sa, role } of tenant.from!.identities) {
      if (role !== "syncer") continue;
      const identity = formatSubject(sa);
      const own = new Set(tenant.namespaces);
      const beyond: { binding: Binding; where: string; rules: readonly PolicyRule[] }[] = [];
      for (const { binding, where } of bySubjectNamespace.get(sa.namespace ?? "") ?? []) {
        const ns = binding.metadata.namespace;
        if (ns !== undefined && own.has(ns)) continue;
        if (!(binding.subjects ?? []).some((s) => names(s, ns ?? "", sa))) continue;
        const reference = roleReference(policy, binding);
        if (reference.ok && reference.rules.length > 0)
          beyond.push({ binding, where, rules: reference.rules });
      }
      if (beyond.length === 0) continue;
      const where = [...new Set(beyond.map((b) => b.where))];
      const rules = beyond.flatMap((b) => b.rules);
      const writes = rules.some(
        (r) =>
          (r.verbs ?? []).some((v) => !READ.has(v)) ||
          (r.resources ?? []).some((x) => x === "secrets" || x === "*"),
      );
      const bindings = beyond.map(
        (b) =>
          `${b.binding.kind} ${b.binding.metadata.namespace ? `${b.binding.metadata.namespace}/` : ""}${b.binding.metadata.name}`,
      );
      const declared = tenant.from!.declaredBy;
      out.push({
        severity: writes ? "high" : "medium",
        subject: identity,
        object: listed(where),
        message: `the syncer of virtual cluster ${tenant.name} (${identity}) holds host permissions beyond its namespace${own.size === 1 ? "" : "s"} ${listed(tenant.namespaces)}: in ${listed(where)}, through ${listed(bindings)}; the tenant can use them through its virtual cluster`,
        evidence: [
          `${declared.kind} ${declared.namespace}/${declared.name} runs as ${identity}`,
          ...beyond
            .slice(0, 10)
            .map(
              (b, i) =>
                `${bindings[i]} of ${b.binding.roleRef.kind} ${b.binding.roleRef.name}: ${b.rules.map(formatPolicyRule).join("; ")}`,
            ),
        ],
        remediation: `Keep the syncer's host RBAC inside its own namespace: turn off the sync options that need more (real nodes in sync.fromHost.nodes, cluster-scoped kinds in sync.toHost), or narrow ${listed(bindings)} to reading only what the virtual cluster must see.`,
        resource: { kind: "ServiceAccount", namespace: sa.namespace, name: sa.name },
      });
    }
  return out;
}

export const vclusterSyncerBeyondNamespace: FindingRule<PlatformRuleInput> = {
  id: "rbac.vcluster-syncer-beyond-namespace",
  plane: "api",
  severity: "medium",
  title: "Virtual cluster's syncer reaches beyond its namespace",
  description:
    "A vcluster syncer's ServiceAccount is granted host permissions outside its host namespaces (a ClusterRoleBinding, or RoleBindings elsewhere): the tenant drives the syncer, so it holds them too. High when they write anything or read secrets, medium when read-only.",
  help: "Turn off the sync options that need cluster-scoped host access, or narrow the syncer's ClusterRole to reading what the virtual cluster must see.",
  remediation: "narrow or delete <binding> of the syncer <ServiceAccount>",
  references: [
    "https://github.com/loft-sh/vcluster/blob/main/chart/templates/clusterrole.yaml",
    "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
  ],
  find,
};
