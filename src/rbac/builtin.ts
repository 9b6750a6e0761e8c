/**
 * The RBAC objects every cluster has from its first start (the API server's bootstrap policy), captured
 * from a real kube-apiserver of each known version by scripts/capture-builtin-rbac.ts into
 * data/builtin-rbac/v1.MINOR.json. A live snapshot already holds them; a manifest snapshot gets them with
 * `withBuiltinRbac`, so that e.g. `admin` and `system:basic-user` resolve as they would once the manifests
 * are applied to a cluster of that version.
 *
 * The data files are read-only package assets (shipped with `files: ["data"]`), each read once; these are
 * the only files read in src/rbac and they do not depend on the environment.
 */
import { readFileSync } from "node:fs";
import {
  DEFAULT_KUBE_VERSION,
  formatKubeVersion,
  isKnownKubeVersion,
  KNOWN_KUBE_VERSIONS,
  type KubeVersion,
} from "../model/kube-version.js";
import type { ClusterRole, ClusterRoleBinding, KubeObject, Role, RoleBinding } from "../model/objects.js";
import { setOrigin } from "../model/origin.js";
import { objectKey, type Snapshot } from "../model/snapshot.js";

interface BuiltinData {
  kubernetesVersion: string;
  clusterRoles: ClusterRole[];
  clusterRoleBindings: ClusterRoleBinding[];
  roles: Role[];
  roleBindings: RoleBinding[];
}

const texts = new Map<number, string>();
const builtinObjects = new WeakSet<object>();

function dataText(version: KubeVersion): string {
  if (!isKnownKubeVersion(version))
    throw new RangeError(
      `no built-in RBAC for Kubernetes ${formatKubeVersion(version)} (known: ${KNOWN_KUBE_VERSIONS.map(formatKubeVersion).join(", ")})`,
    );
  let text = texts.get(version.minor);
  if (text === undefined) {
    text = readFileSync(new URL(`../../data/builtin-rbac/v1.${version.minor}.json`, import.meta.url), "utf8");
    texts.set(version.minor, text);
  }
  return text;
}

/**
 * A fresh copy of the built-in objects of a known version (callers may default or annotate them without
 * affecting others).
 */
export function builtinRbac(version: KubeVersion = DEFAULT_KUBE_VERSION): BuiltinData {
  const data = JSON.parse(dataText(version)) as BuiltinData;
  const origin = { file: `<built-in RBAC of Kubernetes ${data.kubernetesVersion}>`, line: 0, column: 0 };
  for (const object of [
    ...data.clusterRoles,
    ...data.clusterRoleBindings,
    ...data.roles,
    ...data.roleBindings,
  ]) {
    setOrigin(object, origin);
    builtinObjects.add(object);
  }
  return data;
}

/** The Kubernetes release the built-in objects of `version` were captured from, e.g. `v1.37.2`. */
export function builtinRbacVersion(version: KubeVersion = DEFAULT_KUBE_VERSION): string {
  return builtinRbac(version).kubernetesVersion;
}

/** true for an object that came from the built-in data (not from the user's manifests or cluster). */
export function isBuiltin(object: object): boolean {
  if (builtinObjects.has(object)) return true;
  // A live cluster's own copies: the API server labels every bootstrap RBAC object so.
  const labels = (object as { metadata?: { labels?: Record<string, string> } }).metadata?.labels;
  return labels?.[BOOTSTRAPPING_LABEL] === "rbac-defaults";
}

/** The label the API server's RBAC bootstrap puts on every built-in role and binding (bootstrappolicy). */
export const BOOTSTRAPPING_LABEL = "kubernetes.io/bootstrapping";

/**
 * The snapshot plus the built-in Roles, ClusterRoles and bindings, as the cluster would hold them once the
 * manifests are applied: an object of the snapshot replaces the built-in one of the same kind and name.
 * Built-ins come first (they exist before anything is applied). `version` must be known (isKnownKubeVersion).
 */
export function withBuiltinRbac(snapshot: Snapshot, version: KubeVersion = DEFAULT_KUBE_VERSION): Snapshot {
  const data = builtinRbac(version);
  const merge = <T extends KubeObject>(builtins: readonly T[], own: readonly T[]): T[] => {
    const ownKeys = new Set(own.map(objectKey));
    return [...builtins.filter((b) => !ownKeys.has(objectKey(b))), ...own];
  };
  return {
    ...snapshot,
    clusterRoles: merge(data.clusterRoles, snapshot.clusterRoles),
    clusterRoleBindings: merge(data.clusterRoleBindings, snapshot.clusterRoleBindings),
    roles: merge(data.roles, snapshot.roles),
    roleBindings: merge(data.roleBindings, snapshot.roleBindings),
  };
}
