/**
 * Captures the built-in (bootstrap) RBAC objects every cluster has — cluster-admin, admin/edit/view with
 * aggregation, system:basic-user, system:discovery, the controller roles and their bindings — from a real
 * kube-apiserver (the test control plane, at the version test/cluster/go.mod pins) into
 * data/builtin-rbac/v1.MINOR.json. Older versions' files stay as they were captured.
 *
 *   npx tsx scripts/capture-builtin-rbac.ts
 *
 * Server-managed metadata (uid, resourceVersion, timestamps, managedFields) is dropped; the objects are
 * sorted by namespace and name so the file diffs cleanly when recaptured.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startTestCluster } from "../test/support/cluster.js";

const RBAC = "/apis/rbac.authorization.k8s.io/v1";

interface Item {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; labels?: object; annotations?: object };
  [field: string]: unknown;
}

function clean(item: Item, kind: string): Item {
  const { metadata, ...rest } = item;
  const kept: Item["metadata"] = { name: metadata.name };
  if (metadata.namespace) kept.namespace = metadata.namespace;
  if (metadata.labels) kept.labels = metadata.labels;
  if (metadata.annotations) kept.annotations = metadata.annotations;
  return { ...rest, apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata: kept };
}

const byKey = (a: Item, b: Item) => {
  const ka = `${a.metadata.namespace ?? ""}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ""}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

const cluster = await startTestCluster();
try {
  const version = (await cluster.request<{ gitVersion: string }>("GET", "/version")).body.gitVersion;
  const minor = /^v1\.(\d+)\./.exec(version)?.[1];
  if (!minor) throw new Error(`unexpected server version ${version}`);
  const OUT = fileURLToPath(new URL(`../data/builtin-rbac/v1.${minor}.json`, import.meta.url));
  const list = async (plural: string, kind: string) => {
    const answer = await cluster.request<{ items: Item[] }>("GET", `${RBAC}/${plural}`);
    if (answer.status !== 200) throw new Error(`GET ${plural}: ${answer.status}`);
    return answer.body.items.map((item) => clean(item, kind)).sort(byKey);
  };
  const data = {
    kubernetesVersion: version,
    source: "kube-apiserver bootstrap policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), captured by scripts/capture-builtin-rbac.ts",
    clusterRoles: await list("clusterroles", "ClusterRole"),
    clusterRoleBindings: await list("clusterrolebindings", "ClusterRoleBinding"),
    roles: await list("roles", "Role"),
    roleBindings: await list("rolebindings", "RoleBinding"),
  };
  writeFileSync(OUT, `${JSON.stringify(data, null, 1)}\n`);
  process.stdout.write(
    `captured ${data.clusterRoles.length} ClusterRoles, ${data.clusterRoleBindings.length} ClusterRoleBindings, ${data.roles.length} Roles, ${data.roleBindings.length} RoleBindings from ${version} into ${OUT}\n`,
  );
} finally {
  await cluster.stop();
}
