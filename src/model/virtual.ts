/**
 * What a vcluster syncer writes on each object it copies to the host (loft-sh/vcluster pkg/util/translate):
 * the virtual cluster's name as the `vcluster.loft.sh/managed-by` label, the object's virtual namespace and
 * name as the `vcluster.loft.sh/object-namespace` and `vcluster.loft.sh/object-name` annotations. The host
 * name (`<name>-x-<namespace>-x-<vcluster>`, shortened to a hash when long) is never parsed.
 */
import type { ObjectMeta } from "./objects.js";

export const VCLUSTER_MANAGED_BY_LABEL = "vcluster.loft.sh/managed-by";
export const VCLUSTER_OBJECT_NAME_ANNOTATION = "vcluster.loft.sh/object-name";
export const VCLUSTER_OBJECT_NAMESPACE_ANNOTATION = "vcluster.loft.sh/object-namespace";

export interface VirtualName {
  cluster: string;
  namespace: string;
  name: string;
}

/** The name inside its virtual cluster of a synced host object; undefined for an object no syncer wrote. */
export function virtualNameOf(meta: ObjectMeta | undefined): VirtualName | undefined {
  const labels = meta?.labels;
  const annotations = meta?.annotations;
  if (!labels || !annotations) return undefined;
  const own = (map: Record<string, string>, key: string) => (Object.hasOwn(map, key) ? map[key] : undefined);
  const cluster = own(labels, VCLUSTER_MANAGED_BY_LABEL);
  const name = own(annotations, VCLUSTER_OBJECT_NAME_ANNOTATION);
  // Cluster-scoped objects are synced without a namespace annotation.
  const namespace = own(annotations, VCLUSTER_OBJECT_NAMESPACE_ANNOTATION) ?? "";
  return cluster && name ? { cluster, namespace, name } : undefined;
}
