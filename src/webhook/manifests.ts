/**
 * What `kubefence webhook manifests` writes for a user to apply, and what the Helm chart (charts/kubefence)
 * renders from the same values (test/charts/chart.test.ts holds the two equal): the webhook Deployment (2
 * replicas spread over nodes, a PodDisruptionBudget, restricted securityContext, resources), its Service, the
 * ValidatingWebhookConfiguration (failurePolicy Fail, sideEffects None, kube-system and the webhook's own
 * namespace excluded so the platform cannot lock itself out), the ServiceAccount with the read-only RBAC
 * the cache needs, a ConfigMap holding the tenants file, and a NetworkPolicy that admits only the API
 * server's addresses to the webhook port.
 *
 * Safe install: the configuration and a Job that waits for a ready pod behind the Service are Helm hooks run
 * after install, upgrade and rollback, the Job first: the API server is told to call the webhook only once
 * something answers, so a rollout that never gets ready blocks nothing. Pure: the CLI reads files and prints.
 */
import { NAMESPACE_NAME_LABEL } from "../model/defaults.js";
import { kindInfo } from "../model/kinds.js";
import type { Kind } from "../model/objects.js";
import {
  ACCEPT_ANNOTATION,
  ACCEPT_OWNER_ANNOTATION,
  ACCEPT_REASON_ANNOTATION,
} from "../tenancy/acceptance.js";
import { NAMESPACES_WEBHOOK_NAME, WEBHOOK_NAME } from "../tenancy/guardrails.js";
import { DEFAULT_CACHED_KINDS } from "./cached-kinds.js";
import type { Guardrail } from "./guardrail.js";
import { GUARDRAILS } from "./guardrails/index.js";
import type { Mode } from "./mode.js";

// NAMESPACES_WEBHOOK_NAME reviews Namespace writes, with no namespaceSelector: relabelling a namespace can never hide it.
export { NAMESPACES_WEBHOOK_NAME, WEBHOOK_NAME } from "../tenancy/guardrails.js";
export const APP = "kubefence-webhook";
/** Within terminationGracePeriodSeconds (30) with the drain that follows. */
const SHUTDOWN_DELAY_SECONDS = 5;
/** The prefix of the environment variables the kubelet gives pods for the Service named APP. */
const SERVICE_ENV = APP.toUpperCase().replaceAll("-", "_");
export const PORT = 8443;

export interface ManifestOptions {
  namespace: string;
  image: string;
  /** PEM of the CA that signed the serving certificate (`--ca-file`), for caBundle. */
  caBundle?: string;
  /** cert-manager Issuer in the namespace that issues the serving certificate (`--cert-manager-issuer`). */
  certManagerIssuer?: string;
  /** The tenants file's text, mounted from a ConfigMap. */
  tenantsFile?: string;
  guardrails?: readonly Guardrail[];
  /**
   * Where the API server's calls come from (`--api-server-cidr`): the NetworkPolicy admits only these to the
   * webhook port. Empty: the policy cannot know them, admits any source to that port only, and says so.
   */
  apiServerCidrs?: readonly string[];
  /** Mode of each guardrail (`--guardrail-mode`); one not listed enforces. Passed to serve for every guardrail. */
  guardrailModes?: ReadonlyMap<string, Mode>;
}

/** The Job that waits for a ready webhook pod behind the Service before the configuration is created. */
export const READY_JOB = `${APP}-ready`;
/** How long the Job waits for a ready pod (Helm's own default --timeout is 5 minutes). */
export const READY_TIMEOUT_SECONDS = 300;

/** Helm runs these after the release's other objects exist, in weight order, waiting for each Job to finish. */
const AFTER_ROLLOUT = "post-install,post-upgrade,post-rollback";

/** Annotation on the NetworkPolicy when no API server address was given. */
export const OPEN_POLICY_WARNING =
  "no API server address given (--api-server-cidr, or the chart's apiServerCidrs): any source may reach the webhook port; give the API server's source addresses to admit only them";

type Manifest = Record<string, unknown>;

/** Why kubefence accepts its own ClusterRoleBinding's finding (the chart's rbac.yaml says the same). */
export const CACHE_ACCEPT_REASON =
  "the admission webhook's cache lists and watches Roles, RoleBindings and NetworkPolicies in every namespace, read-only, to judge each request against the rest of the cluster";

export function webhookManifests(options: ManifestOptions): Manifest[] {
  const { namespace } = options;
  const labels = { "app.kubernetes.io/name": APP, "app.kubernetes.io/part-of": "kubefence" };
  const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace, labels, ...extra });
  const secretName = `${APP}-tls`;
  const out: Manifest[] = [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace, labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(APP) },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: APP, labels },
      rules: cacheRules(DEFAULT_CACHED_KINDS),
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      // kubefence's own audit reports this binding: the cache must read everywhere. Accepted, with the reason.
      metadata: {
        name: APP,
        labels,
        annotations: {
          [ACCEPT_ANNOTATION]: "rbac.cluster-wide-namespaced-access",
          [ACCEPT_REASON_ANNOTATION]: CACHE_ACCEPT_REASON,
          [ACCEPT_OWNER_ANNOTATION]: "kubefence",
        },
      },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: APP },
      subjects: [{ kind: "ServiceAccount", name: APP, namespace }],
    },
  ];
  if (options.tenantsFile !== undefined)
    out.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(`${APP}-tenants`),
      data: { "tenants.yaml": options.tenantsFile },
    });
  if (options.certManagerIssuer)
    out.push({
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: meta(APP),
      spec: {
        secretName,
        dnsNames: [`${APP}.${namespace}.svc`, `${APP}.${namespace}.svc.cluster.local`],
        issuerRef: { kind: "Issuer", name: options.certManagerIssuer },
      },
    });
  const args = [
    "webhook",
    "serve",
    `--port=${PORT}`,
    "--tls-cert-file=/etc/kubefence/tls/tls.crt",
    "--tls-private-key-file=/etc/kubefence/tls/tls.key",
    // Rolling updates and scale-downs drop no review: a stopping pod answers until kube-proxy stops sending.
    `--shutdown-delay=${SHUTDOWN_DELAY_SECONDS}`,
  ];
  if (options.tenantsFile !== undefined) args.push("--tenants=/etc/kubefence/tenants/tenants.yaml");
  // By id, as Helm ranges over a map of values.
  for (const guardrail of [...(options.guardrails ?? GUARDRAILS)].sort((a, b) => a.id.localeCompare(b.id)))
    args.push(`--guardrail-mode=${guardrail.id}=${options.guardrailModes?.get(guardrail.id) ?? "enforce"}`);
  const volumes: Manifest[] = [{ name: "tls", secret: { secretName } }];
  const mounts: Manifest[] = [{ name: "tls", mountPath: "/etc/kubefence/tls", readOnly: true }];
  if (options.tenantsFile !== undefined) {
    volumes.push({ name: "tenants", configMap: { name: `${APP}-tenants` } });
    mounts.push({ name: "tenants", mountPath: "/etc/kubefence/tenants", readOnly: true });
  }
  const probe = (path: string) => ({ httpGet: { path, port: PORT, scheme: "HTTPS" }, periodSeconds: 5 });
  const podSecurityContext = {
    runAsNonRoot: true,
    runAsUser: 65532,
    runAsGroup: 65532,
    seccompProfile: { type: "RuntimeDefault" },
  };
  const containerSecurityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  };
  out.push(
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(APP),
      spec: {
        replicas: 2,
        selector: { matchLabels: { "app.kubernetes.io/name": APP } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: APP,
            securityContext: podSecurityContext,
            // Preferred, not required: a one-node cluster still runs both replicas.
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      topologyKey: "kubernetes.io/hostname",
                      labelSelector: { matchLabels: { "app.kubernetes.io/name": APP } },
                    },
                  },
                ],
              },
            },
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: "webhook",
                image: options.image,
                args,
                ports: [{ name: "https", containerPort: PORT }],
                readinessProbe: probe("/readyz"),
                livenessProbe: { ...probe("/healthz"), failureThreshold: 3 },
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                securityContext: containerSecurityContext,
                volumeMounts: mounts,
              },
            ],
            volumes,
          },
        },
      },
    },
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: meta(APP),
      spec: { minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": APP } } },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(APP),
      spec: {
        selector: { "app.kubernetes.io/name": APP },
        ports: [{ name: "https", port: 443, targetPort: PORT }],
      },
    },
    ...networkPolicies(meta, options.apiServerCidrs ?? []),
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: READY_JOB,
        namespace,
        labels: { ...labels, "app.kubernetes.io/name": READY_JOB },
        annotations: {
          "helm.sh/hook": AFTER_ROLLOUT,
          "helm.sh/hook-weight": "0",
          "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded",
        },
      },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: READY_TIMEOUT_SECONDS + 30,
        ttlSecondsAfterFinished: 600,
        template: {
          metadata: { labels: { ...labels, "app.kubernetes.io/name": READY_JOB } },
          spec: {
            restartPolicy: "Never",
            // It only sends GET /readyz to the Service: no API access, so no token.
            automountServiceAccountToken: false,
            securityContext: podSecurityContext,
            containers: [
              {
                name: "wait",
                image: options.image,
                args: [
                  "webhook",
                  "wait",
                  // The Service's address from the kubelet's service environment ($(VAR) is expanded in
                  // args): no cluster DNS needed, and the certificate is not checked anyway.
                  `--url=https://$(${SERVICE_ENV}_SERVICE_HOST):$(${SERVICE_ENV}_SERVICE_PORT)/readyz`,
                  `--timeout=${READY_TIMEOUT_SECONDS}`,
                ],
                resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                securityContext: containerSecurityContext,
              },
            ],
          },
        },
      },
    },
    validatingWebhookConfiguration({
      namespace,
      clientConfig: {
        service: { name: APP, namespace, path: "/validate", port: 443 },
        ...(options.caBundle ? { caBundle: Buffer.from(options.caBundle).toString("base64") } : {}),
      },
      annotations: {
        "helm.sh/hook": AFTER_ROLLOUT,
        "helm.sh/hook-weight": "10",
        "helm.sh/hook-delete-policy": "before-hook-creation",
        ...(options.certManagerIssuer ? { "cert-manager.io/inject-ca-from": `${namespace}/${APP}` } : {}),
      },
      guardrails: options.guardrails,
    }),
  );
  return out;
}

/**
 * Every pod of the namespace is isolated both ways (default deny), then: the webhook port, from the API
 * server's addresses (an ipBlock each) and the readiness Job; the webhook's own calls out, to the API server
 * (its addresses when given; anywhere otherwise, as the port behind the `kubernetes` Service differs between
 * clusters); the Job's calls to the webhook; cluster DNS. Kubelet probes need no rule: traffic from a
 * pod's own node is always allowed.
 */
function networkPolicies(
  meta: (name: string, extra?: Record<string, unknown>) => Manifest,
  cidrs: readonly string[],
): Manifest[] {
  const webhookPods = { matchLabels: { "app.kubernetes.io/name": APP } };
  const jobPods = { matchLabels: { "app.kubernetes.io/name": READY_JOB } };
  const rule: Manifest = { ports: [{ protocol: "TCP", port: PORT }] };
  if (cidrs.length > 0)
    rule.from = [...cidrs.map((cidr) => ({ ipBlock: { cidr } })), { podSelector: jobPods }];
  const dns = {
    to: [
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
        podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
      },
    ],
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ],
  };
  const policy = (name: string, spec: Manifest, extra: Record<string, unknown> = {}): Manifest => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(name, extra),
    spec,
  });
  return [
    policy("kubefence-default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy(
      APP,
      {
        podSelector: webhookPods,
        policyTypes: ["Ingress", "Egress"],
        ingress: [rule],
        egress: cidrs.length > 0 ? [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })) }, dns] : [{}],
      },
      cidrs.length > 0 ? {} : { annotations: { "kubefence.io/warning": OPEN_POLICY_WARNING } },
    ),
    policy(READY_JOB, {
      podSelector: jobPods,
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: webhookPods }], ports: [{ protocol: "TCP", port: PORT }] }, dns],
    }),
  ];
}

export interface WebhookConfigurationOptions {
  /** The webhook's own namespace, excluded along with kube-system. */
  namespace: string;
  clientConfig: Record<string, unknown>;
  annotations?: Record<string, string>;
  guardrails?: readonly Guardrail[];
  name?: string;
  timeoutSeconds?: number;
}

/**
 * The registration. Rules list every resource and operation some guardrail looks at, in every version
 * (matchPolicy Equivalent would otherwise skip versions a cluster serves under another name, such as
 * batch/v1beta1 CronJobs before v1.21). Namespaces are excluded by the `kubernetes.io/metadata.name` label
 * the API server sets since v1.21 (label kube-system and the webhook's namespace yourself on older ones).
 * Namespace objects themselves go to a second webhook without a namespaceSelector: the selector is matched
 * on the new object, so a server that does not own that label would not send the very update that relabels
 * a namespace out of it; this way the namespace-tenant guardrail sees it (platform users pass as ever).
 */
export function validatingWebhookConfiguration(options: WebhookConfigurationOptions): Manifest {
  // (group, resource) → operations, then one rule per (group, operations).
  const operations = new Map<string, Set<string>>();
  for (const guardrail of options.guardrails ?? GUARDRAILS)
    for (const kind of guardrail.kinds) {
      const info = kindInfo(kind)!;
      const key = `${info.group}|${info.plural}`;
      const ops = operations.get(key) ?? new Set<string>();
      for (const op of guardrail.operations) ops.add(op);
      operations.set(key, ops);
    }
  const namespaceOps = operations.get("|namespaces");
  operations.delete("|namespaces");
  const merged = new Map<string, { group: string; operations: string[]; resources: string[] }>();
  for (const [key, ops] of operations) {
    const [group, resource] = key.split("|") as [string, string];
    const sorted = [...ops].sort();
    const ruleKey = `${group}|${sorted.join(",")}`;
    const rule = merged.get(ruleKey) ?? { group, operations: sorted, resources: [] };
    rule.resources.push(resource);
    merged.set(ruleKey, rule);
  }
  const common = {
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    failurePolicy: "Fail",
    matchPolicy: "Equivalent",
    timeoutSeconds: options.timeoutSeconds ?? 5,
    clientConfig: options.clientConfig,
  };
  const rules = [...merged.values()].map((m) => ({
    apiGroups: [m.group],
    apiVersions: ["*"],
    operations: m.operations,
    resources: m.resources.sort(),
    scope: "*",
  }));
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: {
      name: options.name ?? "kubefence",
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    webhooks: [
      {
        name: WEBHOOK_NAME,
        ...common,
        namespaceSelector: {
          matchExpressions: [
            {
              key: NAMESPACE_NAME_LABEL,
              operator: "NotIn",
              values: ["kube-system", options.namespace],
            },
          ],
        },
        rules,
      },
      ...(namespaceOps
        ? [
            {
              name: NAMESPACES_WEBHOOK_NAME,
              ...common,
              rules: [
                {
                  apiGroups: [""],
                  apiVersions: ["*"],
                  operations: [...namespaceOps].sort(),
                  resources: ["namespaces"],
                  scope: "*",
                },
              ],
            },
          ]
        : []),
    ],
  };
}

/** get/list/watch on what the cache lists, nothing else. */
export function cacheRules(kinds: readonly Kind[]): Manifest[] {
  const byGroup = new Map<string, string[]>();
  for (const kind of kinds) {
    const info = kindInfo(kind)!;
    byGroup.set(info.group, [...(byGroup.get(info.group) ?? []), info.plural]);
  }
  return [...byGroup].map(([group, resources]) => ({
    apiGroups: [group],
    resources,
    verbs: ["get", "list", "watch"],
  }));
}
