/**
 * An HNC hierarchy whose RoleBinding grants an identity of another tenant: HNC copies every RoleBinding of a
 * namespace into all its descendants (labelled hnc.x-k8s.io/inherited-from; RoleBindings are always
 * propagated unless annotated propagate.hnc.x-k8s.io/none), so one binding opens the whole subtree below it
 * to the other tenant. The copies are those read, and the descendants HNC will copy it to.
 */
import { formatSubject } from "../../../model/format.js";
import type { RoleBinding } from "../../../model/objects.js";
import { originOf } from "../../../model/origin.js";
import type { Draft, FindingRule } from "../../../model/rule.js";
import { inheritedFrom } from "../../api-plane.js";
import { NO_TENANT } from "../../matrix.js";
import { PLATFORM } from "../../tenants.js";
import { hierarchyOf } from "../hnc.js";
import { listed, type PlatformRuleInput, tenantsOf } from "./input.js";

/** api/v1alpha2/hierarchy_types.go AnnotationNoneSelector: "true" keeps an object from propagating. */
const NONE_SELECTOR = "propagate.hnc.x-k8s.io/none";

function find(input: PlatformRuleInput): Draft[] {
  const hncTenants = new Set(tenantsOf(input, "hnc").map((t) => t.name));
  if (hncTenants.size === 0) return [];
  const { tenantOf } = input.tenancy;
  const { hierarchy } = hierarchyOf(input.snapshot);
  const childrenOf = new Map<string, string[]>();
  for (const [child, parent] of hierarchy.parentOf)
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), child]);
  const descendants = (ns: string): string[] => {
    const out: string[] = [];
    const stack = [...(childrenOf.get(ns) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (out.includes(next) || next === ns) continue;
      out.push(next);
      stack.push(...(childrenOf.get(next) ?? []));
    }
    return out;
  };

  // Source binding (namespace/name) → the namespaces its copies are in, read or to come.
  const copies = new Map<string, { source?: RoleBinding; copy?: RoleBinding; into: Set<string> }>();
  /** Where a copy was read (evidence says which namespaces hold one, and which HNC will copy it into). */
  const copied = new Map<string, Set<string>>();
  for (const binding of input.snapshot.roleBindings) {
    const ns = binding.metadata.namespace;
    if (!hncTenants.has(tenantOf.get(ns) ?? "")) continue;
    const from = inheritedFrom(binding);
    const key = `${from ?? ns}/${binding.metadata.name}`;
    const entry = copies.get(key) ?? { into: new Set<string>() };
    if (from === undefined) {
      entry.source = binding;
      if (binding.metadata.annotations?.[NONE_SELECTOR] !== "true")
        for (const d of descendants(ns)) entry.into.add(d);
    } else {
      entry.copy ??= binding;
      entry.into.add(ns);
      const set = copied.get(key) ?? new Set<string>();
      set.add(ns);
      copied.set(key, set);
    }
    copies.set(key, entry);
  }
  const out: Draft[] = [];
  for (const [key, { source, copy, into }] of copies) {
    if (into.size === 0) continue; // not propagated: the API plane's own breach, nothing HNC adds
    const sourceNs = key.slice(0, key.indexOf("/"));
    const name = key.slice(key.indexOf("/") + 1);
    const binding = (source ?? copy)!;
    const tenant = tenantOf.get(sourceNs) ?? tenantOf.get(binding.metadata.namespace)!;
    const foreign = (binding.subjects ?? []).flatMap((s) => {
      if (s.kind !== "User" && s.kind !== "Group" && s.kind !== "ServiceAccount") return [];
      const namespace = s.namespace || sourceNs;
      const identity = formatSubject(
        s.kind === "ServiceAccount"
          ? { kind: s.kind, namespace, name: s.name }
          : { kind: s.kind, name: s.name },
      );
      // A ServiceAccount is its namespace's tenant's, whether or not it holds a grant the API plane walked.
      const owner =
        s.kind === "ServiceAccount" ? tenantOf.get(namespace) : input.api.tenantOfIdentity.get(identity);
      return owner && owner !== tenant && owner !== PLATFORM && owner !== NO_TENANT
        ? [{ identity, owner }]
        : [];
    });
    if (foreign.length === 0) continue;
    const reached = [...into].sort();
    const read = copied.get(key) ?? new Set<string>();
    out.push({
      subject: listed(foreign.map((f) => `${f.identity} (tenant ${f.owner})`)),
      object: `tenant ${tenant}'s subtree`,
      message: `RoleBinding ${sourceNs}/${name} grants ${listed(foreign.map((f) => `${f.identity} of tenant ${f.owner}`))} ${binding.roleRef.kind} ${binding.roleRef.name} in tenant ${tenant}'s hierarchy, and HNC propagates it to ${reached.length === 1 ? "namespace" : "namespaces"} ${listed(reached)}`,
      evidence: [
        `RoleBinding ${sourceNs}/${name}${source ? "" : " (the source was not read)"}: roleRef ${binding.roleRef.kind} ${binding.roleRef.name}`,
        ...reached
          .slice(0, 10)
          .map((ns) =>
            read.has(ns)
              ? `RoleBinding ${ns}/${name}: hnc.x-k8s.io/inherited-from=${sourceNs}`
              : `namespace ${ns} descends from ${sourceNs}: HNC copies the binding into it`,
          ),
      ],
      remediation: `Remove ${listed(foreign.map((f) => f.identity))} from RoleBinding ${sourceNs}/${name} (HNC removes the copies), or, if the grant is meant for ${sourceNs} alone, stop its propagation with the annotation ${NONE_SELECTOR}: "true".`,
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
    "A RoleBinding HNC propagates down a hierarchy (its copies read, or descendants it will be copied to) binds an identity of another tenant: every descendant namespace of the tenant's subtree gets the grant too.",
  help: "Remove the other tenant's subject from the source RoleBinding, or stop its propagation (propagate.hnc.x-k8s.io/none).",
  remediation:
    'remove <subject> from RoleBinding <namespace>/<name>, or annotate it propagate.hnc.x-k8s.io/none: "true"',
  references: [
    "https://github.com/kubernetes-sigs/hierarchical-namespaces/blob/master/docs/user-guide/concepts.md",
    "https://github.com/kubernetes-sigs/hierarchical-namespaces/blob/master/api/v1alpha2/hierarchy_types.go",
  ],
  find,
};
