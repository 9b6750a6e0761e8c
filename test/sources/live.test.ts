import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { KINDS } from "../../src/model/kinds.js";
import { originOf } from "../../src/model/origin.js";
import { allObjects, objectKey, type Snapshot } from "../../src/model/snapshot.js";
import { DEMO_DIR, loadDemo } from "../../src/sources/demo.js";
import { LiveError, loadLive } from "../../src/sources/live.js";
import { loadManifests } from "../../src/sources/manifests.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";

/** Besides the demo: a tenant with RBAC, a NetworkPolicy, a Deployment, a CronJob, a Secret. */
const SECRET_VALUE = "kubefence-must-never-read-this";
const EXTRA: object[] = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "tenant-a", labels: { tenant: "a" } } },
  { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "ci", namespace: "tenant-a" } },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: "deployer", namespace: "tenant-a" },
    rules: [{ apiGroups: ["apps"], resources: ["deployments", "deployments/scale"], verbs: ["*"] }],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "deployer", namespace: "tenant-a" },
    subjects: [
      { kind: "Group", name: "tenant-a-devs", apiGroup: "rbac.authorization.k8s.io" },
      { kind: "ServiceAccount", name: "ci", namespace: "tenant-a" },
    ],
    roleRef: { kind: "Role", name: "deployer", apiGroup: "rbac.authorization.k8s.io" },
  },
  {
    // carol may list everything kubefence reads except RBAC objects.
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "lister-without-rbac" },
    rules: [
      {
        apiGroups: [""],
        resources: [
          "namespaces",
          "nodes",
          "pods",
          "serviceaccounts",
          "services",
          "replicationcontrollers",
          "podtemplates",
        ],
        verbs: ["list"],
      },
      { apiGroups: ["apps", "batch", "networking.k8s.io"], resources: ["*"], verbs: ["list"] },
    ],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "carol-lists-without-rbac" },
    subjects: [{ kind: "User", name: "carol", apiGroup: "rbac.authorization.k8s.io" }],
    roleRef: { kind: "ClusterRole", name: "lister-without-rbac", apiGroup: "rbac.authorization.k8s.io" },
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "default-deny", namespace: "tenant-a" },
    spec: { podSelector: {} },
  },
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "tenant-a" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ containerPort: 8080 }] }] },
      },
    },
  },
  {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "nightly", namespace: "tenant-a" },
    spec: {
      schedule: "0 3 * * *",
      jobTemplate: {
        spec: {
          template: {
            spec: { restartPolicy: "OnFailure", containers: [{ name: "job", image: "busybox:1.36" }] },
          },
        },
      },
    },
  },
  {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "db", namespace: "tenant-a" },
    stringData: { password: SECRET_VALUE },
  },
];

let cluster: TestCluster;
let extraFile: string;

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.apply([...allObjects(loadDemo().snapshot), ...EXTRA]);
  extraFile = join(cluster.dir, "extra.yaml");
  writeFileSync(extraFile, EXTRA.map((o) => stringify(o)).join("---\n"));
});
afterAll(() => cluster?.stop());

/** Lists the API server's admission plugins append to: the written items come first, unchanged. */
const APPENDED_BY_ADMISSION: Record<string, string> = {
  "spec.taints": "TaintNodesByCondition adds node.kubernetes.io/not-ready to a new Node",
  "spec.tolerations": "DefaultTolerationSeconds adds not-ready/unreachable NoExecute tolerations to a Pod",
};

/** Every field `expected` sets is in `actual` with the same value (the server adds defaults, status, uid…). */
function contains(actual: unknown, expected: unknown, path = ""): string[] {
  if (Array.isArray(expected)) {
    const appended =
      path in APPENDED_BY_ADMISSION && Array.isArray(actual) && actual.length > expected.length;
    if (!Array.isArray(actual) || (actual.length !== expected.length && !appended))
      return [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
    return expected.flatMap((e, i) => contains(actual[i], e, `${path}[${i}]`));
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual))
      return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([k, v]) =>
      contains((actual as Record<string, unknown>)[k], v, path ? `${path}.${k}` : k),
    );
  }
  return actual === expected
    ? []
    : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

function byKey(snapshot: Snapshot): Map<string, object> {
  return new Map(allObjects(snapshot).map((o) => [objectKey(o), o]));
}

describe("live source against a real kube-apiserver", () => {
  it("reads every applied object exactly as the manifest source reads the same files", async () => {
    const live = await loadLive({ kubeconfig: cluster.kubeconfig });
    const manifests = loadManifests([DEMO_DIR, extraFile]);
    const liveObjects = byKey(live.snapshot);
    const manifestObjects = byKey(manifests.snapshot);
    expect(manifestObjects.size).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const [key, object] of manifestObjects) {
      const counterpart = liveObjects.get(key);
      if (!counterpart) problems.push(`${key}: not read from the cluster`);
      else problems.push(...contains(counterpart, object).map((p) => `${key} ${p}`));
    }
    expect(problems).toEqual([]);
    expect(live.snapshot.missingKinds).toEqual([]);
  });

  it("also reads what the server itself created: bootstrap RBAC, aggregated roles, default service accounts", async () => {
    const { snapshot } = await loadLive({ kubeconfig: cluster.kubeconfig });
    const names = (objects: { metadata: { name: string; namespace?: string } }[]) =>
      objects.map((o) =>
        o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name,
      );
    expect(names(snapshot.clusterRoles)).toEqual(expect.arrayContaining(["cluster-admin", "admin", "view"]));
    expect(snapshot.clusterRoles.find((r) => r.metadata.name === "view")?.rules?.length).toBeGreaterThan(0);
    expect(names(snapshot.clusterRoleBindings)).toContain("cluster-admin");
    expect(names(snapshot.serviceAccounts)).toEqual(
      expect.arrayContaining(["default/default", "tenant-a/default", "tenant-a/ci"]),
    );
    expect(names(snapshot.namespaces)).toEqual(expect.arrayContaining(["kube-public", "kube-node-lease"]));
  });

  it("marks each object as coming from the kubeconfig context and drops managedFields", async () => {
    const raw = await cluster.request<{ metadata: { managedFields?: unknown[] } }>(
      "GET",
      "/api/v1/namespaces/network/pods/nginx",
    );
    expect(raw.body.metadata.managedFields?.length).toBeGreaterThan(0);
    const { snapshot } = await loadLive({ kubeconfig: cluster.kubeconfig });
    const nginx = snapshot.pods.find(
      (p) => p.metadata.name === "nginx" && p.metadata.namespace === "network",
    );
    expect(nginx && originOf(nginx)).toEqual({ cluster: "test" });
    expect(allObjects(snapshot).filter((o) => o.metadata.managedFields !== undefined)).toEqual([]);
  });

  it("applies the same defaulting as the manifest source (namespace name label, policyTypes)", async () => {
    // The server (v1.21+) sets the name label itself; the manifest source adds it as that version would.
    const raw = await cluster.request<{ metadata: { labels?: Record<string, string> } }>(
      "GET",
      "/api/v1/namespaces/tenant-a",
    );
    expect(raw.body.metadata.labels).toEqual({ tenant: "a", "kubernetes.io/metadata.name": "tenant-a" });
    const { snapshot } = await loadLive({ kubeconfig: cluster.kubeconfig });
    const tenant = snapshot.namespaces.find((n) => n.metadata.name === "tenant-a");
    expect(tenant?.metadata.labels).toEqual({ tenant: "a", "kubernetes.io/metadata.name": "tenant-a" });
    expect(
      snapshot.networkPolicies.find((p) => p.metadata.name === "default-deny")?.spec?.policyTypes,
    ).toEqual(["Ingress"]);
  });

  it("reads every kind at its stable version, which this server serves, and has nothing to say", async () => {
    const { snapshot, diagnostics } = await loadLive({ kubeconfig: cluster.kubeconfig });
    const cronJob = snapshot.workloads.find((w) => w.kind === "CronJob");
    expect(cronJob?.metadata.name).toBe("nightly");
    expect(cronJob?.apiVersion).toBe("batch/v1");
    expect(diagnostics).toEqual([]);
  });

  it("never reads Secrets", async () => {
    const secret = await cluster.request<{ data: Record<string, string> }>(
      "GET",
      "/api/v1/namespaces/tenant-a/secrets/db",
    );
    expect(Buffer.from(secret.body.data.password ?? "", "base64").toString()).toBe(SECRET_VALUE);
    const { snapshot } = await loadLive({ kubeconfig: cluster.kubeconfig });
    const text = JSON.stringify(snapshot);
    expect(text).not.toContain(Buffer.from(SECRET_VALUE).toString("base64"));
    expect(text).not.toContain('"kind":"Secret"');
  });

  it("follows continue tokens: with one object per page every object is still read", async () => {
    const whole = await loadLive({ kubeconfig: cluster.kubeconfig });
    const pages: string[] = [];
    const paged = await loadLive({
      kubeconfig: cluster.kubeconfig,
      pageSize: 1,
      onProgress: (m) => pages.push(m),
    });
    expect([...byKey(paged.snapshot).keys()].sort()).toEqual([...byKey(whole.snapshot).keys()].sort());
    expect(whole.snapshot.clusterRoles.length).toBeGreaterThan(1);
    // One progress report per page: at least one per object.
    expect(pages.filter((m) => m.startsWith("listed")).length).toBeGreaterThan(
      allObjects(paged.snapshot).length,
    );
  });

  it("gives the same snapshot, in the same order, however many kinds are listed at once", async () => {
    const one = await loadLive({ kubeconfig: cluster.kubeconfig, concurrency: 1 });
    const all = await loadLive({ kubeconfig: cluster.kubeconfig, concurrency: 18 });
    expect(JSON.stringify(allObjects(all.snapshot))).toBe(JSON.stringify(allObjects(one.snapshot)));
    expect(all.snapshot.workloads.map((w) => w.kind)).toEqual(["Deployment", "CronJob"]);
  });

  it("lists only the kinds asked for (the RBAC commands'): the same objects of those kinds, nothing else", async () => {
    const asked = ["Namespace", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"] as const;
    const kinds = new Set<string>(asked);
    const whole = await loadLive({ kubeconfig: cluster.kubeconfig });
    const messages: string[] = [];
    const rbac = await loadLive({
      kubeconfig: cluster.kubeconfig,
      kinds: new Set(asked),
      onProgress: (m) => messages.push(m),
    });
    const read = allObjects(rbac.snapshot);
    expect(new Set(read.map((o) => o.kind))).toEqual(kinds);
    expect(JSON.stringify(read)).toBe(
      JSON.stringify(allObjects(whole.snapshot).filter((o) => kinds.has(o.kind))),
    );
    expect(messages).toContain(`listed ${read.length} objects (5/5 kinds)`);
    // carol may list everything but RBAC objects: those are missing, and no kind that was not asked for.
    const carol = await loadLive({
      kubeconfig: await cluster.userKubeconfig("carol"),
      kinds: new Set(asked),
    });
    expect([...carol.snapshot.missingKinds].sort()).toEqual([
      "ClusterRole",
      "ClusterRoleBinding",
      "Role",
      "RoleBinding",
    ]);
  });

  it("reports progress and clears the line at the end", async () => {
    const messages: string[] = [];
    await loadLive({ kubeconfig: cluster.kubeconfig, onProgress: (m) => messages.push(m) });
    expect(messages[0]).toMatch(/^connecting to https:\/\/127\.0\.0\.1:\d+ \(context test\)$/);
    expect(messages).toContain(
      `listed ${allObjects((await loadLive({ kubeconfig: cluster.kubeconfig })).snapshot).length} objects (${KINDS.length}/${KINDS.length} kinds)`,
    );
    expect(messages.at(-1)).toBe("");
  });

  it("continues past Forbidden kinds with a partial snapshot, naming what is missing and what it weakens", async () => {
    const kubeconfig = await cluster.userKubeconfig("carol");
    const { snapshot, diagnostics } = await loadLive({ kubeconfig });
    expect(snapshot.missingKinds).toEqual([
      "Role",
      "ClusterRole",
      "RoleBinding",
      "ClusterRoleBinding",
      "ValidatingWebhookConfiguration",
      "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding",
    ]);
    expect(snapshot.roles).toEqual([]);
    expect(snapshot.clusterRoleBindings).toEqual([]);
    expect(snapshot.pods.length).toBeGreaterThan(5);
    expect(snapshot.workloads.map((w) => w.metadata.name).sort()).toEqual(["nightly", "web"]);
    const warnings = diagnostics.filter((d) => d.severity === "warning").map((d) => d.message);
    expect(warnings).toHaveLength(7);
    expect(warnings).toContain(
      'cannot list ClusterRoleBinding: clusterrolebindings.rbac.authorization.k8s.io is forbidden: User "carol" cannot list resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope; RBAC answers (can-i, who-can, the access matrix) miss permissions granted by ClusterRoleBindings',
    );
  });

  it("a user who may list nothing gets an empty snapshot with every kind missing, warned in a stable order", async () => {
    const { snapshot, diagnostics } = await loadLive({ kubeconfig: await cluster.userKubeconfig("mallory") });
    expect(allObjects(snapshot)).toEqual([]);
    // Custom resources this server does not serve (platforms', cluster policies': discovery says so) are not
    // asked for, so not missing.
    const listed = KINDS.filter((k) => !k.platform && !k.customResource);
    expect(listed.length).toBeLessThan(KINDS.length);
    expect(snapshot.missingKinds).toEqual(listed.map((k) => k.kind));
    // One warning per kind, in KINDS order, however the concurrent lists happened to finish.
    expect(diagnostics.map((d) => `${d.severity} ${d.message.split(":")[0]}`)).toEqual(
      listed.map((k) => `warning cannot list ${k.kind}`),
    );
  });

  it("rejects bad credentials with kubectl's Unauthorized message", async () => {
    const kubeconfig = join(cluster.dir, "bad-token.kubeconfig");
    writeFileSync(kubeconfig, kubeconfigFor(cluster.server, cluster.caFile, "not-a-valid-token"));
    const loading = loadLive({ kubeconfig });
    await expect(loading).rejects.toThrow(LiveError);
    await expect(loading).rejects.toThrow(
      /^You must be logged in to the server \(Unauthorized\): the credentials of context "test" were rejected by https:\/\/127\.0\.0\.1:\d+$/,
    );
  });

  it("says when the server cannot be reached", async () => {
    const kubeconfig = join(cluster.dir, "unreachable.kubeconfig");
    // Port 1 on loopback: nothing listens there.
    writeFileSync(kubeconfig, kubeconfigFor("https://127.0.0.1:1", cluster.caFile, cluster.token));
    await expect(loadLive({ kubeconfig })).rejects.toThrow(
      "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?",
    );
  });

  it("refuses a server whose certificate the kubeconfig's CA does not sign", async () => {
    const kubeconfig = join(cluster.dir, "wrong-ca.kubeconfig");
    const otherCa = join(cluster.dir, "other-ca.crt");
    writeFileSync(otherCa, OTHER_CA);
    writeFileSync(kubeconfig, kubeconfigFor(cluster.server, otherCa, cluster.token));
    await expect(loadLive({ kubeconfig })).rejects.toThrow(
      /^Unable to connect to the server 127\.0\.0\.1:\d+: /,
    );
  });
});

describe("choosing the kubeconfig and context", () => {
  const savedKubeconfig = process.env.KUBECONFIG;
  afterEach(() => {
    if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = savedKubeconfig;
  });

  it("uses KUBECONFIG when --kubeconfig is not given", async () => {
    process.env.KUBECONFIG = `${join(cluster.dir, "does-not-exist")}:${cluster.kubeconfig}`;
    const { snapshot } = await loadLive({});
    expect(snapshot.namespaces.map((n) => n.metadata.name)).toContain("tenant-a");
  });

  it("--context picks a context other than the current one", async () => {
    const kubeconfig = join(cluster.dir, "two-contexts.kubeconfig");
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters:
  - name: test
    cluster: { server: "${cluster.server}", certificate-authority: "${cluster.caFile}" }
users:
  - name: admin
    user: { token: "${cluster.token}" }
  - name: stranger
    user: { token: "wrong" }
contexts:
  - name: broken
    context: { cluster: test, user: stranger }
  - name: admin@test
    context: { cluster: test, user: admin }
current-context: broken
`,
    );
    await expect(loadLive({ kubeconfig })).rejects.toThrow(/Unauthorized/);
    const { snapshot } = await loadLive({ kubeconfig, context: "admin@test" });
    expect(originOf(snapshot.namespaces[0]!)).toEqual({ cluster: "admin@test" });
  });

  it("names a context that does not exist", async () => {
    await expect(loadLive({ kubeconfig: cluster.kubeconfig, context: "prod" })).rejects.toThrow(
      'context "prod" does not exist in the kubeconfig',
    );
  });

  it("names a kubeconfig file that does not exist", async () => {
    await expect(loadLive({ kubeconfig: "/nonexistent/kubeconfig" })).rejects.toThrow(
      'the kubeconfig "/nonexistent/kubeconfig" does not exist',
    );
  });

  it("says so when KUBECONFIG names only files that do not exist", async () => {
    process.env.KUBECONFIG = "/nonexistent/a:/nonexistent/b";
    await expect(loadLive({})).rejects.toThrow(
      "none of the kubeconfig files in KUBECONFIG exist (/nonexistent/a:/nonexistent/b)",
    );
  });
});

function kubeconfigFor(server: string, caFile: string, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: test
    cluster: { server: "${server}", certificate-authority: "${caFile}" }
users:
  - name: someone
    user: { token: "${token}" }
contexts:
  - name: test
    context: { cluster: test, user: someone }
current-context: test
`;
}

/** A self-signed CA (its key was thrown away) that signed nothing the test server presents. */
const OTHER_CA = `-----BEGIN CERTIFICATE-----
MIIBozCCAUmgAwIBAgIUBV9evAbI1RGNdmVeW2kDenUyBBEwCgYIKoZIzj0EAwIw
JjEkMCIGA1UEAwwba3ViZWZlbmNlLXVucmVsYXRlZC10ZXN0LWNhMCAXDTI2MTEy
NjE0MjQ0OFoYDzIxMjYxMTAyMTQyNDQ4WjAmMSQwIgYDVQQDDBtrdWJlZmVuY2Ut
dW5yZWxhdGVkLXRlc3QtY2EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATPK/CL
yBkgzmHXEpFD6nRltwdkLfsOO8cO46MZ+2L2yFbDiIjT2c1FPhueiq3k2IQTSUaf
RCS/A5YofKVOGM6to1MwUTAdBgNVHQ4EFgQU/owMpKHf7b8CGvKmdE9PeYUrZ8ww
HwYDVR0jBBgwFoAU/owMpKHf7b8CGvKmdE9PeYUrZ8wwDwYDVR0TAQH/BAUwAwEB
/zAKBggqhkjOPQQDAgNIADBFAiEA5Q2P4vFPGkuoWa5Bgk+gSbzFb6A/QbWzYZ4F
3acJKAsCIFn2xF9SzRj/sjpchdsUz6fQJchgpNg12HOIwjtXgUx/
-----END CERTIFICATE-----
`;
