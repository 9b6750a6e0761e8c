/**
 * The multi-tenancy platforms' objects read live, from a real v1.37 API server. The platforms' own CRDs are
 * not available to the tests (their Go modules are not served by the module proxy), so the server gets
 * minimal CustomResourceDefinitions for the same groups, versions, kinds, plurals and scopes, written here
 * from the platforms' documented object shapes; what kubefence reads is the API server's list API, the same
 * for any CRD. vcluster needs no CRD: its control plane and synced pods are plain pods and StatefulSets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLive } from "../../src/sources/live.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";
import { runBuiltCli } from "../support/built-cli.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";

function crd(group: string, version: string, kind: string, plural: string, scope: "Cluster" | "Namespaced") {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
  };
}

const TENANTS = ["t1", "t2", "t3", "t4", "t5"];

describe("platform objects from a live cluster", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.apply([
      crd("capsule.clastix.io", "v1beta2", "Tenant", "tenants", "Cluster"),
      crd("hnc.x-k8s.io", "v1alpha2", "HierarchyConfiguration", "hierarchyconfigurations", "Namespaced"),
      crd("hnc.x-k8s.io", "v1alpha2", "SubnamespaceAnchor", "subnamespaceanchors", "Namespaced"),
    ]);
    for (const path of ["/apis/capsule.clastix.io/v1beta2", "/apis/hnc.x-k8s.io/v1alpha2"])
      for (let i = 0; (await cluster.request("GET", path)).status !== 200; i++) {
        if (i > 100) throw new Error(`${path} is not served`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    await cluster.apply([
      ...TENANTS.flatMap((t) => [
        {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: `${t}-dev`, labels: { "capsule.clastix.io/tenant": t } },
        },
        {
          apiVersion: "capsule.clastix.io/v1beta2",
          kind: "Tenant",
          metadata: { name: t },
          spec: { owners: [{ kind: "User", name: `${t}-owner` }] },
          status: { state: "Active", size: 1, namespaces: [`${t}-dev`] },
        },
      ]),
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "org" } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "org-team" } },
      {
        apiVersion: "hnc.x-k8s.io/v1alpha2",
        kind: "SubnamespaceAnchor",
        metadata: { name: "org-team", namespace: "org" },
      },
      {
        apiVersion: "hnc.x-k8s.io/v1alpha2",
        kind: "HierarchyConfiguration",
        metadata: { name: "hierarchy", namespace: "org-team" },
        spec: { parent: "org" },
      },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "vc-host" } },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "vc-vc1", namespace: "vc-host" } },
      {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "vc1", namespace: "vc-host" },
        spec: {
          serviceName: "vc1",
          selector: { matchLabels: { app: "vcluster", release: "vc1" } },
          template: {
            metadata: { labels: { app: "vcluster", release: "vc1" } },
            spec: { serviceAccountName: "vc-vc1", containers: [{ name: "syncer", image: "vcluster" }] },
          },
        },
      },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: "web-x-default-x-vc1",
          namespace: "vc-host",
          labels: { "vcluster.loft.sh/managed-by": "vc1" },
          annotations: {
            "vcluster.loft.sh/object-name": "web",
            "vcluster.loft.sh/object-namespace": "default",
          },
        },
        spec: { containers: [{ name: "web", image: "nginx" }] },
      },
    ]);
  });
  afterAll(() => cluster?.stop());

  it("lists Tenants page by page and HNC's kinds, and makes them the tenants", async () => {
    const { snapshot, diagnostics } = await loadLive({ kubeconfig: cluster.kubeconfig, pageSize: 2 });
    expect(diagnostics).toEqual([]);
    expect(snapshot.missingKinds).toEqual([]);
    expect(
      snapshot.platformObjects
        .map((o) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`)
        .sort(),
    ).toEqual([
      "HierarchyConfiguration org-team/hierarchy",
      "SubnamespaceAnchor org/org-team",
      ...TENANTS.map((t) => `Tenant /${t}`),
    ]);
    const { tenancy } = resolveTenants(snapshot, { from: "platform", platforms: "auto" });
    const byPlatform = (p: string) =>
      tenancy.tenants.filter((t) => t.from?.platform === p).map((t) => [t.name, t.namespaces]);
    expect(byPlatform("capsule")).toEqual(TENANTS.map((t) => [t, [`${t}-dev`]]));
    expect(byPlatform("hnc")).toEqual([["org", ["org", "org-team"]]]);
    expect(byPlatform("vcluster")).toEqual([["vc1", ["vc-host"]]]);
    expect(tenancy.tenants.find((t) => t.name === "t3")!.owners).toEqual([
      { kind: "User", name: "t3-owner" },
    ]);
  });

  it("an identity that may not list Tenants, where Capsule is served, is told so: the kind is missing", async () => {
    const { snapshot, diagnostics } = await loadLive({ kubeconfig: await cluster.userKubeconfig("mallory") });
    expect(snapshot.missingKinds).toContain("Tenant");
    expect(diagnostics.map((d) => d.message)).toContain(
      'cannot list Tenant: tenants.capsule.clastix.io is forbidden: User "mallory" cannot list resource "tenants" in API group "capsule.clastix.io" at the cluster scope; Capsule tenants (--tenants-from capsule) are unknown',
    );
  });

  it("--fail-on counts an unreadable platform kind only when tenants are taken from that platform", async () => {
    // dave reads every kind the audit reads but Capsule's.
    await cluster.apply([
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "reader-but-capsule" },
        rules: [
          {
            apiGroups: [
              "",
              "apps",
              "batch",
              "networking.k8s.io",
              "rbac.authorization.k8s.io",
              "admissionregistration.k8s.io",
              "policy.networking.k8s.io",
              "hnc.x-k8s.io",
            ],
            resources: ["*"],
            verbs: ["get", "list"],
          },
        ],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "dave-reader-but-capsule" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "reader-but-capsule" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "dave" }],
      },
    ]);
    const kubeconfig = await cluster.userKubeconfig("dave");
    const gate = (...args: string[]) =>
      runBuiltCli(["audit", "--kubeconfig", kubeconfig, "--fail-on", "critical", "-o", "json", ...args]);
    const plain = gate();
    expect(plain.stderr).toContain("cannot list Tenant");
    expect(plain.stderr).not.toContain("could not be read");
    for (const from of ["capsule", "auto"]) {
      const run = gate("--tenants-from", from);
      expect(run.stderr).toMatch(/--fail-on critical: Tenant could not be read/);
      expect(run.code).toBe(1);
    }
  });
});
