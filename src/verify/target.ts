/**
 * Who `kubefence verify` acts as, and where: for each tenant of the tenants file, its first owner (the
 * identity we impersonate), the namespace it acts in (its first), a namespace of another tenant to reach
 * into (or the platform's, when there is no other tenant) and the default-deny NetworkPolicy it would
 * try to delete. A tenant that cannot be verified (no owners, no namespace in the cluster) says why.
 */
import type { NetworkPolicy } from "../model/objects.js";
import { selectorOrNothing } from "../model/selector.js";
import type { Snapshot } from "../model/snapshot.js";
import type { SubjectRef, TenantConfig } from "../tenancy/config.js";
import { MANAGED_LABEL } from "../tenancy/guardrails.js";
import { PLATFORM, type Tenancy } from "../tenancy/tenants.js";
import {
  type ClusterRule,
  clusterSelectorKeys,
  judgeNetwork,
  type NetworkChange,
  type NetworkJudgement,
} from "./network.js";

export const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

export interface VerifyTarget {
  tenant: string;
  /** The namespace the tenant acts in: the first of its namespaces. */
  namespace: string;
  /** The enforce label of that namespace, if it has one. */
  enforceLevel?: string;
  /** The identity impersonated: the tenant's first owner. */
  actAs: SubjectRef;
  /** A namespace outside the tenant, and who owns it (a tenant's name, or PLATFORM). */
  foreign: { namespace: string; owner: string };
  /** The default-deny NetworkPolicy of `namespace`, if there is one. */
  defaultDeny?: string;
  /** Where the cluster serves policy.networking.k8s.io: what the cluster-scoped attempts need. */
  clusterPolicies?: ClusterPolicyView;
}

/** A cluster-scoped network policy kind the cluster serves, where to send it. */
export interface ServedClusterKind {
  kind: "AdminNetworkPolicy" | "BaselineAdminNetworkPolicy" | "ClusterNetworkPolicy";
  apiVersion: string;
  plural: string;
}

export interface ClusterPolicyView {
  served: ServedClusterKind[];
  /** The cluster-scoped rule that denies every connection between the tenant's pods and foreign's, now. */
  isolation?: ClusterRule & { plural: string; apiVersion: string };
  /** The labels of the tenant's namespace and of the foreign one. */
  namespaceLabels: Record<string, string>;
  foreignLabels: Record<string, string>;
  /** The label keys cluster-scoped policies select namespaces and pods by. */
  selectorKeys: { namespaces: string[]; pods: string[] };
  /** What the network engine says of the cluster with a change of the tenant's. */
  judge(change: NetworkChange): NetworkJudgement;
}

export interface Unverifiable {
  tenant: string;
  reason: string;
}

export interface VerifyPlan {
  targets: VerifyTarget[];
  unverifiable: Unverifiable[];
}

/**
 * Targets for every tenant the tenants file declares (or only the one named `only`), in the tenancy's
 * order. `tenancy` is resolveTenants(snapshot, {from: "file", config}).
 */
export function verifyTargets(
  snapshot: Snapshot,
  tenancy: Tenancy,
  config: TenantConfig,
  only?: string,
  /** The cluster-scoped network policy kinds the cluster serves (their objects are in the snapshot). */
  served: ServedClusterKind[] = [],
): VerifyPlan {
  const declared = tenancy.tenants.filter((t) => t.spec && !t.platform && (!only || t.name === only));
  const plan: VerifyPlan = { targets: [], unverifiable: [] };
  // A declared tenant none of whose namespaces exists is not in the tenancy at all; say so.
  const resolved = new Set(tenancy.tenants.map((t) => t.name));
  for (const spec of config.tenants)
    if (!resolved.has(spec.name) && (!only || spec.name === only))
      plan.unverifiable.push({ tenant: spec.name, reason: "none of its namespaces exists in the cluster" });

  for (const tenant of declared) {
    const owner = tenant.owners[0];
    if (!owner) {
      plan.unverifiable.push({
        tenant: tenant.name,
        reason: "the tenants file names no owners for it, so there is no one to act as (add owners:)",
      });
      continue;
    }
    const namespace = tenant.namespaces[0]!;
    const foreign = foreignNamespace(tenancy, tenant.name);
    plan.targets.push({
      tenant: tenant.name,
      namespace,
      enforceLevel: snapshot.namespaces.find((n) => n.metadata.name === namespace)?.metadata.labels?.[
        ENFORCE_LABEL
      ],
      actAs: owner,
      foreign,
      defaultDeny: defaultDenyPolicy(
        snapshot.networkPolicies.filter((p) => p.metadata.namespace === namespace),
      )?.metadata.name,
      ...(served.length > 0
        ? {
            clusterPolicies: clusterPolicyView(snapshot, served, { tenant: tenant.name, namespace, foreign }),
          }
        : {}),
    });
  }
  plan.unverifiable.sort((a, b) => a.tenant.localeCompare(b.tenant));
  return plan;
}

function clusterPolicyView(
  snapshot: Snapshot,
  served: ServedClusterKind[],
  ends: { tenant: string; namespace: string; foreign: { namespace: string; owner: string } },
): ClusterPolicyView {
  const labelsOf = (name: string) =>
    snapshot.namespaces.find((n) => n.metadata.name === name)?.metadata.labels ?? {};
  const judge = (change: NetworkChange) => judgeNetwork(snapshot, ends, change);
  const now = judge({});
  const held = !now.open ? now.heldBy : undefined;
  const kind = held && served.find((k) => k.kind === held.kind);
  return {
    served,
    ...(held && kind ? { isolation: { ...held, plural: kind.plural, apiVersion: kind.apiVersion } } : {}),
    namespaceLabels: labelsOf(ends.namespace),
    foreignLabels: labelsOf(ends.foreign.namespace),
    selectorKeys: clusterSelectorKeys(snapshot),
    judge,
  };
}

/**
 * The next tenant after this one (in the tenancy's order, wrapping around), so each tenant tries a
 * different neighbour: a tenant the file declares if there is another, else a namespace of no declared
 * tenant (resolveTenants makes each its own tenant), else the platform (kube-system when it exists).
 */
function foreignNamespace(tenancy: Tenancy, self: string): { namespace: string; owner: string } {
  const candidates = tenancy.tenants.filter((t) => !t.platform && t.namespaces.length > 0);
  for (const pool of [candidates.filter((t) => t.spec), candidates.filter((t) => !t.spec)]) {
    const index = pool.findIndex((t) => t.name === self);
    for (let step = 1; step <= pool.length; step++) {
      const other = pool[(index + step) % pool.length]!;
      if (other.name !== self) return { namespace: other.namespaces[0]!, owner: other.name };
    }
  }
  const platform = tenancy.tenants.find((t) => t.platform)?.namespaces ?? [];
  return {
    namespace: platform.includes("kube-system") ? "kube-system" : (platform[0] ?? "kube-system"),
    owner: PLATFORM,
  };
}

/**
 * The policy that isolates every pod of the namespace: it selects all pods and allows nothing in the
 * directions it covers. Preferred: one kubefence manages, then one that denies both directions, then
 * ingress only, then egress only; ties by name.
 */
export function defaultDenyPolicy(policies: readonly NetworkPolicy[]): NetworkPolicy | undefined {
  const ranked = policies
    .map((policy) => ({ policy, rank: denyRank(policy) }))
    .filter((r) => r.rank > 0)
    .sort((a, b) => b.rank - a.rank || a.policy.metadata.name.localeCompare(b.policy.metadata.name));
  return ranked[0]?.policy;
}

function denyRank(policy: NetworkPolicy): number {
  const spec = policy.spec;
  if (!spec || !selectorOrNothing(spec.podSelector).everything) return 0;
  const types = spec.policyTypes ?? [];
  const deniesIngress = types.includes("Ingress") && (spec.ingress ?? []).length === 0;
  const deniesEgress = types.includes("Egress") && (spec.egress ?? []).length === 0;
  const base = deniesIngress && deniesEgress ? 3 : deniesIngress ? 2 : deniesEgress ? 1 : 0;
  if (base === 0) return 0;
  return base + (policy.metadata.labels?.[MANAGED_LABEL] === "true" ? 10 : 0);
}
