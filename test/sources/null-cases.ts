/**
 * Documents written with `null` and `""`, one per shape of field, shared by the table test (decode.test.ts)
 * and its proof against the real API server (decode-apiserver.test.ts). `read` picks the fields the analysis
 * reads; it is applied to kubefence's object and to the object the API server returns, and both must give
 * `expected`. A case with `rejected` is refused by the API server with that message.
 */
// biome-ignore lint/suspicious/noExplicitAny: reading plain manifest JSON in assertions
export type Json = Record<string, any>;
export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
};

export interface NullCase {
  why: string;
  manifest: Manifest;
  read?: (object: Json) => unknown;
  expected?: unknown;
  rejected?: string;
}

const pod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Manifest => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", ...metadata },
  spec,
});
const container = (fields: Record<string, unknown> = {}) => ({ name: "c", image: "nginx:1.27", ...fields });
const c0 = (o: Json) => o.spec.containers[0];
/** The pod's own tolerations, less the two DefaultTolerationSeconds admission adds on the server. */
const tolerations = (o: Json) =>
  (o.spec.tolerations ?? []).filter((t: Json) => !t.key?.startsWith("node.kubernetes.io/"));
const policy = (spec: unknown): Manifest => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "np" },
  spec,
});
const service = (spec: Record<string, unknown>): Manifest => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "s" },
  spec: { selector: { app: "web" }, ports: [{ port: 80 }], ...spec },
});
const template = { metadata: { labels: { app: "w" } }, spec: { containers: [container()] } };
const hostRoot = (type: unknown) => ({
  containers: [container({ securityContext: { privileged: true } })],
  volumes: [{ name: "root", hostPath: { path: "/", type } }],
});
/** How the analysis sees a hostPath volume: its path, and its type with nil read as "" (HostPathUnset). */
const hostPaths = (o: Json) =>
  (o.spec.volumes ?? []).map((v: Json) => ({
    name: v.name,
    hostPath: v.hostPath && { path: v.hostPath.path, type: v.hostPath.type ?? "" },
  }));

export const NULL_CASES: NullCase[] = [
  // Pointers: nil.
  {
    why: "a pointer to a struct: securityContext: null is no securityContext",
    manifest: pod({ containers: [container({ securityContext: null })] }),
    read: (o) => c0(o).securityContext?.privileged ?? null,
    expected: null,
  },
  {
    why: "a pointer to a bool: privileged: null is not privileged",
    manifest: pod({ containers: [container({ securityContext: { privileged: null } })] }),
    read: (o) => c0(o).securityContext?.privileged ?? null,
    expected: null,
  },
  {
    why: "a pointer to a number: runAsUser: null is unset",
    manifest: pod({ securityContext: { runAsUser: null }, containers: [container()] }),
    read: (o) => o.spec.securityContext?.runAsUser ?? null,
    expected: null,
  },
  {
    why: 'a pointer to a string: hostPath.type: null is nil, which the server defaults to ""',
    manifest: pod(hostRoot(null)),
    read: hostPaths,
    expected: [{ name: "root", hostPath: { path: "/", type: "" } }],
  },
  // Plain values: the zero value.
  {
    why: "a plain bool: hostNetwork: null is false",
    manifest: pod({ hostNetwork: null, containers: [container()] }),
    read: (o) => o.spec.hostNetwork ?? false,
    expected: false,
  },
  {
    why: "a plain number: hostPort: null is 0",
    manifest: pod({ containers: [container({ ports: [{ containerPort: 80, hostPort: null }] })] }),
    read: (o) => ({ hostPort: c0(o).ports[0].hostPort ?? 0, protocol: c0(o).ports[0].protocol }),
    expected: { hostPort: 0, protocol: "TCP" },
  },
  {
    why: "a plain string: serviceAccountName: null is empty",
    manifest: pod({ serviceAccountName: null, containers: [container()] }),
    read: (o) => o.spec.serviceAccountName ?? "",
    expected: "",
  },
  // Slices and maps: nil.
  {
    why: "a slice: volumes: null and tolerations: null are none",
    manifest: pod({ volumes: null, tolerations: null, containers: [container({ ports: null, env: null })] }),
    read: (o) => [o.spec.volumes ?? [], tolerations(o), c0(o).ports ?? [], c0(o).env ?? []],
    expected: [[], [], [], []],
  },
  {
    why: "a map: metadata.labels: null and annotations: null are none",
    manifest: pod({ containers: [container()] }, { labels: null, annotations: null }),
    read: (o) => [o.metadata.labels ?? {}, o.metadata.annotations ?? {}],
    expected: [{}, {}],
  },
  {
    why: "a map value: labels {app: null} is the label app with an empty value",
    manifest: pod({ containers: [container()], nodeSelector: { zone: null } }, { labels: { app: null } }),
    read: (o) => [o.metadata.labels, o.spec.nodeSelector],
    expected: [{ app: "" }, { zone: "" }],
  },
  {
    why: "a Quantity map value: limits {cpu: null} is zero",
    manifest: pod({ containers: [container({ resources: { limits: { cpu: null } } })] }),
    read: (o) => c0(o).resources.limits,
    expected: { cpu: "0" },
  },
  // Lists: an element is its type's zero value; nulls nested in list elements are left out.
  {
    why: "a string list element: args [null, x] is an empty argument then x",
    manifest: pod({ containers: [container({ args: [null, "x"] })] }),
    read: (o) => c0(o).args,
    expected: ["", "x"],
  },
  {
    why: "nested in a list: a container's securityContext.capabilities: null, with privileged: true kept",
    manifest: pod({
      containers: [container({ securityContext: { privileged: true, capabilities: null, runAsUser: null } })],
    }),
    read: (o) => c0(o).securityContext,
    expected: { privileged: true },
  },
  {
    why: "a struct list element: env [null] is an env var without a name, which the server rejects",
    manifest: pod({ containers: [container({ env: [null] })] }),
    rejected: 'Pod "p" is invalid: spec.containers[0].env[0].name: Required value',
  },
  // Non-pointer structs: the zero value.
  {
    why: "NetworkPolicy spec.podSelector: null is {}: it selects every pod",
    manifest: policy({ podSelector: null, ingress: null, egress: null, policyTypes: null }),
    read: (o) => ({
      podSelector: o.spec.podSelector,
      policyTypes: o.spec.policyTypes,
      ingress: o.spec.ingress,
    }),
    expected: { podSelector: {}, policyTypes: ["Ingress"], ingress: undefined },
  },
  {
    why: "NetworkPolicy without podSelector is {} too",
    manifest: policy({ policyTypes: ["Ingress"] }),
    read: (o) => o.spec.podSelector,
    expected: {},
  },
  {
    why: "a NetworkPolicy ingress rule whose from and ports are null allows everything",
    manifest: policy({
      podSelector: { matchLabels: null, matchExpressions: null },
      ingress: [{ from: null, ports: null }],
    }),
    read: (o) => ({ podSelector: o.spec.podSelector, ingress: o.spec.ingress }),
    expected: { podSelector: {}, ingress: [{}] },
  },
  {
    why: "Role rules: null is a Role granting nothing",
    manifest: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "r" },
      rules: null,
    },
    read: (o) => o.rules ?? [],
    expected: [],
  },
  {
    why: "RoleBinding subjects: null binds no one",
    manifest: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "rb" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r" },
      subjects: null,
    },
    read: (o) => o.subjects ?? [],
    expected: [],
  },
  {
    why: "Service selector {app: null} selects the pods labelled app with an empty value",
    manifest: service({ selector: { app: null } }),
    read: (o) => o.spec.selector,
    expected: { app: "" },
  },
  // "" where the server defaults an empty value.
  {
    why: 'hostPath.type: "" is kept: HostPathUnset',
    manifest: pod(hostRoot("")),
    read: hostPaths,
    expected: [{ name: "root", hostPath: { path: "/", type: "" } }],
  },
  {
    why: 'imagePullPolicy, terminationMessagePolicy, restartPolicy, dnsPolicy: "" are defaulted',
    manifest: pod({
      restartPolicy: "",
      dnsPolicy: "",
      schedulerName: "",
      containers: [
        container({ imagePullPolicy: "", terminationMessagePolicy: "", terminationMessagePath: "" }),
        container({ name: "latest", image: "nginx", imagePullPolicy: "" }),
        container({ name: "digest", image: `nginx@sha256:${"a".repeat(64)}`, imagePullPolicy: "" }),
      ],
    }),
    read: (o) => ({
      restartPolicy: o.spec.restartPolicy,
      dnsPolicy: o.spec.dnsPolicy,
      schedulerName: o.spec.schedulerName,
      pull: o.spec.containers.map((c: Json) => c.imagePullPolicy),
      termination: [c0(o).terminationMessagePolicy, c0(o).terminationMessagePath],
    }),
    expected: {
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
      schedulerName: "default-scheduler",
      pull: ["IfNotPresent", "Always", "IfNotPresent"],
      termination: ["File", "/dev/termination-log"],
    },
  },
  {
    why: "an image volume's pullPolicy: \"\" is defaulted as a container's",
    manifest: pod({
      containers: [container()],
      volumes: [
        { name: "a", image: { reference: "nginx:1.27", pullPolicy: "" } },
        { name: "b", image: { reference: "nginx", pullPolicy: "" } },
      ],
    }),
    read: (o) => o.spec.volumes.map((v: Json) => v.image.pullPolicy),
    expected: ["IfNotPresent", "Always"],
  },
  {
    why: 'a probe\'s httpGet scheme and path: "" are defaulted',
    manifest: pod({
      containers: [container({ livenessProbe: { httpGet: { port: 80, scheme: "", path: "" } } })],
    }),
    read: (o) => [c0(o).livenessProbe.httpGet.scheme, c0(o).livenessProbe.httpGet.path],
    expected: ["HTTP", "/"],
  },
  {
    why: 'a toleration\'s operator and effect: "" are left out (Equal, every effect)',
    manifest: pod({
      containers: [container()],
      tolerations: [{ key: "k", operator: "", value: "v", effect: "" }],
    }),
    read: tolerations,
    expected: [{ key: "k", value: "v" }],
  },
  {
    why: 'a container port\'s protocol: "" is TCP',
    manifest: pod({ containers: [container({ ports: [{ containerPort: 80, protocol: "" }] })] }),
    read: (o) => c0(o).ports[0].protocol,
    expected: "TCP",
  },
  {
    why: 'Service type, sessionAffinity, externalTrafficPolicy: "" are defaulted or left out',
    manifest: service({ type: "", sessionAffinity: "", externalTrafficPolicy: "" }),
    read: (o) => [o.spec.type, o.spec.sessionAffinity, o.spec.externalTrafficPolicy ?? ""],
    expected: ["ClusterIP", "None", ""],
  },
  {
    why: 'a NodePort Service\'s externalTrafficPolicy: "" is Cluster',
    manifest: service({ type: "NodePort", externalTrafficPolicy: "" }),
    read: (o) => o.spec.externalTrafficPolicy,
    expected: "Cluster",
  },
  {
    why: 'Deployment strategy.type: "" is RollingUpdate',
    manifest: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: { selector: { matchLabels: { app: "w" } }, strategy: { type: "" }, template },
    },
    read: (o) => o.spec.strategy.type,
    expected: "RollingUpdate",
  },
  {
    why: 'DaemonSet updateStrategy.type: "" is RollingUpdate',
    manifest: {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "ds" },
      spec: { selector: { matchLabels: { app: "w" } }, updateStrategy: { type: "" }, template },
    },
    read: (o) => o.spec.updateStrategy.type,
    expected: "RollingUpdate",
  },
  {
    why: 'StatefulSet podManagementPolicy and updateStrategy.type: "" are defaulted',
    manifest: {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "ss" },
      spec: {
        serviceName: "ss",
        selector: { matchLabels: { app: "w" } },
        podManagementPolicy: "",
        updateStrategy: { type: "" },
        template,
      },
    },
    read: (o) => [o.spec.podManagementPolicy, o.spec.updateStrategy.type],
    expected: ["OrderedReady", "RollingUpdate"],
  },
  {
    why: 'CronJob concurrencyPolicy: "" is Allow',
    manifest: {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "cj" },
      spec: {
        schedule: "* * * * *",
        concurrencyPolicy: "",
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: "Never", containers: [container()] } } },
        },
      },
    },
    read: (o) => o.spec.concurrencyPolicy,
    expected: "Allow",
  },
  // Required fields: null is left out, and the server refuses the object for it.
  {
    why: "containers: null is no containers, which the server rejects",
    manifest: pod({ containers: null }),
    rejected: 'Pod "p" is invalid: spec.containers: Required value',
  },
  {
    why: "a container's name: null is no name, which the server rejects",
    manifest: pod({ containers: [container({ name: null })] }),
    rejected: 'Pod "p" is invalid: spec.containers[0].name: Required value',
  },
  {
    why: "a volume's name: null is no name, which the server rejects",
    manifest: pod({ containers: [container()], volumes: [{ name: null, hostPath: { path: "/" } }] }),
    rejected: 'Pod "p" is invalid: spec.volumes[0].name: Required value',
  },
  {
    why: "a hostPath's path: null is no path, which the server rejects",
    manifest: pod({ containers: [container()], volumes: [{ name: "v", hostPath: { path: null } }] }),
    rejected: 'Pod "p" is invalid: spec.volumes[0].hostPath.path: Required value',
  },
  {
    why: "a Deployment's template containers: null, which the server rejects",
    manifest: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: {
        selector: { matchLabels: { app: "w" } },
        template: { ...template, spec: { containers: null } },
      },
    },
    rejected: 'Deployment.apps "d" is invalid: spec.template.spec.containers: Required value',
  },
];
