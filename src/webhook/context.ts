/**
 * What a guardrail knows besides the request: the cluster as the cache last saw it, the tenants resolved on
 * it, and the webhook's settings. Built once per snapshot (the cache hands out a new Snapshot object only
 * when something changed), so a review costs no re-indexing.
 */

import type { Namespace } from "../model/objects.js";
import type { Labels } from "../model/selector.js";
import { emptySnapshot, type Snapshot } from "../model/snapshot.js";
import type { PodSecurityLevel, SubjectRef, TenantSpec } from "../tenancy/config.js";
import { PLATFORM, resolveTenants, type Tenancy, type TenantSource } from "../tenancy/tenants.js";
import type { UserInfo } from "./review.js";
import type { WebhookSettings } from "./settings.js";

export interface AdmissionContext {
  snapshot: Snapshot;
  tenancy: Tenancy;
  settings: WebhookSettings;
  /** A namespace as the cache holds it. */
  namespaceNamed(name: string): Namespace | undefined;
  /** The tenant a namespace belongs to, also for a namespace the cache has not seen yet (or with new labels). */
  tenantOfNamespace(name: string, labels?: Labels): string;
  /** Settings of a tenant: its tenants-file entry, or the safe default (baseline, no node ports, …). */
  tenantSpec(tenant: string): TenantSpec;
  /** Tenants whose identity the requester is: owner, or service account of one of its namespaces. */
  tenantsOfUser(user: UserInfo): Set<string>;
  /** Platform administrators (tenants file), the platform namespaces' service accounts, control-plane components. */
  isPlatformUser(user: UserInfo): boolean;
}

/**
 * Control-plane components that authenticate as themselves rather than as kube-system service accounts
 * (kube-controller-manager without --use-service-account-credentials): the platform, like those accounts.
 */
export const CONTROL_PLANE_USERS: readonly string[] = [
  "system:kube-controller-manager",
  "system:kube-scheduler",
];

const cache = new WeakMap<Snapshot, WeakMap<WebhookSettings, AdmissionContext>>();

export function admissionContext(snapshot: Snapshot, settings: WebhookSettings): AdmissionContext {
  let bySettings = cache.get(snapshot);
  if (!bySettings) {
    bySettings = new WeakMap();
    cache.set(snapshot, bySettings);
  }
  let context = bySettings.get(settings);
  if (!context) {
    context = buildContext(snapshot, settings);
    bySettings.set(settings, context);
  }
  return context;
}

function buildContext(snapshot: Snapshot, settings: WebhookSettings): AdmissionContext {
  const source = tenantSource(settings);
  const { tenancy } = resolveTenants(snapshot, source);
  const specs = new Map(settings.config.tenants.map((t) => [t.name, t]));
  const namespaces = new Map(snapshot.namespaces.map((ns) => [ns.metadata.name, ns]));

  const tenantOfNamespace = (name: string, labels?: Labels): string => {
    const known = tenancy.tenantOf.get(name);
    const current = namespaces.get(name);
    if (known !== undefined && (labels === undefined || sameLabels(labels, current?.metadata.labels)))
      return known;
    // Resolve the one namespace the same way the whole cluster is resolved.
    const single = emptySnapshot();
    single.namespaces.push({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels: labels ?? current?.metadata.labels ?? {} },
    } as Namespace);
    return resolveTenants(single, source).tenancy.tenantOf.get(name) ?? name;
  };

  const tenantSpec = (tenant: string): TenantSpec =>
    specs.get(tenant) ?? {
      name: tenant,
      namespaces: [],
      owners: [],
      podSecurity: settings.defaultPodSecurity,
      allowFrom: [],
      services: { nodePort: false, loadBalancer: false, externalIPs: false },
    };

  const tenantsOfUser = (user: UserInfo): Set<string> => {
    const tenants = new Set<string>();
    for (const spec of settings.config.tenants)
      if (spec.owners.some((owner) => subjectIs(owner, user))) tenants.add(spec.name);
    const sa = serviceAccountOf(user.username);
    if (sa) tenants.add(tenantOfNamespace(sa.namespace));
    for (const group of user.groups) {
      const ns = /^system:serviceaccounts:(.+)$/.exec(group)?.[1];
      if (ns) tenants.add(tenantOfNamespace(ns));
    }
    tenants.delete(PLATFORM);
    return tenants;
  };

  const isPlatformUser = (user: UserInfo): boolean => {
    if (settings.config.admins.some((admin) => subjectIs(admin, user))) return true;
    if (CONTROL_PLANE_USERS.includes(user.username)) return true;
    const sa = serviceAccountOf(user.username);
    return sa !== undefined && tenantOfNamespace(sa.namespace) === PLATFORM;
  };

  return {
    snapshot,
    tenancy,
    settings,
    namespaceNamed: (name) => namespaces.get(name),
    tenantOfNamespace,
    tenantSpec,
    tenantsOfUser,
    isPlatformUser,
  };
}

function tenantSource(settings: WebhookSettings): TenantSource {
  return settings.fromFile ? { from: "file", config: settings.config } : { from: "namespace" };
}

/** `system:serviceaccount:NS:NAME` → {namespace, name} (k8s.io/apiserver/pkg/authentication/serviceaccount). */
export function serviceAccountOf(username: string): { namespace: string; name: string } | undefined {
  const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  return match ? { namespace: match[1]!, name: match[2]! } : undefined;
}

export function subjectIs(subject: SubjectRef, user: UserInfo): boolean {
  switch (subject.kind) {
    case "User":
      return user.username === subject.name;
    case "Group":
      return user.groups.includes(subject.name);
    case "ServiceAccount":
      return user.username === `system:serviceaccount:${subject.namespace}:${subject.name}`;
  }
}

function sameLabels(a: Labels, b: Labels): boolean {
  const left = Object.entries(a ?? {}).filter(([k]) => k !== "kubernetes.io/metadata.name");
  const right = b ?? {};
  const rightCount = Object.keys(right).filter((k) => k !== "kubernetes.io/metadata.name").length;
  return left.length === rightCount && left.every(([k, v]) => Object.hasOwn(right, k) && right[k] === v);
}

export type { PodSecurityLevel };
