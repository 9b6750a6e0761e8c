/**
 * The manifest changes that close the breaches an audit found, without touching the inputs:
 * - network: every tenant namespace gets deny-all, allow-within-tenant and allow-DNS NetworkPolicies
 *   (and the tenant label they select on);
 * - node: every tenant namespace enforces Pod Security baseline (or its tenant's level), and each pod or
 *   workload that escapes to its node is rewritten to pass baseline (privileged, host namespaces, hostPath,
 *   extra capabilities… removed);
 * - api: the subject that reaches across tenants is removed from the binding that grants it (the binding is
 *   deleted when no subject is left).
 * A plan is data: objects to apply and objects to delete. `applyFixPlan` shows what the cluster would be.
 */

import { admit } from "../model/admission/admit.js";
import type { ObjectRef, Plane } from "../model/finding.js";
import { addObject } from "../model/kinds.js";
import type { KubeObject, Namespace, PodSpec, Workload } from "../model/objects.js";
import type { Origin } from "../model/origin.js";
import { allObjects, emptySnapshot, objectKey, type Snapshot } from "../model/snapshot.js";
import { podTemplateOf } from "../model/workloads.js";
import { BASELINE_CAPABILITIES } from "../podsecurity/checks/capabilitiesBaseline.js";
import { canEscapeToNode, LEVELS, namespacePolicy } from "../podsecurity/index.js";
import { type Binding, buildPolicy } from "../rbac/policy.js";
import { type ApiPlane, apiPlane } from "./api-plane.js";
import type { AuditReport } from "./audit.js";
import { podSecurityLabels, TENANT_LABEL, tenantManifests } from "./guardrails.js";
import { PLATFORM, type Tenancy } from "./tenants.js";

type Manifest = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string } };

export interface Fix {
  plane: Plane;
  /** What it closes, for people. */
  reason: string;
  apply: Manifest[];
  delete: ObjectRef[];
}

export interface FixPlan {
  fixes: Fix[];
}

export interface FixOptions {
  tenantLabel?: string;
  /**
   * How network breaches are closed: NetworkPolicies in every tenant namespace, or one Admin
   * ClusterNetworkPolicy per tenant (guardrails.ts). Default: cluster-policy when the snapshot holds a
   * ClusterNetworkPolicy (so the cluster serves the API), network-policy otherwise.
   */
  isolation?: "network-policy" | "cluster-policy";
  /** Pod Security version for the labels written. */
  podSecurityVersion?: string;
}

export function planFixes(
  snapshot: Snapshot,
  tenancy: Tenancy,
  report: AuditReport,
  options: FixOptions = {},
): FixPlan {
  const fixes: Fix[] = [];
  const breached = (plane: Plane) =>
    report.matrix.list().some((c) => c.plane === plane && c.verdict === "breach");
  const tenantLabel = options.tenantLabel ?? TENANT_LABEL;
  const version = options.podSecurityVersion ?? "latest";
  const isolation =
    options.isolation ??
    (snapshot.clusterNetworkPolicies.some((p) => p.kind === "ClusterNetworkPolicy")
      ? "cluster-policy"
      : "network-policy");
  const namespaces = new Map(snapshot.namespaces.map((ns) => [ns.metadata.name, ns]));
  const tenants = tenancy.tenants.filter((t) => !t.platform);

  if (breached("network") || breached("node")) {
    for (const tenant of tenants) {
      const level = tenant.spec?.podSecurity ?? "baseline";
      const apply: Manifest[] = [];
      for (const name of tenant.namespaces) {
        const ns = namespaces.get(name);
        if (!ns) continue;
        const labels = { ...ns.metadata.labels, [tenantLabel]: tenant.name };
        if (breached("node") && enforcesLessThan(ns, level))
          Object.assign(labels, podSecurityLabels(level, version));
        apply.push({ ...strip(ns), metadata: { ...strip(ns).metadata, labels } } as Manifest);
      }
      if (breached("network")) {
        const existing = new Set([
          ...snapshot.networkPolicies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
          ...snapshot.clusterNetworkPolicies.map((p) => `${p.kind}/${p.metadata.name}`),
        ]);
        const generated = tenantManifests({
          name: tenant.name,
          namespaces: tenant.namespaces,
          owners: [],
          level,
          version,
          quota: {},
          tenantLabel,
          isolation,
        });
        for (const m of generated as Manifest[]) {
          if (m.kind === "NetworkPolicy" && !existing.has(`${m.metadata.namespace}/${m.metadata.name}`))
            apply.push(m);
          if (m.kind === "ClusterNetworkPolicy" && !existing.has(`${m.kind}/${m.metadata.name}`))
            apply.push(m);
        }
      }
      if (apply.length > 0)
        fixes.push({
          plane: breached("network") ? "network" : "node",
          reason: `isolate tenant ${tenant.name}: tenant label${breached("node") ? `, Pod Security ${level}` : ""}${breached("network") ? (isolation === "cluster-policy" ? ", an Admin ClusterNetworkPolicy denying every other namespace" : ", deny-all with allow-within-tenant and allow-DNS NetworkPolicies") : ""}`,
          apply,
          delete: [],
        });
    }
  }

  for (const object of [...snapshot.pods, ...snapshot.workloads]) {
    const tenant = tenancy.tenantOf.get(object.metadata.namespace);
    if (!tenant || tenant === PLATFORM) continue;
    const spec = object.kind === "Pod" ? object.spec : podTemplateOf(object)?.spec;
    if (!spec || !canEscapeToNode(spec).some((e) => e.takeover)) continue;
    if (object.kind === "Pod" && object.metadata.ownerReferences?.some((o) => o.controller)) continue; // its controller is fixed
    const fixed = strip(object);
    const fixedSpec = fixed.kind === "Pod" ? fixed.spec : podTemplateOf(fixed as Workload)?.spec;
    if (fixedSpec) hardenToBaseline(fixedSpec);
    fixes.push({
      plane: "node",
      reason: `${object.kind} ${object.metadata.namespace}/${object.metadata.name} escapes to its node: rewritten to pass Pod Security baseline${object.kind === "Pod" ? " (a Pod's spec is immutable: delete and re-create it)" : ""}`,
      apply: [fixed as unknown as Manifest],
      delete: [],
    });
  }

  fixes.push(...apiFixes(apiPlane(buildPolicy(snapshot), tenancy)));
  return { fixes };
}

/** Remove, from each binding that grants a cross-tenant breach, the subjects it grants it to. */
function apiFixes(api: ApiPlane): Fix[] {
  const byBinding = new Map<Binding, Map<number, string>>();
  for (const grant of api.crossing) {
    const subjects = byBinding.get(grant.binding) ?? new Map<number, string>();
    byBinding.set(grant.binding, subjects);
    subjects.set(grant.subjectIndex, grant.identity);
  }
  const fixes: Fix[] = [];
  for (const [binding, removed] of byBinding) {
    const remaining = (binding.subjects ?? []).filter((_, i) => !removed.has(i));
    const ref: ObjectRef = {
      kind: binding.kind,
      name: binding.metadata.name,
      ...(binding.metadata.namespace ? { namespace: binding.metadata.namespace } : {}),
    };
    const who = [...new Set(removed.values())].join(", ");
    const name = `${binding.kind} ${binding.metadata.namespace ? `${binding.metadata.namespace}/` : ""}${binding.metadata.name}`;
    const reason = `${name} lets ${who} reach other tenants: ${remaining.length === 0 ? "delete it" : `remove ${who} from it`} (if ${who} administers the platform, list it under platform.admins in the tenants file instead)`;
    if (remaining.length === 0) fixes.push({ plane: "api", reason, apply: [], delete: [ref] });
    else
      fixes.push({
        plane: "api",
        reason,
        apply: [{ ...strip(binding), subjects: remaining } as Manifest],
        delete: [],
      });
  }
  return fixes;
}

function enforcesLessThan(namespace: Namespace, level: (typeof LEVELS)[number]): boolean {
  return LEVELS.indexOf(namespacePolicy(namespace).enforce.level) < LEVELS.indexOf(level);
}

/**
 * Rewrite a pod spec so Pod Security baseline admits it: the fields that hand over the node go, hostPath
 * volumes become emptyDirs (mounts keep working), added capabilities keep only baseline's defaults.
 */
export function hardenToBaseline(spec: PodSpec): void {
  spec.hostNetwork = undefined;
  spec.hostPID = undefined;
  spec.hostIPC = undefined;
  for (const volume of spec.volumes ?? []) {
    if (!volume.hostPath) continue;
    volume.hostPath = undefined;
    volume.emptyDir = {};
  }
  if (spec.securityContext?.windowsOptions) spec.securityContext.windowsOptions.hostProcess = undefined;
  if (spec.securityContext?.seccompProfile?.type === "Unconfined")
    spec.securityContext.seccompProfile = undefined;
  for (const c of [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ]) {
    for (const port of c.ports ?? []) port.hostPort = undefined;
    const sc = c.securityContext;
    if (!sc) continue;
    sc.privileged = undefined;
    if (sc.procMount && sc.procMount !== "Default") sc.procMount = undefined;
    if (sc.windowsOptions) sc.windowsOptions.hostProcess = undefined;
    if (sc.seccompProfile?.type === "Unconfined") sc.seccompProfile = undefined;
    if (sc.capabilities?.add)
      sc.capabilities.add = sc.capabilities.add.filter((cap) => BASELINE_CAPABILITIES.has(cap));
  }
}

/** An object as one would apply it: no status, no server-set metadata. */
function strip<T extends KubeObject>(object: T): T {
  const { status: _status, ...rest } = object as T & { status?: unknown };
  const {
    uid: _u,
    resourceVersion: _r,
    creationTimestamp: _c,
    managedFields: _m,
    generation: _g,
    ...metadata
  } = object.metadata;
  return JSON.parse(JSON.stringify({ ...rest, metadata })) as T;
}

const FIXED: Origin = { file: "<fixed>", line: 0, column: 0 };

/** The snapshot as the cluster would be once the plan is applied (objects replaced by key, deletions removed). */
export function applyFixPlan(snapshot: Snapshot, plan: FixPlan): Snapshot {
  const deleted = new Set(
    plan.fixes
      .flatMap((f) => f.delete)
      .map((r) => objectKey({ kind: r.kind, metadata: { name: r.name, namespace: r.namespace } })),
  );
  const replaced = new Map<string, Manifest>();
  for (const m of plan.fixes.flatMap((f) => f.apply)) replaced.set(objectKey(m), m);
  const kept = allObjects(snapshot).filter((o) => !deleted.has(objectKey(o)) && !replaced.has(objectKey(o)));
  // Each object goes through the same admission boundary as a source's, so the after-state is typed and
  // defaulted exactly as `audit` would read the applied manifests.
  const after = emptySnapshot();
  for (const value of [...kept, ...replaced.values()]) {
    const admitted = admit({
      value: JSON.parse(JSON.stringify(value)) as unknown,
      origin: FIXED,
      locate: () => FIXED,
    });
    if (admitted.type === "object") addObject(after, admitted.object);
  }
  // What was read but not modelled stays: a fix does not remove a Cilium or Calico policy.
  after.unmodelledPolicies = snapshot.unmodelledPolicies;
  return after;
}
