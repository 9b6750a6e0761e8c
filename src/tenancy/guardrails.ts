/**
 * The manifests that make a tenant isolated on all three planes, as `kubefence tenant init` writes them:
 * - node: Pod Security Admission labels on every namespace (enforce the level; audit and warn restricted);
 * - api: owners get the built-in `admin` ClusterRole through a RoleBinding in each namespace, nothing more;
 * - network: deny all ingress and egress, then allow traffic within the tenant and DNS to kube-system;
 * - quota: a ResourceQuota (no NodePorts or LoadBalancers unless asked) and a LimitRange.
 * Objects kubefence manages carry `kubefence.io/managed: "true"` so the webhook can protect them.
 */
import { parseQuantity, quantityMilliValue, quantitySign, quantityString } from "../model/quantity.js";
import {
  type FieldError,
  fieldInvalid,
  fieldRequired,
  invalidObjectMessage,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  validateLabelSelector,
  validateLabels,
} from "../model/validation.js";
import { validateClusterPolicy } from "../network/cluster-policies.js";
import { ALLOW_DNS_SPEC } from "../network/findings.js";
import { policyToEvaluate } from "../podsecurity/api.js";
import type { PodSecurityLevel, SubjectRef } from "./config.js";

export const TENANT_LABEL = "kubefence.io/tenant";
export const MANAGED_LABEL = "kubefence.io/managed";
/** The kubefence webhook's names in a ValidatingWebhookConfiguration: workloads, RBAC and policies; Namespaces. */
export const WEBHOOK_NAME = "validate.kubefence.io";
export const NAMESPACES_WEBHOOK_NAME = "namespaces.validate.kubefence.io";
/** `webhook manifests --engine vap` names each policy and binding `kubefence-<guardrail id>`. */
export const POLICY_PREFIX = "kubefence-";

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
  /**
   * How the tenant is isolated on the network: "network-policy" (default) — NetworkPolicies in each of its
   * namespaces (deny all, allow within the tenant and DNS), which its owners may edit; "cluster-policy" — one
   * Admin-tier ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2) that denies every other namespace's
   * pods, both ways, and every other address out, and passes what stays inside the tenant and DNS to the
   * tenant's own NetworkPolicies: an isolation no namespace owner can override.
   */
  isolation?: "network-policy" | "cluster-policy";
  /** The ClusterNetworkPolicy's priority (0–1000), with isolation "cluster-policy". Default 100. */
  priority?: number;
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
    // An owner ServiceAccount of the tenant's own namespaces is the tenant's: written with them, so the
    // binding names an account that exists. One elsewhere belongs to whoever runs that namespace.
    for (const owner of init.owners)
      if (owner.kind === "ServiceAccount" && owner.namespace === namespace)
        out.push({ apiVersion: "v1", kind: "ServiceAccount", metadata: meta(owner.name) });
    if (init.owners.length > 0)
      out.push({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: meta(`${init.name}-owners`),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
        subjects: init.owners.map(rbacSubject),
      });
    if ((init.isolation ?? "network-policy") === "network-policy")
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
      );
    out.push(
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
  if (init.isolation === "cluster-policy") out.push(clusterIsolation(init, tenantLabel, labels));
  return out;
}

/**
 * One Admin-tier ClusterNetworkPolicy for the tenant: traffic with the tenant's own namespaces and DNS to the
 * cluster DNS is passed to the tenant's NetworkPolicies; every other pod is denied, in and out, and every
 * other address out (nodes and hostNetwork pods included), as the NetworkPolicy variant's deny-all does.
 */
function clusterIsolation(init: TenantInit, tenantLabel: string, labels: Record<string, string>): Manifest {
  const tenant = { namespaces: { matchLabels: { [tenantLabel]: init.name } } };
  const dns = {
    pods: {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    },
  };
  return {
    apiVersion: "policy.networking.k8s.io/v1alpha2",
    kind: "ClusterNetworkPolicy",
    metadata: { name: `tenant-${init.name}-isolation`, labels },
    spec: {
      tier: "Admin",
      priority: init.priority ?? 100,
      subject: structuredClone(tenant),
      ingress: [
        { name: "within-tenant", action: "Pass", from: [structuredClone(tenant)] },
        { name: "other-namespaces", action: "Deny", from: [{ namespaces: {} }] },
      ],
      egress: [
        { name: "within-tenant", action: "Pass", to: [structuredClone(tenant)] },
        {
          name: "dns",
          action: "Pass",
          to: [dns],
          protocols: [
            { udp: { destinationPort: { number: 53 } } },
            { tcp: { destinationPort: { number: 53 } } },
          ],
        },
        { name: "other-namespaces", action: "Deny", to: [{ namespaces: {} }] },
        // Nodes and hostNetwork pods are no namespaces peer: every other address, as deny-all egress does.
        { name: "everything-else", action: "Deny", to: [{ networks: ["0.0.0.0/0", "::/0"] }] },
      ],
    },
  };
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

/** Quota resource names the quota system knows (core helper standardQuotaResources), and the integer ones. */
const STANDARD_QUOTA_RESOURCES = new Set([
  "cpu",
  "memory",
  "ephemeral-storage",
  "requests.cpu",
  "requests.memory",
  "requests.storage",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
  "pods",
  "quotas",
  "services",
  "replicationcontrollers",
  "secrets",
  "persistentvolumeclaims",
  "configmaps",
  "services.nodeports",
  "services.loadbalancers",
]);
const STANDARD_RESOURCES = new Set([...STANDARD_QUOTA_RESOURCES, "storage"]);
const INTEGER_RESOURCES = new Set([
  "pods",
  "quotas",
  "services",
  "replicationcontrollers",
  "secrets",
  "configmaps",
  "persistentvolumeclaims",
  "services.nodeports",
  "services.loadbalancers",
]);
const isHugePages = (name: string) => name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");

/** helper.IsExtendedResourceName: not native (it has a `/`, outside kubernetes.io), and a valid `requests.` name. */
function isExtendedResourceName(name: string): boolean {
  const native = !name.includes("/") || name.includes("kubernetes.io/");
  if (native || name.startsWith("requests.")) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** ValidateResourceQuotaResourceName: validateResourceName, then the quota system's own list on top. */
function quotaResourceNameErrors(name: string, field: string): FieldError[] {
  const qualified = isQualifiedName(name);
  if (qualified.length > 0) return qualified.map((msg) => fieldInvalid(field, name, msg));
  if (name.includes("/")) return [];
  const errors: FieldError[] = [];
  if (!STANDARD_RESOURCES.has(name) && !isHugePages(name))
    errors.push(fieldInvalid(field, name, "must be a standard resource type or fully qualified"));
  if (!STANDARD_QUOTA_RESOURCES.has(name) && !isHugePages(name))
    errors.push(fieldInvalid(field, name, "must be a standard resource for quota"));
  return errors;
}

type Meta = { name: string; namespace?: string; labels?: Record<string, string> };

/** core/v1 LabelMetadataName, set by the API server on every Namespace. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** The kinds whose names are RBAC names (ValidateRBACName: path.IsValidPathSegmentName), not DNS subdomains. */
const RBAC_KINDS = new Set(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]);

/** path.IsValidPathSegmentName. */
function pathSegmentNameErrors(name: string): string[] {
  if (name === "." || name === "..") return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const illegal of ["/", "%"]) if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`);
  return errs;
}

/** ValidateObjectMeta's name check, with the kind's name function. */
function nameErrors(kind: string, name: string): FieldError[] {
  if (name.length === 0) return [fieldRequired("metadata.name", "name or generateName is required")];
  const msgs =
    kind === "Namespace"
      ? isDNS1123Label(name)
      : RBAC_KINDS.has(kind)
        ? pathSegmentNameErrors(name)
        : isDNS1123Subdomain(name);
  return msgs.map((msg) => fieldInvalid("metadata.name", name, msg));
}

export interface ManifestCheckOptions {
  /**
   * Labels of Namespaces that already exist (what `fix` rewrites): Pod Security admission judges an
   * update's labels only when their errors differ from the old labels' (admission.go ValidateNamespace).
   */
  existingNamespaceLabels?: ReadonlyMap<string, Readonly<Record<string, string>> | undefined>;
}

/**
 * What the API server (and Pod Security admission, for a Namespace's labels) would say to each manifest
 * kubefence writes: one message per rejected object, as errors.NewInvalid words it (a quota value that is
 * no quantity fails earlier, in the decoder). Objects in a namespace already rejected are not judged again.
 * The checks cover what kubefence's own inputs flow into: names, labels, Pod Security labels, the
 * NetworkPolicies' namespace selectors, RoleBinding subjects and ResourceQuota hard limits.
 */
export function manifestErrors(manifests: readonly Manifest[], options: ManifestCheckOptions = {}): string[] {
  const messages: string[] = [];
  const badNamespaces = new Set<string>();
  for (const manifest of manifests) {
    const kind = manifest.kind as string;
    const group = (manifest.apiVersion as string).includes("/")
      ? (manifest.apiVersion as string).split("/")[0]!
      : "";
    const meta = manifest.metadata as Meta;
    if (meta.namespace !== undefined && badNamespaces.has(meta.namespace)) continue;
    const errors: FieldError[] = nameErrors(kind, meta.name);
    // The Namespace strategy labels every Namespace with its own name before validating it.
    const labels = kind === "Namespace" ? { ...meta.labels, [NAMESPACE_NAME_LABEL]: meta.name } : meta.labels;
    errors.push(...validateLabels(labels, "metadata.labels"));
    // Admission comes after validation: Pod Security sees only a Namespace that validated.
    if (kind === "Namespace" && errors.length === 0) {
      const found = policyToEvaluate(meta.labels).errors;
      const existing = options.existingNamespaceLabels;
      const before =
        existing?.has(meta.name) === true ? policyToEvaluate(existing.get(meta.name)).errors : undefined;
      const unchanged =
        before !== undefined && before.length > 0 && JSON.stringify(before) === JSON.stringify(found);
      if (!unchanged)
        for (const e of found) errors.push(fieldInvalid(`metadata.labels[${e.label}]`, e.value, e.message));
    }
    if (kind === "NetworkPolicy") {
      const spec = manifest.spec as {
        ingress?: { from?: { namespaceSelector?: never }[] }[];
        egress?: { to?: { namespaceSelector?: never }[] }[];
      };
      for (const [i, rule] of (spec.ingress ?? []).entries())
        for (const [j, peer] of (rule.from ?? []).entries())
          errors.push(
            ...validateLabelSelector(
              peer.namespaceSelector,
              `spec.ingress[${i}].from[${j}].namespaceSelector`,
            ),
          );
      for (const [i, rule] of (spec.egress ?? []).entries())
        for (const [j, peer] of (rule.to ?? []).entries())
          errors.push(
            ...validateLabelSelector(peer.namespaceSelector, `spec.egress[${i}].to[${j}].namespaceSelector`),
          );
    }
    if (kind === "RoleBinding" || kind === "ClusterRoleBinding")
      ((manifest.subjects ?? []) as { kind: string; name: string }[]).forEach((subject, i) => {
        const field = `subjects[${i}].name`;
        if (subject.name.length === 0) errors.push(fieldRequired(field, ""));
        else if (subject.kind === "ServiceAccount")
          for (const msg of isDNS1123Subdomain(subject.name))
            errors.push(fieldInvalid(field, subject.name, msg));
      });
    if (kind === "ResourceQuota") {
      const hard = (manifest.spec as { hard: Record<string, string> }).hard;
      const decode = Object.values(hard)
        .map(parseQuantity)
        .find((q) => typeof q === "string");
      if (decode !== undefined) {
        messages.push(`${kind} in version "v1" cannot be handled as a ${kind}: ${decode}`);
        continue;
      }
      for (const [resource, text] of Object.entries(hard)) {
        const field = `spec.hard[${resource}]`;
        const value = parseQuantity(text);
        if (typeof value === "string") continue;
        errors.push(...quotaResourceNameErrors(resource, field));
        if (quantitySign(value) < 0)
          errors.push(fieldInvalid(field, quantityString(value), "must be greater than or equal to 0"));
        if (
          (INTEGER_RESOURCES.has(resource) || isExtendedResourceName(resource)) &&
          quantityMilliValue(value) % 1000n !== 0n
        )
          errors.push(fieldInvalid(field, quantityString(value), "must be an integer"));
      }
    }
    if (kind === "ClusterNetworkPolicy") {
      // Its CRD's schema and CEL rules, in the API server's words (src/network/cluster-policies.ts).
      const found = validateClusterPolicy(manifest as never);
      if (found.length > 0)
        messages.push(
          `${kind}.${group} ${JSON.stringify(meta.name)} is invalid: ${found.length === 1 ? found[0] : `[${found.join(", ")}]`}`,
        );
    }
    if (errors.length === 0) continue;
    if (kind === "Namespace") badNamespaces.add(meta.name);
    messages.push(invalidObjectMessage(kind, group, meta.name, errors));
  }
  return messages;
}
