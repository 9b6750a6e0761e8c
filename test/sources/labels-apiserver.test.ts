/**
 * The proof for label validation: every object below is sent to the real kube-apiserver (v1.37.2) with
 * dryRun=All, and the message it rejects the object with must equal the one kubefence's loader gives (less
 * "; document skipped"); objects it accepts must load. Then random label keys and values, one per Pod,
 * the same way. Each map below holds at most one bad label: the API server walks a Go map, in random
 * order, so several bad labels of one map come back in any order.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admit } from "../../src/model/admission/admit.js";
import { kindInfo } from "../../src/model/kinds.js";
import { startTestCluster, type TestCluster } from "../support/cluster.js";

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(() => cluster?.stop());

const NS = "default";
const x = (n: number) => "x".repeat(n);
const containers = [{ name: "c", image: "nginx" }];
const podSpec = { containers };
const jobPodSpec = { restartPolicy: "Never", containers };
const template = (labels: Record<string, string>) => ({ metadata: { labels }, spec: podSpec });

type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
};

const pod = (labels: Record<string, string>, name = "p"): Manifest => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels },
  spec: podSpec,
});
const apps = (kind: string, spec: Record<string, unknown>, labels?: Record<string, string>): Manifest => ({
  apiVersion: "apps/v1",
  kind,
  metadata: { name: "w", ...(labels ? { labels } : {}) },
  spec: { ...(kind === "StatefulSet" ? { serviceName: "w" } : {}), ...spec },
});
const job = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Manifest => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "j", ...metadata },
  spec,
});

/** [why, object]: valid labels, which the API server accepts. */
const ACCEPTED: [string, Manifest][] = [
  ["plain keys and values", pod({ app: "web", tier: "Front_end.v2" })],
  ["prefixed keys, empty values", pod({ "example.com/app": "", "kubernetes.io/metadata.name": "x" })],
  ["63-character name part and value, 253-character prefix", pod({ [x(63)]: x(63), [`${x(253)}/a`]: "b" })],
  [
    "a Job named with 64 characters and a manual selector: no job-name label",
    job(
      {
        manualSelector: true,
        selector: { matchLabels: { a: "b" } },
        template: { metadata: { labels: { a: "b" } }, spec: jobPodSpec },
      },
      { name: x(64) },
    ),
  ],
];

/** [why, object]: the API server rejects each, and says how. */
const REJECTED: [string, Manifest][] = [
  // Keys.
  ["a key with a space", pod({ "bad key": "x" })],
  ["a 64-character name part", pod({ [x(64)]: "v" })],
  ["a prefix that is not a DNS-1123 subdomain", pod({ "Example.com/app": "v" })],
  ["a 254-character prefix", pod({ [`${x(254)}/a`]: "v" })],
  ["two slashes", pod({ "a/b/c": "v" })],
  ["an empty prefix", pod({ "/a": "v" })],
  ["an empty name part", pod({ "a/": "v" })],
  ["an empty key", pod({ "": "v" })],
  ["a key with a quote and a tab, quoted as Go quotes", pod({ 'q"\tk': "v" })],
  ["a non-ASCII key, its length counted in bytes", pod({ ["é".repeat(32)]: "v" })],
  // Values.
  ["a value with !", pod({ app: "web!" })],
  ["a value starting with -", pod({ app: "-web" })],
  ["a 64-character value", pod({ app: x(64) })],
  ["a 40-character non-ASCII value: 80 bytes", pod({ app: "é".repeat(40) })],
  ["a control character in a value", pod({ app: "\u0001" })],
  // Every kind's metadata.labels.
  ...(
    [
      ["v1", "Namespace"],
      ["v1", "Node"],
      ["v1", "ServiceAccount"],
      ["rbac.authorization.k8s.io/v1", "Role"],
      ["rbac.authorization.k8s.io/v1", "ClusterRole"],
    ] as const
  ).map(([apiVersion, kind]): [string, Manifest] => [
    `${kind} metadata.labels`,
    { apiVersion, kind, metadata: { name: "o", labels: { "team!": "a" } } },
  ]),
  [
    "RoleBinding metadata.labels",
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "o", labels: { team: "a b" } },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
    },
  ],
  [
    "ClusterRoleBinding metadata.labels",
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "o", labels: { "/team": "a" } },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
    },
  ],
  // Services: spec.selector is a label map.
  [
    "Service selector and metadata.labels",
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s", labels: { "m k": "v" } },
      spec: { selector: { app: "a b" }, ports: [{ port: 80 }] },
    },
  ],
  // Pod templates: reported at <template>.labels.
  [
    "ReplicationController template (and its metadata.labels, defaulted from the template)",
    {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "r" },
      spec: { template: template({ "app!": "w" }) },
    },
  ],
  [
    "ReplicationController with its own labels: the selector is not label-checked",
    {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "r", labels: { "m k": "v" } },
      spec: { selector: { "s k": "w" }, template: template({ "s k": "w" }) },
    },
  ],
  [
    "PodTemplate",
    {
      apiVersion: "v1",
      kind: "PodTemplate",
      metadata: { name: "t", labels: { "m k": "v" } },
      template: template({ "t k": "v" }),
    },
  ],
  [
    "Deployment template",
    apps("Deployment", {
      selector: { matchLabels: { app: "w" } },
      template: template({ app: "w", "t k": "v" }),
    }),
  ],
  [
    "Deployment selector value: also `invalid label selector`, and the template goes unchecked",
    apps("Deployment", { selector: { matchLabels: { app: "-w" } }, template: template({ app: "-w" }) }),
  ],
  [
    "Deployment metadata.labels and selector key",
    apps(
      "Deployment",
      { selector: { matchLabels: { "a b": "w" } }, template: template({ "a b": "w" }) },
      { "m k": "v" },
    ),
  ],
  [
    "Deployment expression key, empty matchLabels",
    apps("Deployment", {
      selector: { matchLabels: {}, matchExpressions: [{ key: "k!", operator: "Exists" }] },
      template: template({ app: "w" }),
    }),
  ],
  [
    "Deployment expression value: only `invalid label selector`",
    apps("Deployment", {
      selector: {
        matchLabels: { b: "2", a: "1" },
        matchExpressions: [{ key: "k", operator: "In", values: ["x y", "z"] }],
      },
      template: template({ a: "1", b: "2" }),
    }),
  ],
  [
    "Deployment expression without values, and a bad operator",
    apps("Deployment", {
      selector: {
        matchLabels: { app: "w" },
        matchExpressions: [
          { key: "k", operator: "In", values: [] },
          { key: "k2", operator: "Equals" },
        ],
      },
      template: template({ app: "w" }),
    }),
  ],
  [
    "Deployment selector value quoted in JSON as Go escapes it: HTML characters, a quote, a tab, non-ASCII",
    apps("Deployment", {
      selector: { matchLabels: { app: '<a&"é\tb>' } },
      template: template({ app: '<a&"é\tb>' }),
    }),
  ],
  [
    "ReplicaSet selector key",
    apps("ReplicaSet", { selector: { matchLabels: { "a b": "w" } }, template: template({ "a b": "w" }) }),
  ],
  [
    "ReplicaSet template",
    apps("ReplicaSet", { selector: { matchLabels: { a: "w" } }, template: template({ a: "w", k: "v!" }) }),
  ],
  [
    "StatefulSet selector: the selector error has no detail",
    apps("StatefulSet", { selector: { matchLabels: { a: "w!" } }, template: template({ a: "w!" }) }),
  ],
  [
    "StatefulSet template",
    apps("StatefulSet", { selector: { matchLabels: { a: "w" } }, template: template({ a: "w", k: "v!" }) }),
  ],
  [
    "StatefulSet expression value: checked, and the selector error without detail",
    apps("StatefulSet", {
      selector: {
        matchLabels: { a: "w" },
        matchExpressions: [{ key: "a", operator: "NotIn", values: ["x!"] }],
      },
      template: template({ a: "w" }),
    }),
  ],
  [
    "DaemonSet expression value: checked for a new object",
    apps("DaemonSet", {
      selector: {
        matchLabels: { a: "w" },
        matchExpressions: [{ key: "a", operator: "NotIn", values: ["x!"] }],
      },
      template: template({ a: "w" }),
    }),
  ],
  [
    "DaemonSet selector and template both",
    apps("DaemonSet", { selector: { matchLabels: { a: "w!" } }, template: template({ a: "w!" }) }),
  ],
  [
    "Job template (and its metadata.labels, defaulted from the template)",
    job({ template: { metadata: { labels: { "t k": "v" } }, spec: jobPodSpec } }),
  ],
  [
    "Job with a manual selector",
    job(
      {
        manualSelector: true,
        selector: { matchLabels: { a: "b!" } },
        template: { metadata: { labels: { a: "b!" } }, spec: jobPodSpec },
      },
      { labels: { a: "b" } },
    ),
  ],
  [
    "Job with a manual selector: its expression values are checked",
    job(
      {
        manualSelector: true,
        selector: {
          matchLabels: { a: "b" },
          matchExpressions: [{ key: "a", operator: "NotIn", values: ["x y"] }],
        },
        template: { metadata: { labels: { a: "b" } }, spec: jobPodSpec },
      },
      { labels: { a: "b" } },
    ),
  ],
  [
    "Job named with 64 characters whose template has labels: its own labels are that map, job-name and all",
    job({ template: { metadata: { labels: { a: "b" } }, spec: jobPodSpec } }, { name: x(64) }),
  ],
  [
    "Job named with 64 characters whose template has empty labels: the same",
    job({ template: { metadata: { labels: {} }, spec: jobPodSpec } }, { name: x(64) }),
  ],
  [
    "Job named with 64 characters: its pods' job-name label is too long",
    job({ template: { spec: jobPodSpec } }, { name: x(64) }),
  ],
  [
    "CronJob: metadata.labels and the job's pod template, not the jobTemplate's own labels",
    {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "cj", labels: { "m k": "v" } },
      spec: {
        schedule: "* * * * *",
        jobTemplate: {
          metadata: { labels: { "j k": "v" } },
          spec: { template: { metadata: { labels: { "t k": "v" } }, spec: jobPodSpec } },
        },
      },
    },
  ],
  [
    "NetworkPolicy: labels and spec in one message",
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "np", labels: { "a/": "v" } },
      spec: { podSelector: { matchLabels: { "x y": "z" } } },
    },
  ],
];

/** The collection a manifest is created in (dry run: nothing is stored). */
function collection(object: Manifest): string {
  const info = kindInfo(object.kind)!;
  const base = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  return `${base}/${info.namespaced ? `namespaces/${NS}/` : ""}${info.plural}?dryRun=All`;
}

/** The API server's verdict: undefined when it accepts the object, its message when it rejects it. */
async function apiServer(object: Manifest): Promise<string | undefined> {
  const { status, body } = await cluster.request<{ message?: string }>("POST", collection(object), object);
  if (status === 201) return undefined;
  expect(status, JSON.stringify(body)).toBe(422);
  return body.message;
}

/**
 * kubefence's verdict, the same way: under --validate=strict the document is skipped with the server's
 * message; under warn (the default) it is analysed, with that same message as a warning.
 */
function kubefence(object: Manifest): string | undefined {
  const origin = { file: "test.yaml", line: 1, column: 1 };
  const read = (validate: "strict" | "warn") =>
    admit(
      { value: structuredClone(object), origin, locate: () => origin },
      { defaultNamespace: NS, validate },
    );
  const result = read("strict");
  const warned = read("warn");
  if (result.type === "object") {
    expect(warned.type === "object" && warned.diagnostics.filter((d) => d.analysedAsWritten)).toEqual([]);
    return undefined;
  }
  expect(result.type).toBe("rejected");
  if (result.type !== "rejected") return;
  expect(result.diagnostics).toHaveLength(1);
  const message = result.diagnostics[0]!.message.replace(/; document skipped$/, "");
  expect(warned.type).toBe("object");
  if (warned.type === "object")
    expect(warned.diagnostics.map((d) => d.message)).toEqual([`${message}; analysed as written`]);
  return message;
}

describe("label validation agrees with the API server", () => {
  it.each(ACCEPTED)("accepted: %s", async (_why, object) => {
    expect(await apiServer(object)).toBeUndefined();
    expect(kubefence(object)).toBeUndefined();
  });

  it.each(REJECTED)("rejected: %s", async (_why, object) => {
    const theirs = await apiServer(object);
    expect(theirs).toBeDefined();
    expect(kubefence(object)).toBe(theirs);
  });

  it("for random label keys and values, one per Pod", async () => {
    // Characters that matter: alphanumerics, the allowed punctuation, '/', and some that are never allowed.
    const char = fc.constantFrom(...'aZ09-_./ !é\t"'.split(""));
    const text = (max: number) => fc.string({ unit: char, maxLength: max });
    const long = fc.constantFrom("", x(62), x(63), x(64), `${x(253)}/`, `${x(254)}/`);
    const key = fc.tuple(long, text(6)).map(([a, b]) => a + b);
    const value = fc.tuple(fc.constantFrom("", x(62), x(63)), text(4)).map(([a, b]) => a + b);
    const samples = fc.sample(fc.tuple(key, value), { numRuns: 300, seed: 20 });
    const verdicts = await Promise.all(
      samples.map(async ([k, v], i) => {
        const object = pod({ [k]: v }, `p${i}`);
        return {
          label: `${JSON.stringify(k)}: ${JSON.stringify(v)}`,
          ours: kubefence(object),
          theirs: await apiServer(object),
        };
      }),
    );
    const disagreements = verdicts.filter((d) => d.ours !== d.theirs);
    expect(disagreements).toEqual([]);
    // The sample exercises both outcomes.
    expect(verdicts.some((d) => d.theirs === undefined)).toBe(true);
    expect(verdicts.filter((d) => d.theirs !== undefined).length).toBeGreaterThan(100);
  });
});
