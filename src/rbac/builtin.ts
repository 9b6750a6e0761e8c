/**
 * The RBAC objects every cluster has from its first start (the API server's bootstrap policy), captured
 * from a real kube-apiserver by scripts/capture-builtin-rbac.ts into data/builtin-rbac.json. A live snapshot
 * already holds them; a manifest snapshot gets them with `withBuiltinRbac`, so that e.g. `admin` and
 * `system:basic-user` resolve as they would once the manifests are applied.
 *
 * The data file is a read-only package asset (shipped with `files: ["data"]`), read once; this is the only
 * file read in src/rbac and it does not depend on the environment.
 */
import { readFileSync } from "node:fs";
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

const DATA_FILE = new URL("../../data/builtin-rbac.json", import.meta.url);

let text: string | undefined;
const builtinObjects = new WeakSet<object>();

/** A fresh copy of the built-in objects (callers may default or annotate them without affecting others). */
export function builtinRbac(): BuiltinData {
  text ??= readFileSync(DATA_FILE, "utf8");
  const data = JSON.parse(text) as BuiltinData;
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

/** The Kubernetes version the built-in objects were captured from, e.g. `v1.20.2`. */
export function builtinRbacVersion(): string {
  return builtinRbac().kubernetesVersion;
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
 * Built-ins come first (they exist before anything is applied).
 */
export function withBuiltinRbac(snapshot: Snapshot): Snapshot {
  const data = builtinRbac();
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
