/**
 * The proof that the generated ValidatingAdmissionPolicies enforce what the webhook enforces, on a real
 * kube-apiserver (v1.37 on loopback): the webhook guardrail tests' cases and every `verify` attempt, sent as
 * tenants (impersonation, server-side dry run), answered the same way with only the webhook registered and
 * with only the policies installed — allow or deny, and the same message; then a seeded differential of
 * random RBAC and NetworkPolicy changes made as tenants, the policies' answer against the webhook's pure
 * review function on the same request. Where a policy is partial, the cases it lets through are named with
 * the documented limit they fall under, and the differential checks every disagreement falls under one.
 */
import { readFileSync, rmSync } from "node:fs";
import type { Agent } from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kindInfo } from "../../../src/model/kinds.js";
import type { Subject } from "../../../src/model/objects.js";
import { PLATFORM, resolveTenants } from "../../../src/tenancy/tenants.js";
import { ATTEMPTS } from "../../../src/verify/attempts/index.js";
import { classifyAnswer } from "../../../src/verify/classify.js";
import { verifyTargets } from "../../../src/verify/target.js";
import { type ClusterCache, startClusterCache } from "../../../src/webhook/cache.js";
import { admissionContext } from "../../../src/webhook/context.js";
import { decide } from "../../../src/webhook/decide.js";
import { GUARDRAILS } from "../../../src/webhook/guardrails/index.js";
import { subjectTenants } from "../../../src/webhook/guardrails/rbac-cross-tenant.js";
import {
  NAMESPACES_WEBHOOK_NAME,
  validatingWebhookConfiguration,
  WEBHOOK_NAME,
} from "../../../src/webhook/manifests.js";
import type { AdmissionRequest } from "../../../src/webhook/review.js";
import { startWebhookServer, type WebhookServer } from "../../../src/webhook/server.js";
import { defaultSettings } from "../../../src/webhook/settings.js";
import { admissionPolicies, fallbackMessage, MAX_MESSAGE_BYTES } from "../../../src/webhook/vap/index.js";
import { type Response, startTestCluster, type TestCluster } from "../../support/cluster.js";
import { makeCertificates, type TestCertificates } from "../certs.js";
import { fixture, settingsOf } from "../helpers.js";

/** The webhook fixtures' tenants file; Pod Security itself is left to Pod Security Admission, as with the policies. */
const TENANTS = readFileSync(fixture("tenants.yaml"), "utf8").replace(
  /^guardrails:[\s\S]*$/m,
  "guardrails:\n  pod-security: audit\n",
);
const SETTINGS = settingsOf(TENANTS);
/** Every identity acting below is in this group, which may do anything RBAC checks: admission alone decides. */
const WRITERS = "kubefence-test-writers";
const RBAC = "rbac.authorization.k8s.io/v1";
const VWC = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";

interface Case {
  why: string;
  as: string;
  groups?: string[];
  method: "POST" | "PUT" | "PATCH" | "DELETE";
  /** Without `?dryRun=All`, which is added. */
  path: string;
  body?: Record<string, unknown>;
  contentType?: string;
  /** Set where the webhook denies and the policy, by a documented limit, does not: words of the webhook's line. */
  gap?: string;
  /** Set where the policy is stricter by design (rbac-cross-tenant): it denies, with its own message. */
  stricter?: boolean;
}

/** The words of the policy's stricter rbac-cross-tenant denial. */
const STRICTER = "binds identities of other tenants, whatever its role grants";

interface Outcome {
  allowed: boolean;
  /** The `[kubefence:…]` denial lines, without the API server's prefix. */
  lines: string[];
  raw: string;
}

function outcomeOf(reply: Response): Outcome {
  const message = (reply.body as { message?: string })?.message ?? "";
  const lines = [...message.matchAll(/\[kubefence:[^\]]+\][^\n]*/g)].map((m) => m[0]);
  return { allowed: reply.status < 300, lines, raw: `${reply.status} ${message}` };
}

/** mulberry32: the differential is reproducible from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

describe("the guardrails as ValidatingAdmissionPolicies, against the webhook, on kube-apiserver", () => {
  let cluster: TestCluster;
  let certs: TestCertificates;
  let cache: ClusterCache;
  let server: WebhookServer;
  let agent: Agent;
  let cases: Case[] = [];
  const byWebhook: Outcome[] = [];
  const byPolicies: Outcome[] = [];
  const creationWarnings: string[] = [];

  /** The case as its tenant, dry run. Impersonate-Group is sent once per group (Node sends an array as repeated headers). */
  const sendAs = (c: Case): Promise<Response> =>
    cluster.request(
      c.method,
      `${c.path}${c.path.includes("?") ? "&" : "?"}dryRun=All`,
      c.body,
      {
        "Impersonate-User": c.as,
        "Impersonate-Group": [WRITERS, ...(c.groups ?? [])] as unknown as string,
        ...(c.contentType ? { "Content-Type": c.contentType } : {}),
      },
      { agent },
    );

  const get = async (path: string) => {
    const reply = await cluster.request<Record<string, unknown>>("GET", path, undefined, {}, { agent });
    expect(reply.status, path).toBe(200);
    return reply.body;
  };

  /** Retries until `done` holds (the API server picks up registrations and policies asynchronously). */
  const eventually = async <T>(attempt: () => Promise<T>, done: (v: T) => boolean, ms = 20_000) => {
    const deadline = Date.now() + ms;
    let value = await attempt();
    while (!done(value) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      value = await attempt();
    }
    return value;
  };

  beforeAll(async () => {
    cluster = await startTestCluster({ controllers: ["validatingadmissionpolicy-status-controller"] });
    agent = cluster.keepAliveAgent(8);
    certs = makeCertificates();
    const applied = await cluster.kubectl(["apply", "-f", fixture("cluster.yaml")]);
    expect(applied.code, applied.stderr).toBe(0);
    await cluster.apply([
      {
        apiVersion: RBAC,
        kind: "ClusterRoleBinding",
        metadata: { name: "test-writers" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: WRITERS }],
      },
      {
        apiVersion: RBAC,
        kind: "Role",
        metadata: { name: "reader", namespace: "team-a" },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
      },
      {
        // The platform lets team-b's builder read team-a's pods: widening the Role reaches into team-a from team-b.
        apiVersion: RBAC,
        kind: "RoleBinding",
        metadata: { name: "team-b-reads", namespace: "team-a" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
        subjects: [{ kind: "ServiceAccount", name: "builder", namespace: "team-b" }],
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "own", namespace: "team-b" },
        spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] },
      },
    ]);
    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(cluster.kubeconfig);
    cache = startClusterCache({ kubeconfig, log: () => {}, restartDelayMs: 200 });
    await cache.waitForSync(30_000);
    await eventually(
      async () => cache.snapshot()?.networkPolicies.length ?? 0,
      (n) => n >= 2 && cache.snapshot()!.roleBindings.some((b) => b.metadata.name === "team-b-reads"),
    );
    server = await startWebhookServer({
      host: "127.0.0.1",
      port: 0,
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      log: () => {},
      context: () => {
        const snapshot = cache.snapshot();
        return snapshot && admissionContext(snapshot, SETTINGS);
      },
    });
    cases = await buildCases();
  }, 120_000);

  afterAll(async () => {
    agent?.destroy();
    await server?.close();
    await cache?.stop();
    await cluster?.stop();
    if (certs) rmSync(certs.dir, { recursive: true, force: true });
  });

  const ns = (name: string, labels: Record<string, string>) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels },
  });
  const binding = (namespace: string, subjects: unknown[], roleRef = "pod-reader") => ({
    apiVersion: RBAC,
    kind: "RoleBinding",
    metadata: { name: "grant", namespace },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleRef },
    subjects,
  });
  const pod = (namespace: string, spec: Record<string, unknown>) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace },
    spec: { containers: [{ name: "app", image: "nginx" }], ...spec },
  });
  const service = (namespace: string, spec: Record<string, unknown>) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace },
    spec: { ports: [{ port: 80 }], ...spec },
  });
  const ingressFrom = (from: unknown[] | undefined, namespace = "team-a") => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "allow", namespace },
    spec: { podSelector: {}, ingress: [from === undefined ? {} : { from }] },
  });
  const create = (
    why: string,
    as: string,
    object: Record<string, unknown>,
    differs?: { gap?: string; stricter?: boolean },
  ): Case => {
    const info = kindInfo(object.kind as string)!;
    const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
    const namespace = (object.metadata as { namespace?: string }).namespace;
    return {
      why,
      as,
      method: "POST",
      path: `${base}${info.namespaced ? `/namespaces/${namespace}` : ""}/${info.plural}`,
      body: object,
      ...differs,
    };
  };
  const objectPath = (kind: string, name: string, namespace?: string) => {
    const info = kindInfo(kind)!;
    const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
    return `${base}${namespace ? `/namespaces/${namespace}` : ""}/${info.plural}/${name}`;
  };
  /** A PUT of the live object changed by `change`. */
  const update = async (
    why: string,
    as: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    change: (o: Record<string, unknown>) => void,
  ): Promise<Case> => {
    const path = objectPath(kind, name, namespace);
    const live = structuredClone(await get(path));
    change(live);
    return { why, as, method: "PUT", path, body: live };
  };
  const setLabels = (labels: Record<string, string>) => (o: Record<string, unknown>) => {
    (o.metadata as { labels?: Record<string, string> }).labels = labels;
  };

  /** The webhook guardrail tests' cases (test/webhook/guardrails), for the guardrails with a policy, then every verify attempt. */
  async function buildCases(): Promise<Case[]> {
    const out: Case[] = [
      // rbac-cluster-bindings, rbac-aggregation
      create("a tenant's ClusterRoleBinding", "alice", {
        apiVersion: RBAC,
        kind: "ClusterRoleBinding",
        metadata: { name: "mine" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [{ kind: "User", name: "alice" }],
      }),
      create("a platform administrator's ClusterRoleBinding", "ops-admin", {
        apiVersion: RBAC,
        kind: "ClusterRoleBinding",
        metadata: { name: "mine" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [{ kind: "User", name: "alice" }],
      }),
      create("aggregate-to-* labels on a ClusterRole", "alice", {
        apiVersion: RBAC,
        kind: "ClusterRole",
        metadata: {
          name: "sneaky",
          labels: {
            "rbac.authorization.k8s.io/aggregate-to-edit": "true",
            "example.com/aggregate-to-x": "true",
          },
        },
        rules: [],
      }),
      create("a ClusterRole without them", "alice", {
        apiVersion: RBAC,
        kind: "ClusterRole",
        metadata: { name: "plain", labels: { team: "a" } },
        rules: [],
      }),
      // rbac-cross-tenant
      create(
        "a RoleBinding to identities of the namespace's own tenant",
        "alice",
        binding("team-a", [
          { kind: "User", name: "alice" },
          { kind: "ServiceAccount", name: "ci", namespace: "team-a-dev" },
        ]),
      ),
      create(
        "a RoleBinding giving another tenant's service account access",
        "alice",
        binding("team-a", [{ kind: "ServiceAccount", name: "builder", namespace: "team-b" }]),
        { stricter: true },
      ),
      create(
        "a RoleBinding to another tenant's owner",
        "alice",
        binding("team-a", [{ kind: "User", name: "bob" }]),
        { stricter: true },
      ),
      create(
        "a RoleBinding to another tenant's service-account group",
        "alice",
        binding("team-a", [{ kind: "Group", name: "system:serviceaccounts:team-c" }]),
        { stricter: true },
      ),
      create(
        "a RoleBinding to system:authenticated",
        "alice",
        binding("team-a", [{ kind: "Group", name: "system:authenticated" }]),
      ),
      create(
        "a RoleBinding to system:serviceaccounts and system:unauthenticated",
        "alice",
        binding("team-a", [
          { kind: "Group", name: "system:serviceaccounts" },
          { kind: "Group", name: "system:unauthenticated" },
        ]),
      ),
      create(
        "a RoleBinding to a subject of no tenant",
        "alice",
        binding("team-a", [{ kind: "User", name: "stranger" }]),
      ),
      // namespace-tenant
      await update(
        "relabelling a namespace into another tenant",
        "alice",
        "Namespace",
        "team-a-dev",
        undefined,
        setLabels({ "kubefence.io/tenant": "team-b" }),
      ),
      await update(
        "a label change that moves a namespace out by the tenants file's selector",
        "alice",
        "Namespace",
        "team-a-dev",
        undefined,
        setLabels({}),
      ),
      await update(
        "a label change that keeps the tenant",
        "alice",
        "Namespace",
        "team-a",
        undefined,
        setLabels({ "kubefence.io/tenant": "team-a", env: "prod" }),
      ),
      create(
        "creating a namespace in another tenant",
        "carol",
        ns("sneaky", { "kubefence.io/tenant": "team-a" }),
      ),
      create(
        "creating a namespace labelled for a tenant one does not belong to",
        "alice",
        ns("sneaky", { "kubefence.io/tenant": "team-b" }),
      ),
      create("creating a platform namespace", "alice", ns("ingress-nginx", {})),
      create(
        "creating a namespace in one's own tenant",
        "alice",
        ns("team-a-qa", { "kubefence.io/tenant": "team-a" }),
      ),
      create("creating a namespace of no tenant", "alice", ns("scratch", {})),
      // network-policy-managed
      {
        why: "deleting a kubefence-managed policy",
        as: "alice",
        method: "DELETE",
        path: objectPath("NetworkPolicy", "default-deny-all", "team-a"),
      },
      await update(
        "changing a managed policy's spec",
        "alice",
        "NetworkPolicy",
        "default-deny-all",
        "team-a",
        (o) => {
          o.spec = { podSelector: {}, policyTypes: ["Egress"] };
        },
      ),
      await update(
        "removing a managed policy's label",
        "alice",
        "NetworkPolicy",
        "default-deny-all",
        "team-a",
        setLabels({ "kubefence.io/tenant": "team-a" }),
      ),
      await update(
        "adding a label to a managed policy",
        "alice",
        "NetworkPolicy",
        "default-deny-all",
        "team-a",
        setLabels({ "kubefence.io/managed": "true", "kubefence.io/tenant": "team-a", note: "x" }),
      ),
      {
        why: "deleting a policy kubefence does not manage",
        as: "bob",
        method: "DELETE",
        path: objectPath("NetworkPolicy", "own", "team-b"),
      },
      // network-policy-cross-tenant
      create("an ingress rule without from", "alice", ingressFrom(undefined)),
      create("namespaceSelector {}", "alice", ingressFrom([{ namespaceSelector: {} }])),
      create(
        "selecting another tenant's namespaces",
        "alice",
        ingressFrom([{ namespaceSelector: { matchLabels: { "kubefence.io/tenant": "team-b" } } }]),
        { gap: "admits namespaces of tenant" },
      ),
      create(
        "the tenant's own namespaces",
        "alice",
        ingressFrom([
          { namespaceSelector: { matchLabels: { "kubefence.io/tenant": "team-a" } } },
          { podSelector: {} },
        ]),
      ),
      create(
        "a platform namespace",
        "alice",
        ingressFrom([
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
        ]),
      ),
      create(
        "a tenant in allowFrom",
        "alice",
        ingressFrom([{ namespaceSelector: { matchLabels: { "kubefence.io/tenant": "team-c" } } }]),
      ),
      create(
        "allowFrom is one-way",
        "carol",
        ingressFrom([{ namespaceSelector: { matchLabels: { "kubefence.io/tenant": "team-a" } } }], "team-c"),
        { gap: "admits namespaces of tenant" },
      ),
      create("ipBlock peers", "alice", ingressFrom([{ ipBlock: { cidr: "10.0.0.0/8" } }])),
      create("ingress rules of an egress-only policy", "alice", {
        ...ingressFrom(undefined),
        spec: { podSelector: {}, policyTypes: ["Egress"], ingress: [{}] },
      }),
      // service-exposure
      create("NodePort", "alice", service("team-a", { type: "NodePort" })),
      create("LoadBalancer", "alice", service("team-a", { type: "LoadBalancer" })),
      create("externalIPs", "alice", service("team-a", { externalIPs: ["1.2.3.4", "5.6.7.8"] })),
      create("NodePort where the tenant allows it", "bob", service("team-b", { type: "NodePort" })),
      create(
        "LoadBalancer where only NodePort is allowed",
        "bob",
        service("team-b", { type: "LoadBalancer" }),
      ),
      create("ClusterIP", "alice", service("team-a", {})),
      // node-escape (team-c is privileged)
      create(
        "a runtime socket in a privileged tenant",
        "carol",
        pod("team-c", {
          volumes: [{ name: "sock", hostPath: { path: "/var/run/docker.sock" } }],
          containers: [{ name: "app", image: "nginx", volumeMounts: [{ name: "sock", mountPath: "/s" }] }],
        }),
      ),
      create("SYS_ADMIN and a writable hostPath / in a privileged tenant's Deployment", "carol", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "agent", namespace: "team-c" },
        spec: {
          selector: { matchLabels: { app: "agent" } },
          template: {
            metadata: { labels: { app: "agent" } },
            spec: {
              volumes: [{ name: "root", hostPath: { path: "/" } }],
              containers: [
                {
                  name: "agent",
                  image: "agent",
                  securityContext: { capabilities: { add: ["SYS_ADMIN"] } },
                  volumeMounts: [{ name: "root", mountPath: "/host" }],
                },
              ],
            },
          },
        },
      }),
      create(
        "privileged containers and host namespaces in a privileged tenant",
        "carol",
        pod("team-c", {
          hostPID: true,
          hostNetwork: true,
          containers: [{ name: "app", image: "nginx", securityContext: { privileged: true } }],
        }),
      ),
      create("every kind of evidence at once, in a CronJob", "carol", {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "escape", namespace: "team-c" },
        spec: {
          schedule: "* * * * *",
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  restartPolicy: "Never",
                  hostPID: true,
                  hostNetwork: true,
                  volumes: [
                    { name: "run", hostPath: { path: "/var/run" } },
                    { name: "etc", hostPath: { path: "/etc/./" } },
                    { name: "var", hostPath: { path: "/var" } },
                    { name: "unused", hostPath: { path: "/" } },
                    { name: "data", hostPath: { path: "/data" } },
                    { name: "kubelet", hostPath: { path: "/var/lib/kubelet/pods" } },
                  ],
                  initContainers: [
                    {
                      name: "init",
                      image: "x",
                      securityContext: { capabilities: { add: ["cap_bpf", "NET_ADMIN", "CHOWN"] } },
                      volumeMounts: [{ name: "kubelet", mountPath: "/k", readOnly: true }],
                    },
                  ],
                  containers: [
                    {
                      name: "a",
                      image: "x",
                      securityContext: { capabilities: { add: ["SYS_PTRACE", "ALL"] } },
                      volumeMounts: [
                        { name: "run", mountPath: "/r" },
                        { name: "etc", mountPath: "/e", readOnly: true },
                        { name: "var", mountPath: "/v", readOnly: true },
                        { name: "data", mountPath: "/d" },
                      ],
                    },
                    {
                      name: "b",
                      image: "x",
                      volumeMounts: [
                        { name: "etc", mountPath: "/e" },
                        { name: "kubelet", mountPath: "/k", readOnly: true },
                      ],
                    },
                  ],
                },
              },
            },
          },
        },
      }),
      create(
        "a baseline tenant's hostPath (left to Pod Security)",
        "alice",
        pod("team-a", {
          volumes: [{ name: "sock", hostPath: { path: "/var/run/docker.sock" } }],
          containers: [{ name: "app", image: "nginx", volumeMounts: [{ name: "sock", mountPath: "/s" }] }],
        }),
      ),
    ];
    // namespace-pod-security, as bob on team-b (restricted)
    const psa = (level: string, version?: string) => ({
      "kubefence.io/tenant": "team-b",
      "pod-security.kubernetes.io/enforce": level,
      ...(version ? { "pod-security.kubernetes.io/enforce-version": version } : {}),
    });
    for (const [why, labels] of [
      ["lowering the level", psa("baseline")],
      ["removing the label", { "kubefence.io/tenant": "team-b" }],
      ["pinning an older version", psa("restricted", "v1.20")],
      ["pinning a future version (older than latest)", psa("restricted", "v1.99")],
      ["raising audit", { ...psa("restricted"), "pod-security.kubernetes.io/audit": "baseline" }],
      [
        "warn and audit at privileged next to enforce",
        { ...psa("restricted"), "pod-security.kubernetes.io/warn": "privileged" },
      ],
      ["an unrelated label", { ...psa("restricted"), team: "b" }],
    ] as const)
      out.push(
        await update(
          `Pod Security labels: ${why}`,
          "bob",
          "Namespace",
          "team-b",
          undefined,
          setLabels(labels),
        ),
      );
    // verify: every attempt for every tenant target, as its owner.
    const snapshot = cache.snapshot()!;
    const { tenancy } = resolveTenants(snapshot, { from: "file", config: SETTINGS.config });
    const { targets } = verifyTargets(snapshot, tenancy, SETTINGS.config);
    expect(targets.length).toBe(3);
    for (const target of targets)
      for (const attempt of ATTEMPTS) {
        const planned = attempt.plan(target);
        if (!("request" in planned)) continue;
        const { method, path, body, contentType } = planned.request;
        out.push({
          why: `verify ${attempt.id} as tenant ${target.tenant}`,
          as: target.actAs.name,
          method,
          path: path.replace(/[?&]dryRun=All/, ""),
          body,
          contentType,
          stricter: attempt.id === "cross-tenant-binding" && target.foreign.owner !== PLATFORM,
        });
      }
    return out;
  }

  it("phase 1: with only the webhook registered, records every case's answer", async () => {
    const registered = await cluster.request(
      "POST",
      VWC,
      validatingWebhookConfiguration({
        namespace: "kubefence-system",
        clientConfig: {
          url: `${server.url}/validate`,
          caBundle: Buffer.from(certs.ca).toString("base64"),
        },
      }),
    );
    expect(registered.status).toBe(201);
    const probe = create("probe", "alice", service("team-a", { type: "NodePort" }));
    await eventually(
      () => sendAs(probe),
      (r) => outcomeOf(r).raw.includes(`admission webhook "${WEBHOOK_NAME}" denied`),
    );
    byWebhook.push(...(await pool(cases, 8, async (c) => outcomeOf(await sendAs(c)))));
    expect(byWebhook.filter((o) => !o.allowed).length).toBeGreaterThan(20);
    expect((await cluster.request("DELETE", `${VWC}/kubefence`)).status).toBe(200);
  });

  it("phase 2: the policies are created with no warning and pass the API server's type checking", async () => {
    const { objects } = admissionPolicies(SETTINGS);
    for (const object of objects) {
      const kind = object.kind as string;
      const plural =
        kind === "ValidatingAdmissionPolicy"
          ? "validatingadmissionpolicies"
          : "validatingadmissionpolicybindings";
      const reply = await cluster.request("POST", `/apis/admissionregistration.k8s.io/v1/${plural}`, object);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      creationWarnings.push(...(reply.headers ?? []).filter(([h]) => h === "warning").map(([, v]) => v));
    }
    expect(creationWarnings).toEqual([]);
    // The status controller type-checks every expression against the matched kinds' schemas; a control policy
    // with a typo shows that it reports what it finds.
    const control = await cluster.request(
      "POST",
      "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies",
      {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingAdmissionPolicy",
        metadata: { name: "control-typo" },
        spec: {
          matchConstraints: {
            resourceRules: [
              { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["services"] },
            ],
          },
          validations: [{ expression: "object.spec.typo == 1" }],
        },
      },
    );
    expect(control.status).toBe(201);
    const checked = await eventually(
      () =>
        cluster.request<{
          items: { metadata: { name: string; generation: number }; status?: Record<string, unknown> }[];
        }>("GET", "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies"),
      (r) =>
        r.body.items.length === objects.length / 2 + 1 &&
        r.body.items.every((p) => p.status?.observedGeneration === p.metadata.generation),
      30_000,
    );
    const typo = checked.body.items.find((p) => p.metadata.name === "control-typo");
    expect(JSON.stringify(typo?.status?.typeChecking)).toContain("typo");
    for (const policy of checked.body.items.filter((p) => p !== typo))
      expect(
        { name: policy.metadata.name, typeChecking: policy.status?.typeChecking ?? {} },
        JSON.stringify(policy.status),
      ).toEqual({ name: policy.metadata.name, typeChecking: {} });
  });

  it("phase 3: with only the policies, every case is answered as the webhook answered it", async () => {
    const probe = create("probe", "alice", service("team-a", { type: "NodePort" }));
    await eventually(
      () => sendAs(probe),
      (r) => outcomeOf(r).raw.includes("ValidatingAdmissionPolicy 'kubefence-service-exposure'"),
    );
    byPolicies.push(...(await pool(cases, 8, async (c) => outcomeOf(await sendAs(c)))));
    const rows = cases.map((c, i) => {
      const webhook = byWebhook[i]!;
      const policies = byPolicies[i]!;
      if (c.gap)
        return {
          why: c.why,
          webhookDenies: !webhook.allowed && webhook.lines.some((l) => l.includes(c.gap!)),
          policiesAllow: policies.allowed,
        };
      if (c.stricter)
        return {
          why: c.why,
          policiesDeny: policies.lines.some((l) => l.includes(STRICTER)),
          webhookDenies: webhook.lines.some((l) => l.includes("would gain")),
        };
      return {
        why: c.why,
        allowed: [webhook.allowed, policies.allowed],
        // The API server reports the first denying policy; each is one of the webhook's lines.
        message:
          policies.allowed ||
          (policies.lines.length === 0
            ? policies.raw === webhook.raw
            : webhook.lines.includes(policies.lines[0]!))
            ? "same"
            : policies.raw,
      };
    });
    const expected = cases.map((c, i) =>
      c.gap
        ? { why: c.why, webhookDenies: true, policiesAllow: true }
        : c.stricter
          ? { why: c.why, policiesDeny: true, webhookDenies: true }
          : { why: c.why, allowed: [byWebhook[i]!.allowed, byWebhook[i]!.allowed], message: "same" },
    );
    expect(rows).toEqual(expected);
    const verifyCases = cases.filter((c) => c.why.startsWith("verify ")).length;
    console.log(
      `cases: ${cases.length} (${verifyCases} verify attempts): ${cases.filter((c) => !c.gap && !c.stricter).length} answered the same (${byPolicies.filter((o, i) => !o.allowed && !cases[i]!.gap && !cases[i]!.stricter).length} denials), ${cases.filter((c) => c.stricter).length} stricter, ${cases.filter((c) => c.gap).length} documented gaps`,
    );
    // kubefence verify names what blocked each attempt: the webhook in phase 1, the policy here.
    const blockers = (outcomes: Outcome[]) =>
      cases.flatMap((c, i) => {
        const o = outcomes[i]!;
        if (!c.why.startsWith("verify ") || o.lines.length === 0) return [];
        const status = Number(o.raw.slice(0, 3));
        const request = { method: c.method as "POST", path: c.path, acceptedAs: "" };
        const { blockedBy, name } = classifyAnswer(request, {
          status,
          body: { message: o.raw.slice(4) },
        }) as {
          blockedBy?: string;
          name?: string;
        };
        return [`${blockedBy} ${name}`];
      });
    // Namespace writes go to the webhook that has no namespaceSelector; everything else to the main one.
    expect(new Set(blockers(byWebhook))).toEqual(
      new Set([`webhook ${WEBHOOK_NAME}`, `webhook ${NAMESPACES_WEBHOOK_NAME}`]),
    );
    expect([...new Set(blockers(byPolicies))].sort()).toEqual([
      "admission-policy kubefence-namespace-pod-security",
      "admission-policy kubefence-network-policy-managed",
      "admission-policy kubefence-node-escape",
      "admission-policy kubefence-rbac-cluster-bindings",
      "admission-policy kubefence-rbac-cross-tenant",
      "admission-policy kubefence-service-exposure",
    ]);
    // Both ways round: denials and allowances are both represented, and every verify attempt ran.
    expect(byPolicies.filter((o) => !o.allowed).length).toBeGreaterThan(20);
    expect(byPolicies.filter((o) => o.allowed).length).toBeGreaterThan(10);
    expect(cases.filter((c) => c.why.startsWith("verify ")).length).toBeGreaterThanOrEqual(15);
  });

  it("phase 4: a seeded differential of 600 random RBAC and NetworkPolicy changes made as tenants", async () => {
    const changes = await randomChanges(20261201, 600);
    const snapshot = cache.snapshot()!;
    const context = admissionContext(snapshot, SETTINGS);
    const replies = await pool(changes, 8, async (c) => outcomeOf(await sendAs(c.case)));
    const tally = {
      same: 0,
      sameDenied: 0,
      stricter: 0,
      stricterWebhookAllows: 0,
      gap: 0,
      partialMessage: 0,
    };
    const unexplained: string[] = [];
    changes.forEach((change, i) => {
      const policies = replies[i]!;
      const decision = decide(change.review, context);
      const webhookLines = decision.allowed ? [] : (decision.status?.message ?? "").split("\n");
      const say = (what: string) =>
        unexplained.push(
          `${what}: ${change.case.why}\n  webhook: ${webhookLines.join(" | ") || "allowed"}\n  policies: ${policies.raw}`,
        );
      if (policies.allowed && decision.allowed) tally.same++;
      else if (!policies.allowed && policies.lines.length === 0) say("denied by the API server itself");
      else if (!policies.allowed && policies.lines[0]!.includes(STRICTER)) {
        tally.stricter++;
        if (decision.allowed) tally.stricterWebhookAllows++;
        // The engine agrees some subject is another tenant's identity (src/webhook/guardrails/rbac-cross-tenant.ts).
        if (foreignSubjects(change, context).length === 0)
          say("a stricter denial the engine does not explain");
      } else if (!policies.allowed && webhookLines.includes(policies.lines[0]!)) {
        tally.same++;
        tally.sameDenied++;
      } else if (policies.allowed) {
        // Every line the policies miss must be one a partial policy documents it does not check.
        if (webhookLines.every((l) => GAPS.some((g) => l.startsWith(g.prefix) && l.includes(g.words))))
          tally.gap++;
        else say("the webhook denies what no documented limit explains");
      } else if (
        // network-policy-cross-tenant lists only the problems it can see next to those only the webhook sees.
        policies.lines[0]!.startsWith("[kubefence:network-policy-cross-tenant]") &&
        webhookLines.some(
          (l) => l.startsWith("[kubefence:network-policy-cross-tenant]") && l.includes(GAPS[1]!.words),
        )
      )
        tally.partialMessage++;
      else say(decision.allowed ? "the policies deny what the webhook allows" : "a different denial");
      // A RoleBinding the policies let through binds no other tenant's identity, but those CEL cannot place.
      if (
        policies.allowed &&
        change.review.kind.kind === "RoleBinding" &&
        !context.isPlatformUser(change.review.userInfo)
      ) {
        const missed = foreignSubjects(change, context).filter((s) => !unplaceable(s));
        if (missed.length > 0) say(`foreign subjects let through: ${JSON.stringify(missed)}`);
      }
    });
    expect(unexplained).toEqual([]);
    expect(tally.same + tally.stricter + tally.gap + tally.partialMessage).toBe(changes.length);
    expect(tally.sameDenied).toBeGreaterThan(50);
    // Each class occurs, so the comparison above is exercised both ways.
    expect(tally.same).toBeGreaterThan(300);
    expect(
      changes.filter((c, i) => !replies[i]!.allowed && !c.case.why.includes("stricter")).length,
    ).toBeGreaterThan(50);
    expect(tally.gap).toBeGreaterThan(0);
    expect(tally.stricter).toBeGreaterThan(0);
    console.log(`differential: ${changes.length} changes: ${JSON.stringify(tally)}`);
  });

  it("phase 5: the largest objects stay within the API server's CEL cost budget, answered as the webhook answers them", async () => {
    const volumes = Array.from({ length: 40 }, (_, i) => ({
      name: `v${i}`,
      hostPath: {
        path:
          ["/var/run", "/etc", "/data", "/var/lib/kubelet/x", "/", "/proc/"][i % 6]! + (i < 6 ? "" : `/${i}`),
      },
    }));
    const containers = Array.from({ length: 20 }, (_, c) => ({
      name: `c${c}`,
      image: "x",
      securityContext: {
        capabilities: {
          add: ["SYS_ADMIN", "NET_RAW", "cap_bpf", "CHOWN", "SYS_PTRACE", "NET_ADMIN", "ALL", "KILL"],
        },
      },
      volumeMounts: volumes.map((v, i) => ({
        name: v.name,
        mountPath: `/m${i}`,
        readOnly: (i + c) % 3 === 0,
      })),
    }));
    /** `containerCount` containers each mounting the same `count` host paths under /data (none is sensitive). */
    const mounting = (count: number, containerCount: number) =>
      pod("team-c", {
        volumes: Array.from({ length: count }, (_, i) => ({
          name: `v${i}`,
          hostPath: { path: `/data/${i}` },
        })),
        containers: Array.from({ length: containerCount }, (_, c) => ({
          name: `c${c}`,
          image: "x",
          volumeMounts: Array.from({ length: count }, (_, i) => ({ name: `v${i}`, mountPath: `/m${i}` })),
        })),
      });
    const big: Case[] = [
      create(
        "a pod with 20 containers mounting 40 host paths",
        "carol",
        pod("team-c", { hostPID: true, hostNetwork: true, volumes, containers }),
      ),
      create("a pod with 40 containers each mounting the same 60 host paths", "carol", mounting(60, 40)),
      create("a NetworkPolicy of 40 rules with 20 peers each", "alice", {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "big", namespace: "team-a" },
        spec: {
          podSelector: {},
          ingress: Array.from({ length: 40 }, (_, r) =>
            r % 5 === 0
              ? {}
              : {
                  from: Array.from({ length: 20 }, (_, j) =>
                    j % 4 === 0
                      ? { namespaceSelector: {} }
                      : { podSelector: { matchLabels: { app: `a${j}` } } },
                  ),
                },
          ),
        },
      }),
      create("a ClusterRole with 200 labels", "alice", {
        apiVersion: RBAC,
        kind: "ClusterRole",
        metadata: {
          name: "many-labels",
          labels: Object.fromEntries(
            Array.from({ length: 200 }, (_, i) => [
              i % 50 === 0 ? `x${i}.io/aggregate-to-view` : `label-${i}`,
              "v",
            ]),
          ),
        },
        rules: [],
      }),
      await update(
        "a namespace relabelled with 150 labels",
        "bob",
        "Namespace",
        "team-b",
        undefined,
        setLabels({
          ...Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`label-${i}`, "v"])),
          "kubefence.io/tenant": "team-b",
          "pod-security.kubernetes.io/enforce": "baseline",
        }),
      ),
    ];
    const replies = await pool(big, 4, async (c) => outcomeOf(await sendAs(c)));
    const snapshot = cache.snapshot()!;
    const context = admissionContext(snapshot, SETTINGS);
    const rows = big.map((c, i) => {
      const object = c.body!;
      const kind = object.kind as string;
      const info = kindInfo(kind)!;
      const meta = object.metadata as { name: string; namespace?: string };
      const review: AdmissionRequest = {
        uid: `big-${i}`,
        kind: { group: info.group, version: info.version, kind },
        resource: { group: info.group, version: info.version, resource: info.plural },
        name: meta.name,
        namespace: meta.namespace,
        operation: c.method === "PUT" ? "UPDATE" : "CREATE",
        userInfo: { username: c.as, groups: [WRITERS, "system:authenticated"] },
        object,
        oldObject:
          c.method === "PUT" ? snapshot.namespaces.find((n) => n.metadata.name === meta.name) : undefined,
      };
      const decision = decide(review, context);
      const line = decision.status?.message.split("\n")[0] ?? "";
      const id = /^\[kubefence:([^\]]+)\]/.exec(line)?.[1] ?? "";
      // Past 5 KiB the API server drops a policy's message; the policy's fixed one stands in for it.
      const expected =
        Buffer.byteLength(line) > MAX_MESSAGE_BYTES
          ? fallbackMessage(id, GUARDRAILS.find((g) => g.id === id)!.summary)
          : line;
      return {
        why: c.why,
        policies: replies[i]!.lines[0] ?? replies[i]!.raw,
        webhook: decision.allowed ? replies[i]!.raw : expected,
      };
    });
    expect(rows.map((r) => ({ why: r.why, policies: r.webhook }))).toEqual(
      rows.map((r) => ({ why: r.why, policies: r.policies })),
    );
    expect(rows.map((r) => /cost|exceeded|budget/i.test(r.policies))).toEqual(big.map(() => false));
    expect(replies.map((r) => r.allowed)).toEqual([false, true, false, false, false]);
    // Past that (50 containers × 100 host path mounts each) the API server stops the evaluation, and the
    // policy, failurePolicy Fail, denies: it fails closed, never open.
    const tooBig = await sendAs(create("5000 host path mounts", "carol", mounting(100, 50)));
    expect(tooBig.status).toBe(422);
    expect(outcomeOf(tooBig).raw).toContain("actual cost limit exceeded");
  });

  it("phase 6: warn and audit modes are the bindings' Warn and Audit, and the safe default's policies compile too", async () => {
    const warned = admissionPolicies(
      settingsOf(TENANTS, "  service-exposure: warn\n  rbac-aggregation: audit\n"),
    ).objects as unknown as { kind: string; metadata: { name: string; resourceVersion?: string } }[];
    for (const binding of warned.filter(
      (o) =>
        o.kind === "ValidatingAdmissionPolicyBinding" &&
        ["kubefence-service-exposure", "kubefence-rbac-aggregation"].includes(o.metadata.name),
    )) {
      const path = `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${binding.metadata.name}`;
      const live = (await get(path)) as { metadata: { resourceVersion: string } };
      const reply = await cluster.request("PUT", path, {
        ...binding,
        metadata: { ...binding.metadata, resourceVersion: live.metadata.resourceVersion },
      });
      expect(reply.status).toBe(200);
    }
    const nodePort = create("NodePort, warned", "alice", service("team-a", { type: "NodePort" }));
    const reply = await eventually(
      () => sendAs(nodePort),
      (r) => r.status === 201,
    );
    const warnings = (reply.headers ?? [])
      .filter(([h]) => h === "warning")
      .map(([, v]) => v.replace(/^299 - "(.*)"$/, "$1").replace(/\\"/g, '"'));
    expect(warnings).toEqual([
      expect.stringContaining(
        `Validation failed for ValidatingAdmissionPolicy 'kubefence-service-exposure' with binding 'kubefence-service-exposure': ${byWebhook[cases.findIndex((c) => c.why === "NodePort")]!.lines[0]}`,
      ),
    ]);
    // The binding's new mode reaches the API server's policy cache asynchronously, as the NodePort's did.
    const aggregate = cases.find((c) => c.why === "aggregate-to-* labels on a ClusterRole")!;
    const aggregated = await eventually(
      () => sendAs(aggregate),
      (r) => r.status === 201,
    );
    expect(aggregated.status).toBe(201);
    // Without a tenants file (every namespace its own tenant, kube-* the platform), and with 300 tenants (CEL
    // refuses expressions nested deeper than 250), the policies compile as well.
    const many = settingsOf(
      `apiVersion: kubefence.io/v1alpha1\nkind: TenantConfig\ntenants:\n${Array.from(
        { length: 300 },
        (_, i) =>
          `  - {name: t${i}, namespaces: [t${i}, t${i}-dev], owners: [{kind: User, name: u${i}}]${i % 3 === 0 ? `, namespaceSelector: {matchLabels: {team: t${i}}}` : ""}}`,
      ).join("\n")}\n`,
    );
    for (const object of [
      ...admissionPolicies(defaultSettings()).objects,
      ...admissionPolicies(many).objects,
    ] as {
      kind: string;
      metadata: { name: string };
    }[]) {
      const plural =
        object.kind === "ValidatingAdmissionPolicy"
          ? "validatingadmissionpolicies"
          : "validatingadmissionpolicybindings";
      const created = await cluster.request(
        "POST",
        `/apis/admissionregistration.k8s.io/v1/${plural}?dryRun=All`,
        {
          ...object,
          metadata: { ...object.metadata, name: `${object.metadata.name}-dry-run` },
        },
      );
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect((created.headers ?? []).filter(([h]) => h === "warning")).toEqual([]);
    }
  });

  it("phase 7: a seeded differential of 300 random pods, workloads, Services and Pod Security relabellings, all exact", async () => {
    await restoreDenyBindings();
    const random = prng(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const paths = [
      "/",
      "/var/run",
      "/var/run/",
      "/run/containerd",
      "/run/containerd/containerd.sock",
      "/var",
      "/var/lib",
      "/var/lib/kubelet/pods",
      "/etc",
      "/etc/kubernetes/manifests",
      "//etc//",
      "/./proc",
      "/data",
      "/home/user",
      "/usr/local",
      "/var/log/pods",
      "/opt",
      "/dev/sda",
      "/sys/fs/cgroup",
      "/lib/modules",
      "/boot/x",
      "/var/lib/etcd",
    ];
    const capabilities = [
      "SYS_ADMIN",
      "sys_admin",
      "CAP_SYS_MODULE",
      "NET_RAW",
      "SYS_PTRACE",
      "NET_ADMIN",
      "BPF",
      "cap_perfmon",
      "DAC_READ_SEARCH",
      "SYS_RAWIO",
      "ALL",
      "CHOWN",
      "SYS_BOOT",
      "MAC_ADMIN",
    ];
    const spec = () => {
      const volumes = Array.from({ length: Math.floor(random() * 4) }, (_, i) => ({
        name: `v${i}`,
        hostPath: { path: pick(paths) },
      }));
      const container = (name: string) => ({
        name,
        image: "x",
        securityContext: {
          capabilities: { add: Array.from({ length: Math.floor(random() * 3) }, () => pick(capabilities)) },
        },
        volumeMounts: volumes
          .filter(() => random() < 0.6)
          .map((v, i) => ({
            name: v.name,
            mountPath: `/m${i}`,
            ...(random() < 0.4 ? { readOnly: true } : {}),
          })),
      });
      return {
        ...(random() < 0.3 ? { hostPID: true } : {}),
        ...(random() < 0.3 ? { hostNetwork: true } : {}),
        volumes,
        initContainers: Array.from({ length: Math.floor(random() * 2) }, (_, i) => container(`init${i}`)),
        containers: Array.from({ length: 1 + Math.floor(random() * 2) }, (_, i) => container(`c${i}`)),
      };
    };
    const levels = ["privileged", "baseline", "restricted"];
    const versions = [undefined, "latest", "v1.20", "v1.30", "v1.99"];
    const changes: Case[] = [];
    for (let n = 0; n < 300; n++) {
      const roll = random();
      const [as, namespace] = pick([
        ["carol", "team-c"],
        ["carol", "team-c"],
        ["alice", "team-a"],
      ] as const);
      if (roll < 0.45)
        changes.push(
          create(`#${n} pod`, as, { ...pod(namespace, spec()), metadata: { name: `p${n}`, namespace } }),
        );
      else if (roll < 0.6)
        changes.push(
          create(
            `#${n} workload`,
            as,
            pick([
              {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: `d${n}`, namespace },
                spec: {
                  selector: { matchLabels: { a: "b" } },
                  template: { metadata: { labels: { a: "b" } }, spec: spec() },
                },
              },
              {
                apiVersion: "batch/v1",
                kind: "CronJob",
                metadata: { name: `cj${n}`, namespace },
                spec: {
                  schedule: "* * * * *",
                  jobTemplate: { spec: { template: { spec: { ...spec(), restartPolicy: "Never" } } } },
                },
              },
              {
                apiVersion: "v1",
                kind: "PodTemplate",
                metadata: { name: `pt${n}`, namespace },
                template: { spec: spec() },
              },
            ]),
          ),
        );
      else if (roll < 0.8) {
        const [who, ns] = pick([
          ["alice", "team-a"],
          ["bob", "team-b"],
          ["carol", "team-c"],
        ] as const);
        changes.push(
          create(`#${n} service`, who, {
            ...service(ns, {
              type: pick(["ClusterIP", "NodePort", "LoadBalancer"]),
              ...(random() < 0.3
                ? { externalIPs: ["1.2.3.4", "5.6.7.8"].slice(0, 1 + Math.floor(random() * 2)) }
                : {}),
            }),
            metadata: { name: `s${n}`, namespace: ns },
          }),
        );
      } else {
        const labels: Record<string, string> = { "kubefence.io/tenant": "team-b" };
        for (const mode of ["enforce", "audit", "warn"]) {
          if (random() < 0.6) labels[`pod-security.kubernetes.io/${mode}`] = pick(levels);
          const version = pick(versions);
          if (version) labels[`pod-security.kubernetes.io/${mode}-version`] = version;
        }
        changes.push(
          await update(
            `#${n} team-b relabelled ${JSON.stringify(labels)}`,
            "bob",
            "Namespace",
            "team-b",
            undefined,
            setLabels(labels),
          ),
        );
      }
    }
    const replies = await pool(changes, 8, async (c) => outcomeOf(await sendAs(c)));
    const snapshot = cache.snapshot()!;
    const context = admissionContext(snapshot, SETTINGS);
    const teamB = snapshot.namespaces.find((n) => n.metadata.name === "team-b");
    const differ: string[] = [];
    let denied = 0;
    changes.forEach((c, i) => {
      const object = c.body!;
      const kind = object.kind as string;
      const info = kindInfo(kind)!;
      const meta = object.metadata as { name: string; namespace?: string };
      const decision = decide(
        {
          uid: `exact-${i}`,
          kind: { group: info.group, version: info.version, kind },
          resource: { group: info.group, version: info.version, resource: info.plural },
          name: meta.name,
          namespace: meta.namespace,
          operation: c.method === "PUT" ? "UPDATE" : "CREATE",
          userInfo: { username: c.as, groups: [WRITERS, "system:authenticated"] },
          object,
          oldObject: c.method === "PUT" ? teamB : undefined,
        },
        context,
      );
      const policies = replies[i]!;
      const line = decision.status?.message.split("\n")[0] ?? "";
      const id = /^\[kubefence:([^\]]+)\]/.exec(line)?.[1] ?? "";
      const expected =
        Buffer.byteLength(line) > MAX_MESSAGE_BYTES
          ? fallbackMessage(id, GUARDRAILS.find((g) => g.id === id)!.summary)
          : line;
      if (!policies.allowed) denied++;
      const same = decision.allowed ? policies.allowed : !policies.allowed && policies.lines[0] === expected;
      if (!same) differ.push(`${c.why}\n  webhook: ${line || "allowed"}\n  policies: ${policies.raw}`);
    });
    expect(differ).toEqual([]);
    expect(denied).toBeGreaterThan(60);
    expect(denied).toBeLessThan(240);
    console.log(
      `exact differential: ${changes.length} changes, ${denied} denied, all answered as the webhook answers them`,
    );
  });

  /** The subjects of a RoleBinding change that the engine places in a tenant other than the namespace's. */
  function foreignSubjects(change: Change, context: ReturnType<typeof admissionContext>): Subject[] {
    const object = change.review.object as { kind: string; subjects?: Subject[] } | undefined;
    const namespace = change.review.namespace ?? "";
    if (object?.kind !== "RoleBinding") return [];
    const tenant = context.tenantOfNamespace(namespace);
    if (tenant === PLATFORM) return [];
    return (object.subjects ?? []).filter((s) => {
      const homes = subjectTenants(s, namespace, context);
      return homes.size > 0 && !homes.has(tenant);
    });
  }

  /** A subject whose tenant hangs on the labels of a namespace no tenant names (the policy's documented limit). */
  function unplaceable(subject: Subject): boolean {
    const named = new Set([
      ...SETTINGS.config.tenants.flatMap((t) => t.namespaces),
      "ingress-nginx",
      "kube-system",
    ]);
    const ns =
      subject.kind === "ServiceAccount"
        ? subject.namespace
        : /^system:serviceaccounts?:([^:]+)/.exec(subject.name)?.[1];
    return ns !== undefined && !named.has(ns);
  }

  /** Puts every binding back to its mode in SETTINGS (phase 6 changes two). */
  async function restoreDenyBindings(): Promise<void> {
    for (const binding of admissionPolicies(SETTINGS).objects as unknown as {
      kind: string;
      metadata: { name: string };
    }[]) {
      if (binding.kind !== "ValidatingAdmissionPolicyBinding") continue;
      const path = `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${binding.metadata.name}`;
      const live = (await get(path)) as { metadata: { resourceVersion: string } };
      const reply = await cluster.request("PUT", path, {
        ...binding,
        metadata: { ...binding.metadata, resourceVersion: live.metadata.resourceVersion },
      });
      expect(reply.status).toBe(200);
    }
    const probe = create("probe", "alice", service("team-a", { type: "NodePort" }));
    await eventually(
      () => sendAs(probe),
      (r) => r.status === 403,
    );
  }

  /** Webhook denials a partial policy does not give, by the limit its notes document. */
  const GAPS = [
    { prefix: "[kubefence:rbac-cross-tenant]", words: "would gain" },
    { prefix: "[kubefence:network-policy-cross-tenant]", words: "admits namespaces of tenant" },
  ];

  interface Change {
    case: Case;
    review: AdmissionRequest;
  }

  async function randomChanges(seed: number, count: number): Promise<Change[]> {
    const random = prng(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const some = <T>(list: readonly T[], max: number): T[] =>
      Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(list));
    const actors: { name: string; groups: string[]; home: string[] }[] = [
      { name: "alice", groups: [], home: ["team-a", "team-a-dev"] },
      { name: "bob", groups: [], home: ["team-b"] },
      { name: "carol", groups: [], home: ["team-c"] },
      { name: "dave", groups: ["team-b-devs"], home: ["team-b"] },
      {
        name: "system:serviceaccount:team-a:ci",
        groups: ["system:serviceaccounts", "system:serviceaccounts:team-a"],
        home: ["team-a"],
      },
      {
        name: "system:serviceaccount:team-c:deployer",
        groups: ["system:serviceaccounts", "system:serviceaccounts:team-c"],
        home: ["team-c"],
      },
      { name: "mallory", groups: [], home: ["default"] },
      { name: "system:serviceaccount:ingress-nginx:ctl", groups: [], home: ["ingress-nginx"] },
    ];
    const namespaces = ["team-a", "team-a-dev", "team-b", "team-c", "default", "ingress-nginx"];
    const subjects = [
      { kind: "User", name: "alice" },
      { kind: "User", name: "bob" },
      { kind: "User", name: "stranger" },
      { kind: "User", name: "system:serviceaccount:team-b:builder" },
      { kind: "Group", name: "team-b-devs" },
      { kind: "Group", name: "ops" },
      { kind: "Group", name: "system:serviceaccounts:team-c" },
      { kind: "Group", name: "system:serviceaccounts:team-a-dev" },
      { kind: "Group", name: "system:authenticated" },
      { kind: "Group", name: "system:serviceaccounts" },
      { kind: "ServiceAccount", name: "ci", namespace: "team-a" },
      { kind: "ServiceAccount", name: "builder", namespace: "team-b" },
      { kind: "ServiceAccount", name: "ci", namespace: "team-a-dev" },
      { kind: "ServiceAccount", name: "x", namespace: "ingress-nginx" },
      { kind: "ServiceAccount", name: "local" },
    ];
    const rules = () =>
      some(
        [
          { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
          { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
          { apiGroups: ["apps"], resources: ["deployments"], verbs: ["*"] },
          { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["settings"] },
          { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
        ],
        3,
      );
    const peers = [
      { podSelector: {} },
      { namespaceSelector: {} },
      { namespaceSelector: {}, podSelector: { matchLabels: { app: "x" } } },
      { namespaceSelector: { matchLabels: { "kubefence.io/tenant": "team-a" } } },
      { namespaceSelector: { matchLabels: { "kubefence.io/tenant": "team-b" } } },
      { namespaceSelector: { matchLabels: { "kubefence.io/tenant": "team-c" } } },
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "team-b" } } },
      { namespaceSelector: { matchExpressions: [{ key: "kubefence.io/tenant", operator: "Exists" }] } },
      { namespaceSelector: { matchLabels: { nothing: "matches" } } },
      { ipBlock: { cidr: "10.0.0.0/8" } },
    ];
    const live = new Map<string, Record<string, unknown>>();
    for (const [kind, name, namespace] of [
      ["NetworkPolicy", "default-deny-all", "team-a"],
      ["NetworkPolicy", "own", "team-b"],
      ["Role", "reader", "team-a"],
      ["Role", "deployer", "team-a"],
      ["RoleBinding", "deployer", "team-a"],
      ["ClusterRole", "pod-reader", undefined],
    ] as const)
      live.set(`${kind}/${name}`, await get(objectPath(kind, name, namespace)));

    const out: Change[] = [];
    for (let n = 0; n < count; n++) {
      const actor = pick(actors);
      const namespace = random() < 0.75 ? pick(actor.home) : pick(namespaces);
      const name = `r${n}`;
      let object: Record<string, unknown> | undefined;
      let old: Record<string, unknown> | undefined;
      let operation: "CREATE" | "UPDATE" | "DELETE" = "CREATE";
      const roll = random();
      if (roll < 0.3)
        object = {
          apiVersion: RBAC,
          kind: "RoleBinding",
          metadata: { name, namespace },
          roleRef:
            random() < 0.8
              ? {
                  apiGroup: "rbac.authorization.k8s.io",
                  kind: "ClusterRole",
                  name: pick(["view", "edit", "admin", "pod-reader", "none-such"]),
                }
              : {
                  apiGroup: "rbac.authorization.k8s.io",
                  kind: "Role",
                  name: pick(["deployer", "reader", "missing"]),
                },
          subjects: some(subjects, 3),
        };
      else if (roll < 0.36)
        object = {
          apiVersion: RBAC,
          kind: "ClusterRoleBinding",
          metadata: { name },
          roleRef: {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: pick(["view", "pod-reader"]),
          },
          subjects: some(
            subjects.filter((s) => s.kind !== "ServiceAccount" || s.namespace),
            2,
          ),
        };
      else if (roll < 0.44)
        object = {
          apiVersion: RBAC,
          kind: "ClusterRole",
          metadata: {
            name,
            labels: pick([
              {},
              { "rbac.authorization.k8s.io/aggregate-to-view": "true" },
              { "rbac.authorization.k8s.io/aggregate-to-edit": "true", team: "a" },
              { "example.com/aggregate-to-x": "true", "aggregate-to-admin": "true" },
              { "example.com/not-aggregate-to": "true" },
            ]),
          },
          rules: rules(),
        };
      else if (roll < 0.5) {
        operation = "UPDATE";
        old = live.get("ClusterRole/pod-reader");
        object = { ...structuredClone(old!), rules: rules() };
      } else if (roll < 0.58) {
        operation = "UPDATE";
        old = live.get(pick(["Role/reader", "Role/deployer"]));
        object = { ...structuredClone(old!), rules: rules() };
      } else if (roll < 0.62) {
        operation = "UPDATE";
        old = live.get("RoleBinding/deployer");
        object = { ...structuredClone(old!), subjects: some(subjects, 2) };
      } else if (roll < 0.88) {
        const ingress = Array.from({ length: Math.floor(random() * 3) }, () =>
          random() < 0.15 ? {} : { from: some(peers, 3) },
        );
        object = {
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name, namespace },
          spec: {
            podSelector: {},
            ingress,
            ...(random() < 0.5
              ? {}
              : { policyTypes: pick([["Ingress"], ["Egress"], ["Ingress", "Egress"]]) }),
          },
        };
      } else if (roll < 0.96) {
        operation = "UPDATE";
        old = live.get(pick(["NetworkPolicy/default-deny-all", "NetworkPolicy/own"]));
        object = structuredClone(old!);
        const metadata = object.metadata as { labels?: Record<string, string> };
        if (random() < 0.5)
          metadata.labels = pick<Record<string, string>>([
            {},
            { ...metadata.labels, note: "x" },
            { "kubefence.io/managed": "false" },
          ]);
        else
          object.spec = {
            podSelector: {},
            policyTypes: pick([["Ingress"], ["Egress"], ["Ingress", "Egress"]]),
          };
      } else {
        operation = "DELETE";
        old = live.get(pick(["NetworkPolicy/default-deny-all", "NetworkPolicy/own"]));
      }
      const target = (object ?? old)!;
      const kind = target.kind as string;
      const info = kindInfo(kind)!;
      const meta = target.metadata as { name: string; namespace?: string };
      const c: Case =
        operation === "CREATE"
          ? create(
              `#${n} ${actor.name} creates ${kind} ${meta.namespace ?? ""}/${meta.name}`,
              actor.name,
              object!,
            )
          : {
              why: `#${n} ${actor.name} ${operation === "UPDATE" ? "updates" : "deletes"} ${kind} ${meta.namespace ?? ""}/${meta.name}`,
              as: actor.name,
              method: operation === "UPDATE" ? "PUT" : "DELETE",
              path: objectPath(kind, meta.name, meta.namespace),
              body: object,
            };
      c.groups = actor.groups;
      out.push({
        case: c,
        review: {
          uid: `differential-${n}`,
          kind: { group: info.group, version: info.version, kind },
          resource: { group: info.group, version: info.version, resource: info.plural },
          name: meta.name,
          namespace: info.namespaced ? meta.namespace : undefined,
          operation,
          userInfo: { username: actor.name, groups: [WRITERS, ...actor.groups, "system:authenticated"] },
          object: object && structuredClone(object),
          oldObject: old && structuredClone(old),
        },
      });
    }
    return out;
  }
});
