/**
 * vcluster (loft-sh/vcluster): each virtual cluster is a tenant of the host. Its control plane runs as pods
 * labelled `app: vcluster`, `release: <name>` (a StatefulSet or Deployment, chart/templates/statefulset.yaml,
 * running as `serviceAccountName`, by default `vc-<name>`) in its host namespace; the syncer copies objects into that namespace labelled `vcluster.loft.sh/managed-by: <name>`
 * (pkg/util/translate MarkerLabel); in multi-namespace mode it creates host namespaces labelled
 * `vcluster.loft.sh/vcluster-name: <name>` and `vcluster.loft.sh/vcluster-namespace: <control-plane
 * namespace>` (pkg/controllers/resources/namespaces). A synced object's virtual namespace and name are its
 * `vcluster.loft.sh/object-namespace` and `vcluster.loft.sh/object-name` annotations; host names
 * (`<name>-x-<namespace>-x-<vcluster>`, a hash when long) are never parsed. The syncer acts on the host API as
 * the control plane's ServiceAccount.
 */
import type { Diagnostic } from "../../model/diagnostic.js";
import type { ObjectMeta, PodSpec } from "../../model/objects.js";
import type { Snapshot } from "../../model/snapshot.js";
import { VCLUSTER_MANAGED_BY_LABEL } from "../../model/virtual.js";
import { podTemplateOf } from "../../model/workloads.js";
import type { PlatformReader, PlatformTenant } from "./types.js";

export const VCLUSTER_NAME_LABEL = "vcluster.loft.sh/vcluster-name";
export const VCLUSTER_NAMESPACE_LABEL = "vcluster.loft.sh/vcluster-namespace";

export interface VirtualCluster {
  name: string;
  /** Where its control plane runs. */
  namespace: string;
  /** The control plane's ServiceAccount: the syncer's identity on the host. */
  serviceAccount: string;
  /** The control-plane object read (`StatefulSet/vc1`, `Pod/vc1-0`). */
  controlPlane: { kind: string; name: string };
}

const label = (meta: ObjectMeta | undefined, key: string): string | undefined => {
  const labels = meta?.labels;
  return labels && Object.hasOwn(labels, key) ? labels[key] : undefined;
};

/** Control planes: workloads first (their pods add nothing), then pods of controllers not read. */
export function virtualClusters(snapshot: Snapshot): VirtualCluster[] {
  const found = new Map<string, VirtualCluster>();
  const add = (
    namespace: string,
    meta: ObjectMeta | undefined,
    spec: PodSpec | undefined,
    kind: string,
    name: string,
  ) => {
    const release = label(meta, "release");
    if (label(meta, "app") !== "vcluster" || !release) return;
    const key = `${namespace}/${release}`;
    if (found.has(key)) return;
    found.set(key, {
      name: release,
      namespace,
      serviceAccount: spec?.serviceAccountName || "default",
      controlPlane: { kind, name },
    });
  };
  for (const w of snapshot.workloads) {
    if (w.kind !== "StatefulSet" && w.kind !== "Deployment") continue;
    const template = podTemplateOf(w);
    add(w.metadata.namespace, template?.metadata, template?.spec, w.kind, w.metadata.name);
  }
  for (const pod of snapshot.pods)
    add(pod.metadata.namespace, pod.metadata, pod.spec, "Pod", pod.metadata.name);
  return [...found.values()].sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
  );
}

export const vcluster: PlatformReader = {
  id: "vcluster",
  title: "vcluster",
  read(snapshot) {
    const diagnostics: Diagnostic[] = [];
    const clusters = virtualClusters(snapshot);
    const byName = new Map<string, VirtualCluster[]>();
    for (const c of clusters) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
    const namespacesOf = new Map<VirtualCluster, Set<string>>(
      clusters.map((c) => [c, new Set([c.namespace])]),
    );
    const known = new Set(snapshot.namespaces.map((ns) => ns.metadata.name));

    // Multi-namespace mode: host namespaces name their virtual cluster and its control plane's namespace.
    const orphans = new Map<string, string[]>();
    for (const ns of snapshot.namespaces) {
      const name = label(ns.metadata, VCLUSTER_NAME_LABEL);
      if (!name) continue;
      const home = label(ns.metadata, VCLUSTER_NAMESPACE_LABEL);
      const candidates = (byName.get(name) ?? []).filter((c) => home === undefined || c.namespace === home);
      if (candidates.length === 1) namespacesOf.get(candidates[0]!)!.add(ns.metadata.name);
      else {
        const key = home ? `${name}.${home}` : name;
        orphans.set(key, [...(orphans.get(key) ?? []), ns.metadata.name]);
      }
    }
    // Synced objects: in the control plane's namespace, or (multi-namespace) one only that vcluster syncs to.
    for (const object of [
      ...snapshot.pods,
      ...snapshot.services,
      ...snapshot.serviceAccounts,
      ...snapshot.networkPolicies,
    ]) {
      const name = label(object.metadata, VCLUSTER_MANAGED_BY_LABEL);
      if (!name) continue;
      const ns = object.metadata.namespace;
      const candidates = byName.get(name) ?? [];
      if (candidates.some((c) => c.namespace === ns)) continue;
      if (candidates.length === 1) namespacesOf.get(candidates[0]!)!.add(ns);
      else if (candidates.length > 1)
        diagnostics.push({
          severity: "warning",
          message: `${object.kind} ${ns}/${object.metadata.name} is labelled ${VCLUSTER_MANAGED_BY_LABEL}=${name}, and ${candidates.length} virtual clusters are named "${name}"; its namespace is left to none of them`,
        });
    }
    const tenants: PlatformTenant[] = clusters.map((c) => {
      const subject = { kind: "ServiceAccount" as const, namespace: c.namespace, name: c.serviceAccount };
      return {
        // Two virtual clusters of one name (in different host namespaces) stay two tenants.
        name: byName.get(c.name)!.length > 1 ? `${c.name}.${c.namespace}` : c.name,
        namespaces: [...namespacesOf.get(c)!].filter((ns) => known.has(ns)).sort(),
        owners: [],
        identities: [{ subject, role: "syncer" }],
        declaredBy: { kind: c.controlPlane.kind, namespace: c.namespace, name: c.controlPlane.name },
      };
    });
    for (const [key, namespaces] of orphans) {
      diagnostics.push({
        severity: "warning",
        message: `namespace${namespaces.length === 1 ? "" : "s"} ${namespaces.join(", ")} ${namespaces.length === 1 ? "is" : "are"} labelled ${VCLUSTER_NAME_LABEL} for virtual cluster "${key}", whose control plane (pods labelled app=vcluster) was not read: grouped as tenant "${key}"`,
      });
      tenants.push({
        name: key,
        namespaces: namespaces.sort(),
        owners: [],
        identities: [],
        declaredBy: { kind: "Namespace", name: namespaces[0]! },
      });
    }
    return { tenants, diagnostics };
  },
};
