/**
 * `kubefence verify` against a real kube-apiserver (the test cluster's version, on loopback), in three
 * stages of one cluster:
 * 1. tenant owners made cluster-admin (how many clusters start): every breach is accepted;
 * 2. the guardrails of `tenant init` applied instead (namespaced admin, quota, default-deny policies, Pod
 *    Security labels): RBAC, the ResourceQuota and Pod Security admission block what they govern, the
 *    policy deletion still passes;
 * 3. the kubefence admission webhook registered too, and team-a's namespace stripped of its Pod Security
 *    labels (so it is privileged and only the webhook can stop its pods): every attempt is blocked, and the
 *    report says by what — the PodSecurity plugin for the labelled namespaces' pods (it runs before
 *    admission webhooks, which then never see them), the webhook for team-a's.
 * Also: nothing is ever persisted, and a caller who may not impersonate gets a clear error.
 */
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTenantConfig, parseWebhookSettings } from "../../src/sources/tenants-file.js";
import { DEFAULT_QUOTA, tenantManifests } from "../../src/tenancy/guardrails.js";
import type { VerifyReport } from "../../src/verify/report.js";
import { type ClusterCache, startClusterCache } from "../../src/webhook/cache.js";
import { admissionContext } from "../../src/webhook/context.js";
import { GUARDRAIL_IDS } from "../../src/webhook/guardrails/index.js";
import { validatingWebhookConfiguration, WEBHOOK_NAME } from "../../src/webhook/manifests.js";
import { startWebhookServer, type WebhookServer } from "../../src/webhook/server.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";
import { makeCertificates, type TestCertificates } from "../webhook/certs.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = join(ROOT, "src", "cli", "main.ts");

const TENANTS = `apiVersion: kubefence.io/v1alpha1
kind: TenantConfig
tenants:
  - name: team-a
    namespaces: [team-a]
    owners: [{kind: User, name: alice}]
  - name: team-b
    namespaces: [team-b]
    owners: [{kind: Group, name: team-b-devs}]
  - name: team-c
    namespaces: [team-c]
    owners: [{kind: ServiceAccount, namespace: team-c, name: deployer}]
  - name: team-d
    namespaces: [team-d]
`;

const OWNER_SUBJECTS: Record<string, Record<string, string>> = {
  "team-a": { kind: "User", name: "alice", apiGroup: "rbac.authorization.k8s.io" },
  "team-b": { kind: "Group", name: "team-b-devs", apiGroup: "rbac.authorization.k8s.io" },
  "team-c": { kind: "ServiceAccount", name: "deployer", namespace: "team-c" },
};
const VERIFIED = ["team-a", "team-b", "team-c"];
const ATTEMPT_IDS = [
  "privileged-host-pod",
  "host-network-pod",
  "node-port-service",
  "cluster-admin-binding",
  "cross-tenant-binding",
  "pod-security-relabel",
  "webhook-selector-escape",
  "delete-default-deny",
];

/** Runs the CLI from source (tsx), stdin closed, stderr a pipe, KUBECONFIG unset. */
function kubefence(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const env = { ...process.env };
  delete env.KUBECONFIG;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", MAIN, ...args],
      { env, cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ stdout, stderr, code: error ? (typeof error.code === "number" ? error.code : -1) : 0 }),
    );
    child.stdin?.end();
  });
}

let cluster: TestCluster;
let tenantsFile: string;

async function verify(extra: string[] = []): Promise<{ report: VerifyReport; code: number; stderr: string }> {
  const run = await kubefence([
    "verify",
    "--kubeconfig",
    cluster.kubeconfig,
    "--tenants",
    tenantsFile,
    "-o",
    "json",
    ...extra,
  ]);
  if (run.code !== 0 && run.code !== 1) throw new Error(`verify failed (${run.code}): ${run.stderr}`);
  return { report: JSON.parse(run.stdout) as VerifyReport, code: run.code, stderr: run.stderr };
}

/** tenant → attempt id → "ACCEPTED" | "n/a" | "blocked by <mechanism>[ <name>]". */
function outcomes(report: VerifyReport): Record<string, Record<string, string>> {
  return Object.fromEntries(
    report.tenants.map((t) => [
      t.tenant,
      Object.fromEntries(
        t.attempts.map((a) => [
          a.id,
          a.verdict === "accepted"
            ? "ACCEPTED"
            : a.verdict === "not-applicable"
              ? "n/a"
              : `blocked by ${a.blockedBy}${a.name ? ` ${a.name}` : ""}`,
        ]),
      ),
    ]),
  );
}

function message(report: VerifyReport, tenant: string, id: string): string {
  return report.tenants.find((t) => t.tenant === tenant)!.attempts.find((a) => a.id === id)!.message;
}

/** Everything an attempt could have left behind, listed as the admin. */
async function leftovers(): Promise<string[]> {
  const found: string[] = [];
  for (const path of [
    "/api/v1/pods",
    "/api/v1/services",
    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
    "/apis/rbac.authorization.k8s.io/v1/rolebindings",
  ]) {
    const list = await cluster.request<{ items: { metadata: { name: string; namespace?: string } }[] }>(
      "GET",
      path,
    );
    for (const item of list.body.items)
      if (item.metadata.name.startsWith("kubefence-verify"))
        found.push(`${path} ${item.metadata.namespace ?? ""}/${item.metadata.name}`);
  }
  const namespaces = await cluster.request<{
    items: { metadata: { name: string; labels?: Record<string, string> } }[];
  }>("GET", "/api/v1/namespaces");
  for (const ns of namespaces.body.items)
    if (ns.metadata.labels?.["pod-security.kubernetes.io/enforce"] === "privileged")
      found.push(`namespace ${ns.metadata.name} relabelled privileged`);
  return found;
}

/**
 * The test cluster runs no resourcequota controller, and quota admission ignores a ResourceQuota whose
 * status.hard is empty; so publish what the controller would: hard as in spec, nothing used yet.
 */
async function publishQuotaStatus(namespaces: string[]): Promise<void> {
  for (const namespace of namespaces) {
    const path = `/api/v1/namespaces/${namespace}/resourcequotas/${namespace}-quota`;
    const quota = await cluster.request<{ spec: { hard: Record<string, string> } }>("GET", path);
    const hard = quota.body.spec.hard;
    const used = Object.fromEntries(Object.keys(hard).map((k) => [k, "0"]));
    const updated = await cluster.request("PUT", `${path}/status`, { ...quota.body, status: { hard, used } });
    expect(updated.status).toBe(200);
  }
}

/** What the quotas count as used; a dry run must not change it. */
async function quotaUsage(): Promise<Record<string, Record<string, string>>> {
  const list = await cluster.request<{
    items: { metadata: { namespace: string }; status?: { used?: Record<string, string> } }[];
  }>("GET", "/api/v1/resourcequotas");
  return Object.fromEntries(list.body.items.map((q) => [q.metadata.namespace, q.status?.used ?? {}]));
}

beforeAll(async () => {
  cluster = await startTestCluster();
  tenantsFile = join(cluster.dir, "tenants.yaml");
  writeFileSync(tenantsFile, TENANTS);
  await cluster.apply([
    ...["team-a", "team-b", "team-c", "team-d"].map((name) => ({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name },
    })),
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "deployer", namespace: "team-c" } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "carol-views" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "User", name: "carol", apiGroup: "rbac.authorization.k8s.io" }],
    },
    // Stage 1: every owner is a cluster-admin.
    ...VERIFIED.map((tenant) => ({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: `${tenant}-owners-are-admins` },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [OWNER_SUBJECTS[tenant]],
    })),
  ]);
});
afterAll(() => cluster?.stop());

describe("kubefence verify against a real kube-apiserver", () => {
  it("before any guardrail, with owners as cluster-admins: every breach is accepted (exit 1)", async () => {
    const { report, code } = await verify();
    expect(code).toBe(1);
    const accepted = Object.fromEntries(
      ATTEMPT_IDS.map((id) => [
        id,
        id === "delete-default-deny"
          ? "n/a"
          : id === "webhook-selector-escape"
            ? "blocked by api-server"
            : "ACCEPTED",
      ]),
    );
    expect(outcomes(report)).toEqual({ "team-a": accepted, "team-b": accepted, "team-c": accepted });
    expect(message(report, "team-a", "privileged-host-pod")).toBe(
      "pod/kubefence-verify-host-escape created (server dry run)",
    );
    expect(message(report, "team-a", "delete-default-deny")).toMatch(
      /^n\/a: no default-deny policy to delete/,
    );
    // Even a cluster-admin cannot move a namespace out of the webhook's namespaceSelector: the API server
    // accepts the patch and sets the label back to the name.
    expect(message(report, "team-b", "webhook-selector-escape")).toBe(
      "namespace/team-b labeled (server dry run), but the API server kept kubernetes.io/metadata.name=team-b (it sets that label to the namespace's name): the webhook's namespaceSelector still selects it",
    );
    expect(report.notVerifiable).toEqual([
      {
        tenant: "team-d",
        reason: "the tenants file names no owners for it, so there is no one to act as (add owners:)",
      },
    ]);
    expect(report.summary).toEqual({
      tenants: 3,
      notVerifiable: 1,
      attempts: 24,
      blocked: 3,
      accepted: 18,
      notApplicable: 3,
      contradictions: 0,
    });
    expect(report.isolated).toBe(false);
    // Who was acted as: a User by name, a Group through a stand-in user, a ServiceAccount by its username.
    expect(report.tenants.map((t) => t.actingAs)).toEqual([
      { subject: "User:alice", user: "alice", groups: [] },
      {
        subject: "Group:team-b-devs",
        user: "kubefence:verify:team-b",
        groups: ["team-b-devs", "system:authenticated"],
      },
      {
        subject: "ServiceAccount:team-c/deployer",
        user: "system:serviceaccount:team-c:deployer",
        groups: [],
      },
    ]);
    // Each tenant reaches into its neighbour: team-a → team-b → team-c → team-d (team-d is a tenant too).
    const crossPaths = report.tenants.map(
      (t) => t.attempts.find((a) => a.id === "cross-tenant-binding")!.request!.path,
    );
    expect(crossPaths).toEqual([
      "/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/rolebindings?dryRun=All",
      "/apis/rbac.authorization.k8s.io/v1/namespaces/team-c/rolebindings?dryRun=All",
      "/apis/rbac.authorization.k8s.io/v1/namespaces/team-d/rolebindings?dryRun=All",
    ]);
    expect(await leftovers()).toEqual([]);
  });

  it("with the guardrails of tenant init: RBAC, the ResourceQuota and PodSecurity block, policy deletion still passes", async () => {
    for (const tenant of VERIFIED)
      expect(
        (
          await cluster.request(
            "DELETE",
            `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${tenant}-owners-are-admins`,
          )
        ).status,
      ).toBe(200);
    const { config } = parseTenantConfig(TENANTS, "tenants.yaml");
    await cluster.apply(
      config!.tenants.flatMap((t) =>
        tenantManifests({
          name: t.name,
          namespaces: t.namespaces,
          owners: t.owners,
          level: t.podSecurity,
          version: "latest",
          quota: DEFAULT_QUOTA,
        }),
      ),
    );
    await publishQuotaStatus(VERIFIED.concat("team-d"));
    const { report, code } = await verify();
    expect(code).toBe(1);
    const expected = {
      "privileged-host-pod": "blocked by pod-security",
      "host-network-pod": "blocked by pod-security",
      "node-port-service": "blocked by quota",
      "cluster-admin-binding": "blocked by rbac",
      "cross-tenant-binding": "blocked by rbac",
      "pod-security-relabel": "blocked by rbac",
      "webhook-selector-escape": "blocked by rbac",
      "delete-default-deny": "ACCEPTED",
    };
    expect(outcomes(report)).toEqual({ "team-a": expected, "team-b": expected, "team-c": expected });
    expect(message(report, "team-a", "privileged-host-pod")).toBe(
      'pods "kubefence-verify-host-escape" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true), hostPath volumes (volume "host"), privileged (container "escape" must not set securityContext.privileged=true)',
    );
    expect(message(report, "team-b", "host-network-pod")).toBe(
      'pods "kubefence-verify-host-network" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)',
    );
    expect(message(report, "team-a", "node-port-service")).toBe(
      'services "kubefence-verify-node-port" is forbidden: exceeded quota: team-a-quota, requested: services.nodeports=1, used: services.nodeports=0, limited: services.nodeports=0',
    );
    expect(message(report, "team-a", "cluster-admin-binding")).toBe(
      'clusterrolebindings.rbac.authorization.k8s.io is forbidden: User "alice" cannot create resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope',
    );
    expect(message(report, "team-c", "cross-tenant-binding")).toBe(
      'rolebindings.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:team-c:deployer" cannot create resource "rolebindings" in API group "rbac.authorization.k8s.io" in the namespace "team-d"',
    );
    expect(message(report, "team-b", "pod-security-relabel")).toBe(
      'namespaces "team-b" is forbidden: User "kubefence:verify:team-b" cannot patch resource "namespaces" in API group "" in the namespace "team-b"',
    );
    expect(message(report, "team-a", "delete-default-deny")).toBe(
      "networkpolicy.networking.k8s.io/default-deny-all deleted (server dry run)",
    );
    expect(await leftovers()).toEqual([]);
    expect(Object.values(await quotaUsage()).flatMap((used) => Object.values(used))).toSatisfy(
      (values: string[]) => values.length > 0 && values.every((v) => v === "0"),
    );
    // The dry-run DELETE deleted nothing.
    const policy = await cluster.request(
      "GET",
      "/apis/networking.k8s.io/v1/namespaces/team-a/networkpolicies/default-deny-all",
    );
    expect(policy.status).toBe(200);
  });

  describe("with the kubefence admission webhook registered", () => {
    let certs: TestCertificates;
    let cache: ClusterCache;
    let server: WebhookServer | undefined;

    beforeAll(async () => {
      certs = makeCertificates();
      const { settings, diagnostics } = parseWebhookSettings(TENANTS, "tenants.yaml", GUARDRAIL_IDS);
      if (!settings) throw new Error(diagnostics.map((d) => d.message).join("\n"));
      // team-a's namespace loses its Pod Security labels (as one made outside tenant init would lack them):
      // PodSecurity then admits any pod there, and only the webhook, which judges by the tenant, stops it.
      const stripped = await cluster.request(
        "PATCH",
        "/api/v1/namespaces/team-a",
        {
          metadata: {
            labels: Object.fromEntries(
              ["enforce", "audit", "warn"].flatMap((mode) => [
                [`pod-security.kubernetes.io/${mode}`, null],
                [`pod-security.kubernetes.io/${mode}-version`, null],
              ]),
            ),
          },
        },
        { "Content-Type": "application/merge-patch+json" },
      );
      expect(stripped.status).toBe(200);
      expect(
        Object.keys((stripped.body as { metadata: { labels: Record<string, string> } }).metadata.labels),
      ).not.toContain("pod-security.kubernetes.io/enforce");
      const kubeconfig = new KubeConfig();
      kubeconfig.loadFromFile(cluster.kubeconfig);
      cache = startClusterCache({ kubeconfig, log: () => {}, restartDelayMs: 200 });
      await cache.waitForSync(30_000);
      server = await startWebhookServer({
        host: "127.0.0.1",
        port: 0,
        certFile: certs.certFile,
        keyFile: certs.keyFile,
        log: () => {},
        context: () => {
          const snapshot = cache.snapshot();
          return snapshot && admissionContext(snapshot, settings);
        },
      });
      const registered = await cluster.request(
        "POST",
        "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
        validatingWebhookConfiguration({
          namespace: "kubefence-system",
          clientConfig: {
            url: `${server!.url}/validate`,
            caBundle: Buffer.from(certs.ca).toString("base64"),
          },
        }),
      );
      expect(registered.status).toBe(201);
      // The API server picks webhook configurations up asynchronously: wait until it calls this one.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const probe = await cluster.request(
          "POST",
          "/api/v1/namespaces/team-a/pods?dryRun=All",
          {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "probe" },
            spec: { hostPID: true, containers: [{ name: "c", image: "busybox" }] },
          },
          { "Impersonate-User": "alice" },
        );
        if (probe.status !== 201 || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });

    afterAll(async () => {
      await cluster.request(
        "DELETE",
        "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/kubefence",
      );
      await server?.close();
      await cache?.stop();
      if (certs) rmSync(certs.dir, { recursive: true, force: true });
    });

    it("blocks every attempt and says by what: PodSecurity, RBAC, the webhook (exit 0)", async () => {
      const { report, code } = await verify();
      const expected = (pods: string) => ({
        "privileged-host-pod": pods,
        "host-network-pod": pods,
        "node-port-service": `blocked by webhook ${WEBHOOK_NAME}`,
        "cluster-admin-binding": "blocked by rbac",
        "cross-tenant-binding": "blocked by rbac",
        "pod-security-relabel": "blocked by rbac",
        "webhook-selector-escape": "blocked by rbac",
        "delete-default-deny": `blocked by webhook ${WEBHOOK_NAME}`,
      });
      expect(outcomes(report)).toEqual({
        "team-a": expected(`blocked by webhook ${WEBHOOK_NAME}`),
        "team-b": expected("blocked by pod-security"),
        "team-c": expected("blocked by pod-security"),
      });
      expect(code).toBe(0);
      expect(report.isolated).toBe(true);
      expect(message(report, "team-a", "privileged-host-pod")).toMatch(
        new RegExp(
          `^admission webhook "${WEBHOOK_NAME}" denied the request: \\[kubefence:pod-security\\] pods "kubefence-verify-host-escape" is forbidden: violates PodSecurity "baseline:latest": `,
        ),
      );
      // The PodSecurity plugin's own refusal: it runs before admission webhooks and stops the request there.
      expect(message(report, "team-b", "privileged-host-pod")).toBe(
        'pods "kubefence-verify-host-escape" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true), hostPath volumes (volume "host"), privileged (container "escape" must not set securityContext.privileged=true)',
      );
      expect(message(report, "team-a", "delete-default-deny")).toContain(
        'NetworkPolicy "default-deny-all" in namespace "team-a" is managed by kubefence',
      );
      // verify holds the audit's credit against the answers: the webhook is what the audit relies on in team-a,
      // and it held.
      const teamA = report.tenants.find((t) => t.tenant === "team-a")!.attempts;
      const credited = Object.fromEntries(teamA.filter((a) => a.credited).map((a) => [a.id, a.credited]));
      expect(credited).toEqual({
        "privileged-host-pod": `webhook ${WEBHOOK_NAME} (ValidatingWebhookConfiguration "kubefence")`,
        "pod-security-relabel": `webhook namespaces.${WEBHOOK_NAME} (ValidatingWebhookConfiguration "kubefence")`,
      });
      expect(report.summary.contradictions).toBe(0);
      expect(await leftovers()).toEqual([]);
    });

    it("prints a table that names, per attempt, what blocked it", async () => {
      const run = await kubefence([
        "verify",
        "--kubeconfig",
        cluster.kubeconfig,
        "--tenants",
        tenantsFile,
        "--tenant",
        "team-a",
      ]);
      expect(run.code).toBe(0);
      const lines = run.stdout.split("\n");
      expect(lines[0]).toMatch(/^TENANT\s+AS\s+ATTEMPT\s+RESULT\s+BY\s+MESSAGE$/);
      expect(lines[1]).toMatch(
        new RegExp(
          `^team-a\\s+User:alice\\s+privileged-host-pod\\s+blocked\\s+webhook ${WEBHOOK_NAME}\\s+admission webhook`,
        ),
      );
      expect(lines[4]).toMatch(
        /^team-a\s+User:alice\s+cluster-admin-binding\s+blocked\s+RBAC\s+clusterrolebindings/,
      );
      expect(lines.at(-2)).toBe(
        "1 tenant, 8 attempts: 8 blocked, 0 ACCEPTED. isolation holds: every attempt was blocked",
      );
    });
    it("a webhook that is down still blocks (failing closed), and the report says it was not a decision", async () => {
      await server!.close();
      server = undefined;
      const { report, code } = await verify();
      expect(code).toBe(0);
      expect(outcomes(report)["team-a"]!["privileged-host-pod"]).toBe(
        `blocked by webhook-failure ${WEBHOOK_NAME}`,
      );
      // PodSecurity, which refuses before any webhook is called, needs none to be up.
      expect(outcomes(report)["team-b"]!["privileged-host-pod"]).toBe("blocked by pod-security");
      expect(outcomes(report)["team-b"]!["node-port-service"]).toBe(
        `blocked by webhook-failure ${WEBHOOK_NAME}`,
      );
      expect(outcomes(report)["team-a"]!["cluster-admin-binding"]).toBe("blocked by rbac");
      expect(message(report, "team-a", "host-network-pod")).toContain(
        `failed calling webhook "${WEBHOOK_NAME}"`,
      );
    });
  });

  it("says clearly when the caller may not impersonate (exit 2)", async () => {
    // carol may read the cluster (view: namespaces, NetworkPolicies), but not impersonate anyone.
    const run = await kubefence([
      "verify",
      "--kubeconfig",
      await cluster.userKubeconfig("carol"),
      "--tenants",
      tenantsFile,
      "--tenant",
      "team-a",
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    // v1.36+ tries constrained impersonation first (impersonate-on:<mode>:<verb> on the request itself) and
    // answers with that mode's refusal; legacy impersonation, tried last, would have said "cannot impersonate".
    expect(run.stderr).toContain(
      'error: cannot act as tenant "team-a"\'s owner User "alice": pods is forbidden: User "carol" cannot impersonate-on:user-info:create resource "pods" in API group "" in the namespace "team-a"',
    );
    expect(run.stderr).toContain('needs the "impersonate" verb on users, groups and serviceaccounts');
  });

  it("with the impersonate verb the error names, that caller verifies as the admin does", async () => {
    const asAdmin = await verify();
    for (const args of [
      [
        "create",
        "clusterrole",
        "kubefence-verify",
        "--verb=impersonate",
        "--resource=users,groups,serviceaccounts",
      ],
      ["create", "clusterrolebinding", "kubefence-verify", "--clusterrole=kubefence-verify", "--user=carol"],
    ])
      expect((await cluster.kubectl(args)).code).toBe(0);
    const run = await kubefence([
      "verify",
      "--kubeconfig",
      await cluster.userKubeconfig("carol"),
      "--tenants",
      tenantsFile,
      "-o",
      "json",
    ]);
    expect(run.stderr).toBe(
      "warning: validatingwebhookconfigurations, validatingadmissionpolicies, validatingadmissionpolicybindings cannot be listed (forbidden), so the answers are not held against the kubefence enforcement the audit would credit\n" +
        'warning: tenant "team-d" cannot be verified: the tenants file names no owners for it, so there is no one to act as (add owners:)\n',
    );
    expect(run.code).toBe(asAdmin.code);
    const asCarol = JSON.parse(run.stdout) as VerifyReport;
    expect(outcomes(asCarol)).toEqual(outcomes(asAdmin.report));
    expect(Object.values(outcomes(asCarol)).flatMap((byId) => Object.values(byId))).toContain("ACCEPTED");
  });
});
