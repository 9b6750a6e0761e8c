/**
 * The tenants file: who the tenants are, which namespaces each owns, who owns each tenant, and who the
 * platform administrators are. Parsed and validated, with file:line errors, by src/sources/tenants-file.ts.
 *
 *   apiVersion: kubefence.io/v1alpha1
 *   kind: TenantConfig
 *   platform:
 *     namespaces: [kube-system, kube-public, kube-node-lease, ingress-nginx]   # default: every kube-* namespace
 *     admins: [{kind: Group, name: system:masters}, {kind: User, name: ops-admin}]
 *     services:                                       # platform pods every tenant may reach (default: cluster DNS)
 *       - {namespace: kube-system, podSelector: {matchLabels: {k8s-app: kube-dns}}, ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]}
 *   tenants:
 *     - name: team-a
 *       namespaces: [team-a, team-a-dev]                  # by name, and/or
 *       namespaceSelector: {matchLabels: {tenant: team-a}} # by label
 *       owners:
 *         - {kind: User, name: alice}
 *         - {kind: Group, name: team-a-devs}
 *         - {kind: ServiceAccount, namespace: team-a, name: deployer}
 *       podSecurity: baseline                             # privileged | baseline | restricted (default baseline)
 *       allowFrom: [team-b]                               # tenants whose traffic team-a accepts
 *       services: {nodePort: false, loadBalancer: false, externalIPs: false}
 *   guardrails: {pod-security: enforce, service-exposure: warn}   # webhook modes (src/webhook/settings.ts)
 *   accepted:                                           # accepted risks (src/tenancy/acceptance.ts)
 *     - id: rbac.cluster-wide-namespaced-access         # a finding id (kubefence rules)
 *       tenant: team-a                                  # optional narrowing: tenant, namespace, resource
 *       namespace: team-a
 *       resource: {kind: ClusterRoleBinding, name: deployer}
 *       reason: the deployer lists every namespace's Roles to report drift
 *       owner: team-a-leads
 *       expires: 2027-06-30                             # optional: RFC 3339 date or date-time
 */
import type { AcceptanceSource, ObjectRef } from "../model/finding.js";
import type { LabelSelector } from "../model/objects.js";

export interface SubjectRef {
  kind: "User" | "Group" | "ServiceAccount";
  name: string;
  /** ServiceAccount only. */
  namespace?: string;
}

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export interface TenantSpec {
  name: string;
  namespaces: string[];
  namespaceSelector?: LabelSelector;
  owners: SubjectRef[];
  podSecurity: PodSecurityLevel;
  allowFrom: string[];
  services: { nodePort: boolean; loadBalancer: boolean; externalIPs: boolean };
}

/** Platform pods that every tenant may reach on these ports (cluster DNS, an ingress controller's webhook…). */
export interface PlatformService {
  namespace: string;
  podSelector: LabelSelector;
  ports: { protocol: "TCP" | "UDP" | "SCTP"; port: number }[];
}

export const DEFAULT_PLATFORM_SERVICES: PlatformService[] = [
  {
    namespace: "kube-system",
    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ],
  },
];

export interface TenantConfig {
  /** Platform namespaces by name; undefined means every `kube-*` namespace. */
  platformNamespaces?: string[];
  /** What tenants may reach in the platform without it being a breach. */
  platformServices: PlatformService[];
  /** Identities never reported: they administer the platform. */
  admins: SubjectRef[];
  tenants: TenantSpec[];
  /** The `accepted:` section. */
  accepted: Acceptance[];
}

/** One accepted risk: a finding id, optionally narrowed to a tenant, a namespace or one object. */
export interface Acceptance {
  id: string;
  /** The tenant of the finding's namespace. */
  tenant?: string;
  /** The finding's namespace: its object's, or (an object of no namespace) its ServiceAccount subject's. */
  namespace?: string;
  /** The object the finding is about: kind, name and (namespaced objects) namespace, all equal. */
  resource?: ObjectRef;
  reason: string;
  owner: string;
  /** RFC 3339 full-date (valid through that day, UTC) or date-time; none: until removed. */
  expires?: string;
  source: AcceptanceSource;
}

export const DEFAULT_ADMINS: SubjectRef[] = [{ kind: "Group", name: "system:masters" }];

export function defaultTenantConfig(): TenantConfig {
  return { admins: DEFAULT_ADMINS, platformServices: DEFAULT_PLATFORM_SERVICES, tenants: [], accepted: [] };
}

/**
 * A subject as written on the command line: `User:alice`, `Group:devs`, `ServiceAccount:ns/name` (the form
 * every output prints, model/format.ts) or `ServiceAccount:ns:name`.
 */
export function parseSubject(text: string): SubjectRef | undefined {
  const [kind, a, b] = text.split(":");
  if (kind === "User" || kind === "Group") return a ? { kind, name: text.slice(kind.length + 1) } : undefined;
  if (kind !== "ServiceAccount" || !a) return undefined;
  if (b !== undefined) return b ? { kind, namespace: a, name: b } : undefined;
  const [namespace, name, extra] = a.split("/");
  return namespace && name && extra === undefined ? { kind, namespace, name } : undefined;
}
