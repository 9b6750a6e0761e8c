/**
 * The cluster-scoped network policies on the real v1.37 API server, with sigs.k8s.io/network-policy-api's
 * own CRDs installed (experimental channel: ClusterNetworkPolicy of v0.3.0, AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy of the last commit that shipped them; scripts/install-network-policy-api.sh
 * fetches them from the Go module proxy):
 * - the live source reads them (page by page, like every kind) and the tiers judge them: a cluster isolated
 *   by one Baseline ClusterNetworkPolicy audits as isolated, with the policy as evidence;
 * - the server's own validation (schema and CEL) rejects what kubefence's rejects, with the same messages;
 * - `kubefence verify`, acting as each tenant, cannot get around the Admin-tier ClusterNetworkPolicy of
 *   `tenant init --isolation=cluster-policy`: the server accepts a NetworkPolicy allowing everything and an
 *   unlabelled pod, and kubefence's network engine finds the tenants still isolated, by that policy's rule;
 *   RBAC refuses the namespace relabel and creating or editing the cluster-scoped policies. (It runs last:
 *   it adds the policy and the owners' RoleBindings.)
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { ClusterScopedNetworkPolicy } from "../../src/model/objects.js";
import { validateClusterPolicy } from "../../src/network/cluster-policies.js";
import { analyzeNetwork } from "../../src/network/model.js";
import { reach, resolveEnd } from "../../src/network/resolve.js";
import { loadLive } from "../../src/sources/live.js";
import { runAudit } from "../../src/tenancy/audit.js";
import { DEFAULT_QUOTA, tenantManifests } from "../../src/tenancy/guardrails.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";
import type { VerifyReport } from "../../src/verify/report.js";
import { CILIUM_CRD } from "../support/cilium-crd.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";

const CRD_DIR = join(
  process.env.KUBEFENCE_CACHE ?? join(homedir(), ".cache", "kubefence"),
  "network-policy-api",
);
const CRDS = [
  "v0.3.0/experimental/policy.networking.k8s.io_clusternetworkpolicies.yaml",
  "v0.1.6-0.20250401132235-45061d10895e/experimental/policy.networking.k8s.io_adminnetworkpolicies.yaml",
  "v0.1.6-0.20250401132235-45061d10895e/experimental/policy.networking.k8s.io_baselineadminnetworkpolicies.yaml",
];

function crds(): object[] {
  return CRDS.map((file) => {
    const path = join(CRD_DIR, file);
    if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/install-network-policy-api.sh`);
    return parseAllDocuments(readFileSync(path, "utf8"))[0]!.toJS() as object;
  });
}

const cnp = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: "policy.networking.k8s.io/v1alpha2",
  kind: "ClusterNetworkPolicy",
  metadata: { name },
  spec,
});

const isolation = cnp("tenant-isolation", {
  tier: "Baseline",
  priority: 10,
  subject: { namespaces: { matchExpressions: [{ key: "tenant", operator: "Exists" }] } },
  ingress: [{ name: "deny-from-every-pod", action: "Deny", from: [{ namespaces: {} }] }],
});

function workload(ns: string) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: ns },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [{ name: "web", image: "nginx:1.27", ports: [{ name: "http", containerPort: 80 }] }],
        },
      },
    },
  };
}

describe("AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy on a real API server", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.apply([...crds(), CILIUM_CRD]);
    for (const name of [
      "clusternetworkpolicies.policy.networking.k8s.io",
      "adminnetworkpolicies.policy.networking.k8s.io",
      "baselineadminnetworkpolicies.policy.networking.k8s.io",
      "ciliumnetworkpolicies.cilium.io",
    ]) {
      const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`;
      for (let i = 0; ; i++) {
        const crd = await cluster.request<{ status?: { conditions?: { type: string; status: string }[] } }>(
          "GET",
          path,
        );
        if (crd.body.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break;
        if (i > 100) throw new Error(`${name} not established`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await cluster.apply([
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a", labels: { tenant: "a" } } },
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-b", labels: { tenant: "b" } } },
      workload("team-a"),
      workload("team-b"),
      isolation,
      {
        apiVersion: "policy.networking.k8s.io/v1alpha1",
        kind: "AdminNetworkPolicy",
        metadata: { name: "monitoring" },
        spec: {
          priority: 5,
          subject: { namespaces: {} },
          ingress: [
            {
              name: "scrape",
              action: "Allow",
              from: [{ namespaces: { matchLabels: { tenant: "a" } } }],
              ports: [{ portNumber: { port: 9090 } }],
            },
          ],
        },
      },
      {
        apiVersion: "policy.networking.k8s.io/v1alpha1",
        kind: "BaselineAdminNetworkPolicy",
        metadata: { name: "default" },
        spec: {
          subject: { namespaces: {} },
          egress: [{ action: "Allow", to: [{ networks: ["10.0.0.0/8"] }] }],
        },
      },
    ]);
  }, 120_000);
  afterAll(() => cluster?.stop());

  it("reads them page by page and judges the tiers: one Baseline policy isolates the tenants", async () => {
    const { snapshot, diagnostics } = await loadLive({ kubeconfig: cluster.kubeconfig, pageSize: 1 });
    expect(diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(snapshot.clusterNetworkPolicies.map((p) => `${p.kind} ${p.metadata.name}`).sort()).toEqual([
      "AdminNetworkPolicy monitoring",
      "BaselineAdminNetworkPolicy default",
      "ClusterNetworkPolicy tenant-isolation",
    ]);
    const model = analyzeNetwork(snapshot);
    const answer = reach(
      model,
      resolveEnd(model, "team-b/deploy/web"),
      resolveEnd(model, "team-a/deploy/web"),
      80,
      "TCP",
    );
    expect(answer.allowed).toBe(false);
    expect(answer.ingress.reason).toBe(
      'TCP/80 from team-b/web[Deployment] is denied by ClusterNetworkPolicy "tenant-isolation" ingress rule 0 "deny-from-every-pod" (Deny)',
    );
    const scrape = reach(
      model,
      resolveEnd(model, "team-a/deploy/web"),
      resolveEnd(model, "team-b/deploy/web"),
      9090,
      "TCP",
    );
    expect(scrape.ingress.reason).toContain(
      'AdminNetworkPolicy "monitoring" ingress rule 0 "scrape" (Allow)',
    );

    const report = runAudit(snapshot, resolveTenants(snapshot, { from: "label", key: "tenant" }).tenancy);
    expect(report.summary.planes.network).toMatchObject({ breaches: 1, unreadKinds: [] });
    expect(
      [
        ["a", "b"],
        ["b", "a"],
      ]
        .flatMap(([from, to]) => report.matrix.pair(from!, to!).filter((c) => c.plane === "network"))
        .map((c) => `${c.from}>${c.to} ${c.verdict}`),
    ).toEqual(["a>b breach", "b>a isolated"]);
    const evidence = report.findings.find(
      (f) =>
        f.id === "network.cluster-policy-isolation" && f.subject === "tenant-isolation[ClusterNetworkPolicy]",
    );
    expect(evidence?.evidence).toEqual([
      'ClusterNetworkPolicy "tenant-isolation" ingress rule 0 "deny-from-every-pod" (Deny): from all pods in all namespaces, every port',
    ]);
  });

  it("a Cilium policy read live marks the verdicts it may change incomplete", async () => {
    await cluster.apply([
      {
        apiVersion: "cilium.io/v2",
        kind: "CiliumNetworkPolicy",
        metadata: { name: "lock", namespace: "team-b" },
        spec: { endpointSelector: {} },
      },
    ]);
    try {
      const { snapshot } = await loadLive({ kubeconfig: cluster.kubeconfig });
      expect(snapshot.unmodelledPolicies).toEqual([
        {
          apiVersion: "cilium.io/v2",
          kind: "CiliumNetworkPolicy",
          family: "Cilium",
          name: "lock",
          namespace: "team-b",
        },
      ]);
      const model = analyzeNetwork(snapshot);
      const answer = reach(
        model,
        resolveEnd(model, "team-a/deploy/web"),
        resolveEnd(model, "team-b/deploy/web"),
        80,
        "TCP",
      );
      expect(answer.incomplete).toBe("1 Cilium policy is not modelled");
      const report = runAudit(snapshot, resolveTenants(snapshot, { from: "label", key: "tenant" }).tenancy);
      expect(report.summary.planes.network.incomplete).toBe("1 Cilium policy is not modelled");
      // Only tenant b's namespace holds the policy: its row and column are concerned, no other pair.
      expect(report.summary.planes.network.incompleteTenants).toEqual(["b"]);
      const cells = report.matrix.pair("b", "a").filter((c) => c.plane === "network");
      expect(cells.map((c) => [c.verdict, c.incomplete])).toEqual([
        ["isolated", "1 Cilium policy is not modelled"],
      ]);
    } finally {
      await cluster.request("DELETE", "/apis/cilium.io/v2/namespaces/team-b/ciliumnetworkpolicies/lock");
    }
  });

  it("the ClusterNetworkPolicy tenant init --isolation=cluster-policy writes is what the server accepts", async () => {
    const cnp = tenantManifests({
      name: "team-c",
      namespaces: ["team-c"],
      owners: [],
      level: "baseline",
      version: "latest",
      quota: DEFAULT_QUOTA,
      isolation: "cluster-policy",
    }).find((m) => m.kind === "ClusterNetworkPolicy")!;
    const answer = await cluster.request(
      "POST",
      "/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies?dryRun=All",
      cnp,
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  });

  const invalid: { reason: string; object: ClusterScopedNetworkPolicy }[] = [
    {
      reason: "priority above 1000",
      object: cnp("p", { tier: "Admin", priority: 1001, subject: { namespaces: {} } }) as never,
    },
    {
      reason: "an unknown tier",
      object: cnp("t", { tier: "Middle", priority: 1, subject: { namespaces: {} } }) as never,
    },
    {
      reason: "a subject with two fields",
      object: cnp("s", {
        tier: "Admin",
        priority: 1,
        subject: { namespaces: {}, pods: { podSelector: {} } },
      }) as never,
    },
    {
      reason: "a port range whose start is not below its end",
      object: cnp("r", {
        tier: "Admin",
        priority: 1,
        subject: { namespaces: {} },
        ingress: [
          {
            action: "Deny",
            from: [{ namespaces: {} }],
            protocols: [{ tcp: { destinationPort: { range: { start: 90, end: 80 } } } }],
          },
        ],
      }) as never,
    },
    {
      reason: "a CIDR that is not one",
      object: cnp("c", {
        tier: "Admin",
        priority: 1,
        subject: { namespaces: {} },
        egress: [{ action: "Deny", to: [{ networks: ["10.0.0.0/33"] }] }],
      }) as never,
    },
    {
      reason: "a named port toward networks",
      object: cnp("n", {
        tier: "Admin",
        priority: 1,
        subject: { namespaces: {} },
        egress: [
          {
            action: "Accept",
            to: [{ networks: ["10.0.0.0/8"] }],
            protocols: [{ destinationNamedPort: "web" }],
          },
        ],
      }) as never,
    },
    {
      reason: "a BaselineAdminNetworkPolicy not named default",
      object: {
        apiVersion: "policy.networking.k8s.io/v1alpha1",
        kind: "BaselineAdminNetworkPolicy",
        metadata: { name: "other" },
        spec: { subject: { namespaces: {} } },
      } as never,
    },
  ];
  for (const c of invalid)
    it(`the server and kubefence reject ${c.reason} with the same message`, async () => {
      const kind = c.object.kind;
      const plural = `${kind.toLowerCase()}${kind.endsWith("y") ? "" : "s"}`.replace(/policy$/, "policies");
      const version = kind === "ClusterNetworkPolicy" ? "v1alpha2" : "v1alpha1";
      const answer = await cluster.request<{
        message?: string;
        details?: { causes?: { message: string; field: string }[] };
      }>("POST", `/apis/policy.networking.k8s.io/${version}/${plural}?dryRun=All`, c.object);
      expect(answer.status, JSON.stringify(answer.body)).toBe(422);
      const ours = validateClusterPolicy({ ...c.object, metadata: { ...c.object.metadata } });
      const detail = ours.length === 1 ? ours[0]! : `[${ours.join(", ")}]`;
      expect(
        `${kind}.policy.networking.k8s.io ${JSON.stringify(c.object.metadata.name)} is invalid: ${detail}`,
      ).toBe(answer.body.message);
    });

  it("verify cannot get around the Admin-tier isolation: a NetworkPolicy is accepted but held by it, RBAC refuses the rest", async () => {
    const isolationPolicy = tenantManifests({
      name: "team-a",
      namespaces: ["team-a"],
      owners: [{ kind: "User", name: "alice" }],
      level: "baseline",
      version: "latest",
      quota: DEFAULT_QUOTA,
      isolation: "cluster-policy",
    }).find((m) => m.kind === "ClusterNetworkPolicy")!;
    const label = await cluster.request(
      "PATCH",
      "/api/v1/namespaces/team-a",
      { metadata: { labels: { "kubefence.io/tenant": "team-a" } } },
      { "Content-Type": "application/merge-patch+json" },
    );
    expect(label.status).toBe(200);
    const owners = [
      ["team-a", { kind: "User", name: "alice", apiGroup: "rbac.authorization.k8s.io" }],
      ["team-b", { kind: "Group", name: "team-b-devs", apiGroup: "rbac.authorization.k8s.io" }],
    ] as const;
    await cluster.apply([
      isolationPolicy,
      ...owners.map(([ns, subject]) => ({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: `${ns}-owners`, namespace: ns },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
        subjects: [subject],
      })),
    ]);
    const tenantsFile = join(cluster.dir, "verify-tenants.yaml");
    writeFileSync(
      tenantsFile,
      `apiVersion: kubefence.io/v1alpha1
kind: TenantConfig
tenants:
  - name: team-a
    namespaces: [team-a]
    owners: [{kind: User, name: alice}]
  - name: team-b
    namespaces: [team-b]
    owners: [{kind: Group, name: team-b-devs}]
`,
    );
    const run = await kubefence([
      "verify",
      "--kubeconfig",
      cluster.kubeconfig,
      "--tenants",
      tenantsFile,
      "-o",
      "json",
    ]);
    if (run.code !== 0 && run.code !== 1) throw new Error(`verify failed (${run.code}): ${run.stderr}`);
    const report = JSON.parse(run.stdout) as VerifyReport;
    const outcome = (tenant: string, id: string) => {
      const a = report.tenants.find((t) => t.tenant === tenant)!.attempts.find((x) => x.id === id);
      if (!a) return "not planned";
      return a.verdict === "blocked" ? `blocked by ${a.blockedBy}${a.name ? ` ${a.name}` : ""}` : a.verdict;
    };
    const held = "blocked by cluster-network-policy ClusterNetworkPolicy/tenant-team-a-isolation";
    for (const tenant of ["team-a", "team-b"])
      expect(
        Object.fromEntries(
          [
            "cluster-policy-override",
            "cluster-policy-namespace-relabel",
            "cluster-policy-pod-relabel",
            "cluster-policy-create",
            "cluster-policy-edit",
            // No NetworkPolicy to delete, and the isolation is not a NetworkPolicy's: not about it.
            "delete-default-deny",
          ].map((id) => [id, outcome(tenant, id)]),
        ),
        tenant,
      ).toEqual({
        "cluster-policy-override": held,
        "cluster-policy-namespace-relabel": "blocked by rbac",
        "cluster-policy-pod-relabel": held,
        "cluster-policy-create": "blocked by rbac",
        "cluster-policy-edit": "blocked by rbac",
        "delete-default-deny": "not planned",
      });
    const attempt = (tenant: string, id: string) =>
      report.tenants.find((t) => t.tenant === tenant)!.attempts.find((x) => x.id === id)!;
    // The server accepted the NetworkPolicy (201); the engine, judging the cluster with it, cites the rule.
    expect(attempt("team-a", "cluster-policy-override")).toMatchObject({ status: 201 });
    expect(attempt("team-a", "cluster-policy-override").message).toBe(
      'networkpolicy.networking.k8s.io/kubefence-verify-allow-all created (server dry run), but ClusterNetworkPolicy "tenant-team-a-isolation" ingress rule 1 "other-namespaces" (Deny) still denies every connection between namespaces "team-a" and "team-b" (the admin tier decides before any NetworkPolicy)',
    );
    expect(attempt("team-a", "cluster-policy-namespace-relabel").message).toBe(
      'namespaces "team-a" is forbidden: User "alice" cannot patch resource "namespaces" in API group "" in the namespace "team-a"',
    );
    expect(attempt("team-a", "cluster-policy-create").message).toMatch(
      /^clusternetworkpolicies\.policy\.networking\.k8s\.io is forbidden: User "alice" cannot create resource "clusternetworkpolicies" in API group "policy\.networking\.k8s\.io" at the cluster scope/,
    );
    expect(attempt("team-b", "cluster-policy-edit").request).toEqual({
      method: "PATCH",
      path: "/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies/tenant-team-a-isolation?dryRun=All",
    });
    // Dry runs only: nothing was stored.
    for (const path of [
      "/apis/networking.k8s.io/v1/networkpolicies",
      "/api/v1/pods",
      "/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies",
    ]) {
      const list = await cluster.request<{ items: { metadata: { name: string } }[] }>("GET", path);
      expect(list.body.items.filter((i) => i.metadata.name.startsWith("kubefence-verify"))).toEqual([]);
    }
    const ns = await cluster.request<{ metadata: { labels: Record<string, string> } }>(
      "GET",
      "/api/v1/namespaces/team-a",
    );
    expect(ns.body.metadata.labels["kubefence.io/tenant"]).toBe("team-a");
  }, 120_000);
});

const MAIN = join(fileURLToPath(new URL("../..", import.meta.url)), "src", "cli", "main.ts");

/** Runs the CLI from source (tsx), stdin closed, KUBECONFIG unset. */
function kubefence(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = { ...process.env };
  delete env.KUBECONFIG;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", MAIN, ...args],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ stdout, stderr, code: error ? (typeof error.code === "number" ? error.code : -1) : 0 }),
    );
    child.stdin?.end();
  });
}
