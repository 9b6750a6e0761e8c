/**
 * HNC (kubernetes-sigs/hierarchical-namespaces): a root namespace and its descendants are one tenant, named
 * after the root. A namespace's parent is its `HierarchyConfiguration` (the singleton `hierarchy`,
 * `spec.parent`), else the `SubnamespaceAnchor` that created it (in the parent, named after the child), else
 * its tree labels: HNC labels every namespace `<ancestor>.tree.hnc.x-k8s.io/depth: <distance>` for itself
 * (depth 0) and each ancestor (api/v1alpha2/hierarchy_types.go LabelTreeDepthSuffix), so the one at depth 1
 * is the parent.
 */
import type { Diagnostic } from "../../model/diagnostic.js";
import type { HierarchyConfiguration, SubnamespaceAnchor } from "../../model/objects.js";
import type { Snapshot } from "../../model/snapshot.js";
import type { PlatformReader, PlatformTenant } from "./types.js";

export const TREE_DEPTH_SUFFIX = ".tree.hnc.x-k8s.io/depth";
/** On objects HNC propagated, the namespace of their source (api/v1alpha2/hierarchy_types.go LabelInheritedFrom). */
export const INHERITED_FROM_LABEL = "hnc.x-k8s.io/inherited-from";

export interface Hierarchy {
  /** Namespace → parent, for every namespace in a hierarchy that has one. */
  parentOf: Map<string, string>;
  /** Every namespace HNC manages (in some hierarchy, a root alone included). */
  members: Set<string>;
  /** Namespace → its root. */
  rootOf(namespace: string): string;
}

export function hierarchyOf(snapshot: Snapshot): { hierarchy: Hierarchy; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parentOf = new Map<string, string>();
  const members = new Set<string>();
  const fromLabels = new Map<string, string>();
  for (const ns of snapshot.namespaces) {
    const name = ns.metadata.name;
    let parent: string | undefined;
    for (const [key, value] of Object.entries(ns.metadata.labels ?? {})) {
      if (!key.endsWith(TREE_DEPTH_SUFFIX)) continue;
      const ancestor = key.slice(0, -TREE_DEPTH_SUFFIX.length);
      const depth = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (Number.isNaN(depth)) continue;
      members.add(name);
      if (depth === 1) parent = ancestor;
    }
    if (parent) fromLabels.set(name, parent);
  }
  const configs = snapshot.platformObjects.filter(
    (o): o is HierarchyConfiguration => o.kind === "HierarchyConfiguration",
  );
  const anchors = snapshot.platformObjects.filter(
    (o): o is SubnamespaceAnchor => o.kind === "SubnamespaceAnchor",
  );
  for (const anchor of anchors) {
    members.add(anchor.metadata.namespace);
    members.add(anchor.metadata.name);
    parentOf.set(anchor.metadata.name, anchor.metadata.namespace);
  }
  for (const [child, parent] of fromLabels) if (!parentOf.has(child)) parentOf.set(child, parent);
  for (const config of configs) {
    const child = config.metadata.namespace;
    members.add(child);
    const parent = config.spec?.parent;
    if (parent) {
      members.add(parent);
      parentOf.set(child, parent);
    }
    for (const c of config.status?.children ?? []) {
      members.add(c);
      if (!parentOf.has(c)) parentOf.set(c, child);
    }
  }
  const roots = new Map<string, string>();
  const rootOf = (namespace: string): string => {
    const known = roots.get(namespace);
    if (known) return known;
    const path = [namespace];
    let at = namespace;
    for (;;) {
      const parent = parentOf.get(at);
      if (!parent) break;
      if (path.includes(parent)) {
        diagnostics.push({
          severity: "warning",
          message: `HNC hierarchy of namespace "${namespace}" has a cycle (${[...path, parent].join(" → ")}); "${namespace}" is taken as its own root`,
        });
        at = namespace;
        break;
      }
      path.push(parent);
      at = parent;
    }
    roots.set(namespace, at);
    return at;
  };
  return { hierarchy: { parentOf, members, rootOf }, diagnostics };
}

export const hnc: PlatformReader = {
  id: "hnc",
  title: "HNC",
  read(snapshot) {
    const { hierarchy, diagnostics } = hierarchyOf(snapshot);
    const known = new Set(snapshot.namespaces.map((ns) => ns.metadata.name));
    const byRoot = new Map<string, string[]>();
    for (const ns of [...hierarchy.members].sort()) {
      if (!known.has(ns)) continue;
      const root = hierarchy.rootOf(ns);
      byRoot.set(root, [...(byRoot.get(root) ?? []), ns]);
    }
    const tenants: PlatformTenant[] = [...byRoot].map(([root, namespaces]) => ({
      name: root,
      namespaces,
      owners: [],
      identities: [],
      declaredBy: { kind: "Namespace", name: root },
    }));
    return { tenants, diagnostics };
  },
};
