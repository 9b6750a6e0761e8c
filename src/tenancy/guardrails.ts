/**
 * The manifests that make a tenant isolated on all three planes, as `kubefence tenant init` writes them:
 * - node: Pod Security Admission labels on every namespace (enforce the level; audit and warn restricted);
 * - api: owners get the built-in `admin` ClusterRole through a RoleBinding in each namespace, nothing more;
 * - network: deny all ingress and egress, then allow traffic within the tenant and DNS to kube-system;
 * - quota: a ResourceQuota (no NodePorts or LoadBalancers unless asked) and a LimitRange.
 * Objects kubefence manages carry `kubefence.io/managed: "true"` so the webhook can protect them.
 */
import { ALLOW_DNS_SPEC } from "../network/findings.js";
import type { PodSecurityLevel, SubjectRef } from "./config.js";

export const TENANT_LABEL = "kubefence.io/tenant";
export const MANAGED_LABEL = "kubefence.io/managed";

export interface TenantInit {
  name: string;
  namespaces: string[];
  owners: SubjectRef[];
  level: PodSecurityLevel;
  /** Pod Security version to pin (`latest` or `v1.NN`). */
  version: string;
  /** ResourceQuota `spec.hard`, e.g. {cpu: "4", memory: "8Gi", pods: "50"}. */
  quota: Record<string, string>;
  /** Label that names the tenant on its namespaces. */
  tenantLabel?: string;
}

export const DEFAULT_QUOTA: Record<string, string> = {
  "requests.cpu": "4",
  "requests.memory": "8Gi",
  "limits.cpu": "8",
  "limits.memory": "16Gi",
  pods: "50",
  "services.nodeports": "0",
  "services.loadbalancers": "0",
};

type Manifest = Record<string, unknown>;

export function tenantManifests(init: TenantInit): Manifest[] {
  const tenantLabel = init.tenantLabel ?? TENANT_LABEL;
  const labels = { [tenantLabel]: init.name, [MANAGED_LABEL]: "true" };
  const out: Manifest[] = [];
  for (const namespace of init.namespaces) {
    out.push({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: namespace, labels: { ...labels, ...podSecurityLabels(init.level, init.version) } },
    });
  }
  for (const namespace of init.namespaces) {
    const meta = (name: string) => ({ name, namespace, labels });
    if (init.owners.length > 0)
      out.push({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: meta(`${init.name}-owners`),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
        subjects: init.owners.map(rbacSubject),
      });
    out.push(
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta("default-deny-all"),
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta(`allow-within-tenant-${init.name}`),
        spec: {
          podSelector: {},
          policyTypes: ["Ingress", "Egress"],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { [tenantLabel]: init.name } } }] }],
          egress: [{ to: [{ namespaceSelector: { matchLabels: { [tenantLabel]: init.name } } }] }],
        },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta("allow-dns"),
        // structuredClone: every manifest gets its own copy, so editing one output never edits another.
        spec: structuredClone(ALLOW_DNS_SPEC),
      },
      {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: meta(`${init.name}-quota`),
        spec: { hard: init.quota },
      },
      {
        apiVersion: "v1",
        kind: "LimitRange",
        metadata: meta(`${init.name}-limits`),
        spec: {
          limits: [
            {
              type: "Container",
              defaultRequest: { cpu: "100m", memory: "128Mi" },
              default: { cpu: "500m", memory: "512Mi" },
            },
          ],
        },
      },
    );
  }
  return out;
}

/** Enforce the tenant's level; audit and warn at restricted, so what a move to restricted would break shows. */
export function podSecurityLabels(level: PodSecurityLevel, version: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ["enforce", "audit", "warn"] as const) {
    labels[`pod-security.kubernetes.io/${mode}`] = mode === "enforce" ? level : "restricted";
    labels[`pod-security.kubernetes.io/${mode}-version`] = version;
  }
  return labels;
}

function rbacSubject(subject: SubjectRef): Record<string, string> {
  return subject.kind === "ServiceAccount"
    ? { kind: "ServiceAccount", name: subject.name, namespace: subject.namespace! }
    : { kind: subject.kind, name: subject.name, apiGroup: "rbac.authorization.k8s.io" };
}
