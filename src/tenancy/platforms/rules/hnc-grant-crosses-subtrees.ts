/**
 * An HNC hierarchy whose RoleBinding grants an identity of another tenant: HNC copies every RoleBinding of a
 * namespace into all its descendants (labelled hnc.x-k8s.io/inherited-from), so one binding in a subtree's
 * namespace opens the whole subtree below it to the other tenant.
 */
import { formatSubject } from "../../../model/format.js";
import type { RoleBinding } from "../../../model/objects.js";
import { originOf } from "../../../model/origin.js";
import type { Draft, FindingRule } from "../../../model/rule.js";
import { inheritedFrom } from "../../api-plane.js";
import { NO_TENANT } from "../../matrix.js";
import { PLATFORM } from "../../tenants.js";
import { listed, type PlatformRuleInput, tenantsOf } from "./input.js";

function find(input: PlatformRuleInput): Draft[] {
  const hncTenants = new Set(tenantsOf(input, "hnc").map((t) => t.name));
  if (hncTenants.size === 0) return [];
  const { tenantOf } = input.tenancy;
  // Source binding (namespace/name) → its copies' namespaces; a binding with no copies speaks for itself.
  const copies = new Map<string, { source?: RoleBinding; into: string[] }>();
  for (const binding of input.snapshot.roleBindings) {
    const ns = binding.metadata.namespace;
    if (!hncTenants.has(tenantOf.get(ns) ?? "")) continue;
    const from = inheritedFrom(binding);
    const key = `${from ?? ns}/${binding.metadata.name}`;
    const entry = copies.get(key) ?? { into: [] };
    if (from === undefined) entry.source = binding;
    else entry.into.push(ns);
    copies.set(key, entry);
  }
  const out: Draft[] = [];
  for (const [key, { source, into }] of copies) {
    if (into.length === 0) continue; // not propagated: the API plane's own breach, nothing HNC adds
    const sourceNs = key.slice(0, key.indexOf("/"));
    const name = key.slice(key.indexOf("/") + 1);
    const binding =
      source ??
      input.snapshot.roleBindings.find((b) => b.metadata.namespace === into[0] && b.metadata.name === name)!;
    const tenant = tenantOf.get(sourceNs) ?? tenantOf.get(into[0]!)!;
    const foreign = (binding.subjects ?? []).flatMap((s) => {
      if (s.kind !== "User" && s.kind !== "Group" && s.kind !== "ServiceAccount") return [];
      const identity = formatSubject(
        s.kind === "ServiceAccount"
          ? { kind: s.kind, namespace: s.namespace || binding.metadata.namespace, name: s.name }
          : { kind: s.kind, name: s.name },
      );
      // A ServiceAccount is its namespace's tenant's, whether or not it holds a grant the API plane walked.
      const owner =
        s.kind === "ServiceAccount"
          ? tenantOf.get(s.namespace || binding.metadata.namespace)
          : input.api.tenantOfIdentity.get(identity);
      return owner && owner !== tenant && owner !== PLATFORM && owner !== NO_TENANT
        ? [{ identity, owner }]
        : [];
    });
    if (foreign.length === 0) continue;
    const reached = [...new Set(into)].sort();
    out.push({
      subject: listed(foreign.map((f) => `${f.identity} (tenant ${f.owner})`)),
      object: `tenant ${tenant}'s subtree`,
      message: `RoleBinding ${sourceNs}/${name} grants ${listed(foreign.map((f) => `${f.identity} of tenant ${f.owner}`))} ${binding.roleRef.kind} ${binding.roleRef.name} in tenant ${tenant}'s hierarchy, and HNC propagates it to ${reached.length === 1 ? "namespace" : "namespaces"} ${listed(reached)}`,
      evidence: [
        `RoleBinding ${sourceNs}/${name}${source ? "" : " (the source was not read)"}: roleRef ${binding.roleRef.kind} ${binding.roleRef.name}`,
        ...reached
          .slice(0, 10)
          .map((ns) => `RoleBinding ${ns}/${name}: hnc.x-k8s.io/inherited-from=${sourceNs}`),
      ],
      remediation: `Remove ${listed(foreign.map((f) => f.identity))} from RoleBinding ${sourceNs}/${name} (HNC removes the copies), or, if the grant is meant for ${sourceNs} alone, stop its propagation with the annotation propagate.hnc.x-k8s.io/none: "true".`,
      resource: { kind: "RoleBinding", namespace: sourceNs, name },
      origin: source ? originOf(source) : undefined,
    });
  }
  return out;
}

export const hncGrantCrossesSubtrees: FindingRule<PlatformRuleInput> = {
  id: "rbac.hnc-grant-crosses-subtrees",
  plane: "api",
  severity: "high",
  title: "HNC-propagated RoleBinding grants another tenant",
  description:
    "A RoleBinding HNC propagates down a hierarchy binds an identity of another tenant: every descendant namespace of the tenant's subtree gets the grant too.",
  help: "Remove the other tenant's subject from the source RoleBinding, or stop its propagation (propagate.hnc.x-k8s.io/none).",
  remediation:
    'remove <subject> from RoleBinding <namespace>/<name>, or annotate it propagate.hnc.x-k8s.io/none: "true"',
  references: [
    "https://github.com/kubernetes-sigs/hierarchical-namespaces/blob/master/docs/user-guide/concepts.md",
    "https://github.com/kubernetes-sigs/hierarchical-namespaces/blob/master/api/v1alpha2/hierarchy_types.go",
  ],
  find,
};
