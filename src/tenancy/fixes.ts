/**
 * The manifest changes that close the breaches an audit found, without touching the inputs:
 * - network: every tenant namespace gets allow-within-tenant and allow-DNS NetworkPolicies (and the tenant
 *   label they select on). allow-within-tenant selects every pod in both directions, so it isolates them as a
 *   deny-all would: a deny-all next to it would change no connection (network.policy-shadowed), and none is
 *   written;
 * - node: every tenant namespace enforces Pod Security baseline (or its tenant's level), and each pod or
 *   workload that escapes to its node is rewritten to pass baseline (privileged, host namespaces, hostPath,
 *   extra capabilities… removed). A controlled pod is fixed in its controller's template (the top-most one
 *   read); a Pod's spec and a Job's template are immutable, so those are deleted and re-created (`recreate`).
 *   Where a tenant may relabel its namespace (patch/update on Namespace objects), admission policies that
 *   refuse weakening the Pod Security labels or moving the namespace to another tenant (the caller's
 *   `namespaceGuardrails`, when its server serves them);
 * - api: the subject that reaches across tenants is removed from the binding that grants it (the binding is
 *   deleted when no subject is left).
 * A finding someone accepted is not fixed (`acceptedNotFixed` counts them).
 * A plan is data: objects to apply and objects to delete. `applyFixPlan` shows what the cluster would be.
 * The objects are as `kubectl apply` takes them: a field the fix removes from an object that exists is
 * written as null (`applicable`), since a client-side apply removes only what its last-applied configuration
 * held — none, for an object it did not create.
 */

import { admit } from "../model/admission/admit.js";
import type { Finding, ObjectRef, Plane } from "../model/finding.js";
import { addObject } from "../model/kinds.js";
import type { KubeObject, Namespace, PodSpec, Workload } from "../model/objects.js";
import type { Origin } from "../model/origin.js";
import { allObjects, emptySnapshot, objectKey, type Snapshot } from "../model/snapshot.js";
import { podTemplateOf } from "../model/workloads.js";
import { BASELINE_CAPABILITIES } from "../podsecurity/checks/capabilitiesBaseline.js";
import { canEscapeToNode, LEVELS, namespacePolicy } from "../podsecurity/index.js";
import { type Binding, buildPolicy } from "../rbac/policy.js";
import { type ApiPlane, apiPlane, namespacePatchers } from "./api-plane.js";
import type { AuditReport } from "./audit.js";
import { podSecurityLabels, TENANT_LABEL, tenantManifests } from "./guardrails.js";
import { ALL_TENANTS } from "./matrix.js";
import { PLATFORM, type Tenancy } from "./tenants.js";

type Manifest = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string } };

export interface Fix {
  plane: Plane;
  /** What it closes, for people. */
  reason: string;
  apply: Manifest[];
  delete: ObjectRef[];
  /**
   * Objects of `apply` the API server will not change in place (a Pod's spec, a Job's template): delete them
   * before the apply, which creates them anew.
   */
  recreate: ObjectRef[];
  /**
   * Pods whose controller does not replace them when its template changes (ReplicaSet, ReplicationController,
   * an OnDelete DaemonSet or StatefulSet): delete them after the apply, and the controller re-creates them
   * from the fixed template.
   */
  restart: ObjectRef[];
}

export interface FixPlan {
  fixes: Fix[];
  /** Accepted findings whose fix was left out (an expired acceptance is fixed). */
  acceptedNotFixed: number;
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
  /**
   * The admission policies that refuse weakening a namespace's Pod Security labels and moving it to another
   * tenant (kubefence's namespace-pod-security and namespace-tenant ValidatingAdmissionPolicies and their
   * bindings), written where a tenant may relabel its namespace; undefined when the server serves none.
   */
  namespaceGuardrails?: Manifest[];
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
  const acceptance = acceptedFindings(report.findings);
  const fix = (f: Omit<Fix, "recreate" | "restart"> & Partial<Fix>) =>
    fixes.push({ recreate: [], restart: [], ...f });

  if (breached("network") || breached("node")) {
    const existing = new Set([
      ...snapshot.networkPolicies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
      ...snapshot.clusterNetworkPolicies.map((p) => `${p.kind}/${p.metadata.name}`),
    ]);
    // A live read lists the whole cluster: with no DNS pod or Service in it there is no cluster DNS, and an
    // allow-DNS policy would allow nothing (network.peer-matches-nothing). Manifests may leave DNS out.
    const clusterDns =
      snapshot.serverVersion === undefined ||
      snapshot.services.some(
        (s) => s.metadata.namespace === "kube-system" && s.metadata.name === "kube-dns",
      ) ||
      snapshot.pods.some(
        (p) => p.metadata.namespace === "kube-system" && p.metadata.labels?.["k8s-app"] === "kube-dns",
      );
    for (const tenant of tenants) {
      const level = tenant.spec?.podSecurity ?? "baseline";
      const apply: Manifest[] = [];
      // Per namespace, what its findings leave to fix: an accepted one is left as it is.
      const isolate = new Set<string>();
      let podSecurity = false;
      for (const name of tenant.namespaces) {
        const ns = namespaces.get(name);
        if (!ns) continue;
        const labels = { ...ns.metadata.labels, [tenantLabel]: tenant.name };
        const network = breached("network") && acceptance.fix("network", name);
        if (network) isolate.add(name);
        if (
          breached("node") &&
          enforcesLessThan(ns, level) &&
          acceptance.fix("node", name, { kind: "Namespace", name })
        ) {
          Object.assign(labels, podSecurityLabels(level, version));
          podSecurity = true;
        }
        if (!sameLabels(labels, ns.metadata.labels ?? {}))
          apply.push({ ...strip(ns), metadata: { ...strip(ns).metadata, labels } } as Manifest);
      }
      if (isolate.size > 0) {
        const generated = tenantManifests({
          name: tenant.name,
          namespaces: tenant.namespaces.filter((n) => isolate.has(n)),
          owners: [],
          level,
          version,
          quota: {},
          tenantLabel,
          isolation,
        });
        for (const m of generated as Manifest[]) {
          // allow-within-tenant isolates every pod both ways: a deny-all beside it would change nothing.
          if (m.kind === "NetworkPolicy" && m.metadata.name === DENY_ALL) continue;
          if (m.kind === "NetworkPolicy" && m.metadata.name === ALLOW_DNS && !clusterDns) continue;
          if (m.kind === "NetworkPolicy" && !existing.has(`${m.metadata.namespace}/${m.metadata.name}`))
            apply.push(m);
          if (m.kind === "ClusterNetworkPolicy" && !existing.has(`${m.kind}/${m.metadata.name}`))
            apply.push(m);
        }
      }
      if (apply.length > 0)
        fix({
          plane: isolate.size > 0 ? "network" : "node",
          reason: `isolate tenant ${tenant.name}: tenant label${podSecurity ? `, Pod Security ${level}` : ""}${isolate.size > 0 ? (isolation === "cluster-policy" ? ", an Admin ClusterNetworkPolicy denying every other namespace" : clusterDns ? ", allow-within-tenant (which denies everything else) and allow-DNS NetworkPolicies" : ", an allow-within-tenant NetworkPolicy, which denies everything else (no allow-DNS: the cluster read has no DNS)") : ""}`,
          apply,
          delete: [],
        });
    }
  }

  const controllers = new Map(snapshot.workloads.map((w) => [refKey(w), w]));
  const controllerOf = (object: KubeObject & { metadata: { namespace?: string } }) => {
    const owner = object.metadata.ownerReferences?.find((o) => o.controller);
    return owner
      ? controllers.get(`${owner.kind}\u0000${object.metadata.namespace ?? ""}\u0000${owner.name}`)
      : undefined;
  };
  for (const object of [...snapshot.pods, ...snapshot.workloads]) {
    const tenant = tenancy.tenantOf.get(object.metadata.namespace);
    if (!tenant || tenant === PLATFORM) continue;
    const spec = object.kind === "Pod" ? object.spec : podTemplateOf(object)?.spec;
    if (!spec || !canEscapeToNode(spec).some((e) => e.takeover)) continue;
    // A controlled object is fixed in its controller's template (the top-most controller read is fixed
    // itself); one whose controller was not read is left (the breach stays open, and is said): rewritten, its
    // controller would put the old spec back.
    if (object.metadata.ownerReferences?.some((o) => o.controller)) continue;
    const ref = refOf(object);
    if (!acceptance.fix("node", object.metadata.namespace, ref)) continue;
    const fixed = strip(object);
    const fixedSpec = fixed.kind === "Pod" ? fixed.spec : podTemplateOf(fixed as Workload)?.spec;
    if (fixedSpec) hardenToBaseline(fixedSpec);
    const where = `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
    if (object.kind === "Pod" || object.kind === "Job") {
      if (object.kind === "Job") forgetGeneratedSelector(fixed as Workload);
      fix({
        plane: "node",
        reason: `${where} escapes to its node: rewritten to pass Pod Security baseline (${object.kind === "Pod" ? "a Pod's spec" : "a Job's template"} is immutable: delete it first, the apply re-creates it)`,
        apply: [fixed as unknown as Manifest],
        delete: [],
        recreate: [ref],
      });
      continue;
    }
    const restart = keepsOldPods(object as Workload)
      ? snapshot.pods.filter((p) => controllerOf(p) === object).map(refOf)
      : [];
    fix({
      plane: "node",
      reason: `${where} escapes to its node: its pod template rewritten to pass Pod Security baseline${restart.length > 0 ? ` (its controller does not replace running pods: delete ${restart.length === 1 ? "its pod" : `its ${restart.length} pods`} after the apply)` : ""}`,
      apply: [applicable(strip(object), fixed) as unknown as Manifest],
      delete: [],
      restart,
    });
  }

  const api = apiPlane(buildPolicy(snapshot), tenancy);
  const relabel = relabelFix(api, tenancy, snapshot, options.namespaceGuardrails, acceptance);
  if (relabel) fix(relabel);
  for (const f of apiFixes(api)) {
    const binding = f.delete[0] ?? refOf(f.apply[0]!);
    if (acceptance.fix("api", binding.namespace, binding)) fix(f);
  }
  return { fixes, acceptedNotFixed: acceptance.skipped() };
}

const DENY_ALL = "default-deny-all";
const ALLOW_DNS = "allow-dns";

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/**
 * Which fixes the findings leave to make: a fix of an object (or of a namespace's isolation) is left out
 * when findings about it are accepted and none is open; the accepted findings so left are counted.
 */
function acceptedFindings(findings: readonly Finding[]) {
  const accepted = new Map<string, Finding[]>();
  const open = new Set<string>();
  const keys = (f: Finding): string[] => {
    const r = f.resource;
    if (!r) return [];
    const namespace = r.kind === "Namespace" ? r.name : r.namespace;
    return [
      `${f.plane}\u0000${refKey({ kind: r.kind, metadata: r })}`,
      ...(namespace !== undefined ? [`${f.plane}\u0000namespace\u0000${namespace}`] : []),
    ];
  };
  for (const f of findings)
    for (const key of keys(f)) {
      if (f.acceptance?.status === "accepted") accepted.set(key, [...(accepted.get(key) ?? []), f]);
      else open.add(key);
    }
  const skipped = new Set<Finding>();
  return {
    /** Whether to fix what findings of this id are about: not when every one is accepted. */
    fixId(id: string): boolean {
      const mine = findings.filter((f) => f.id === id);
      if (mine.length === 0 || mine.some((f) => f.acceptance?.status !== "accepted")) return true;
      for (const f of mine) skipped.add(f);
      return false;
    },
    /** Whether to fix `object` (or, without one, namespace `namespace`'s isolation) on `plane`. */
    fix(plane: Plane, namespace: string | undefined, object?: ObjectRef): boolean {
      const key = object
        ? `${plane}\u0000${refKey({ kind: object.kind, metadata: object })}`
        : `${plane}\u0000namespace\u0000${namespace ?? ""}`;
      const mine = accepted.get(key);
      if (!mine || open.has(key)) return true;
      for (const f of mine) skipped.add(f);
      return false;
    },
    skipped: () => skipped.size,
  };
}

function refKey(object: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${object.kind}\u0000${object.metadata.namespace ?? ""}\u0000${object.metadata.name}`;
}

function refOf(object: { kind: string; metadata: { name: string; namespace?: string } }): ObjectRef {
  return {
    kind: object.kind,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata.name,
  };
}

/**
 * Controllers that leave running pods as they are when the template changes: ReplicaSets and
 * ReplicationControllers always, DaemonSets and StatefulSets with the OnDelete strategy.
 */
function keepsOldPods(workload: Workload): boolean {
  if (workload.kind === "ReplicaSet" || workload.kind === "ReplicationController") return true;
  if (workload.kind === "DaemonSet") return workload.spec?.updateStrategy?.type === "OnDelete";
  if (workload.kind === "StatefulSet") return workload.spec?.updateStrategy?.type === "OnDelete";
  return false;
}

/**
 * A Job re-created from what the server returned: the selector and template labels the server generated
 * from the old Job's uid would match nothing (and the server refuses a selector it did not generate).
 */
function forgetGeneratedSelector(job: Workload): void {
  if (job.kind !== "Job" || job.spec?.manualSelector === true) return;
  if (job.spec) job.spec.selector = undefined;
  const metadata = job.spec?.template?.metadata;
  if (!metadata?.labels) return;
  metadata.labels = Object.fromEntries(
    Object.entries(metadata.labels).filter(([key]) => !GENERATED_JOB_LABELS.has(key)),
  );
}

const GENERATED_JOB_LABELS = new Set(["controller-uid", "batch.kubernetes.io/controller-uid"]);

/**
 * Where a tenant may patch or update its own Namespace, the labels the fix writes do not hold: it may lift
 * Pod Security (node escapes) or take another tenant's label. The namespace guardrails refuse both.
 */
function relabelFix(
  api: ApiPlane,
  tenancy: Tenancy,
  snapshot: Snapshot,
  guardrails: Manifest[] | undefined,
  acceptance: ReturnType<typeof acceptedFindings>,
): Omit<Fix, "recreate" | "restart"> | undefined {
  const who: string[] = [];
  for (const [row, byNamespace] of namespacePatchers(api, tenancy)) {
    if (row === PLATFORM) continue;
    for (const namespace of byNamespace.keys()) {
      const tenant = namespace === ALL_TENANTS ? ALL_TENANTS : tenancy.tenantOf.get(namespace);
      if (!tenant || tenant === PLATFORM) continue;
      const where = namespace === ALL_TENANTS ? "every namespace" : `namespace ${namespace}`;
      who.push(`${row}: ${where}`);
    }
  }
  if (who.length === 0 || !guardrails || !acceptance.fixId("rbac.patch-namespace")) return undefined;
  const existing = new Set(snapshot.admission.map((o) => `${o.kind}/${o.metadata.name}`));
  const apply = guardrails.filter((m) => !existing.has(`${m.kind}/${m.metadata.name}`));
  if (apply.length === 0) return undefined;
  return {
    plane: "node",
    reason: `tenants may relabel their own namespaces (${who.sort().join("; ")}), lifting Pod Security or joining another tenant: admission policies refuse both`,
    apply,
    delete: [],
  };
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
    if (remaining.length === 0)
      fixes.push({ plane: "api", reason, apply: [], delete: [ref], recreate: [], restart: [] });
    else
      fixes.push({
        plane: "api",
        reason,
        apply: [{ ...strip(binding), subjects: remaining } as Manifest],
        delete: [],
        recreate: [],
        restart: [],
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

/**
 * `fixed` as `kubectl apply` must see it to turn `original` into it: each field `original` has and `fixed`
 * does not is null (a client-side apply deletes a field the manifest sets to null, and otherwise only those
 * its last-applied configuration held). Lists of the same length are followed item by item (containers,
 * volumes and ports merge by name or port); a list that changed length is written whole.
 */
export function applicable(original: unknown, fixed: unknown): unknown {
  if (Array.isArray(original) && Array.isArray(fixed))
    return original.length === fixed.length ? fixed.map((item, i) => applicable(original[i], item)) : fixed;
  if (!isRecord(original) || !isRecord(fixed)) return fixed;
  // Keys are the cluster's (labels, annotations): entries, never assignment, so `__proto__` stays a key.
  const kept = Object.entries(fixed)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => [key, Object.hasOwn(original, key) ? applicable(original[key], value) : value]);
  const removed = Object.entries(original)
    .filter(([key, value]) => value !== undefined && (!Object.hasOwn(fixed, key) || fixed[key] === undefined))
    .map(([key]) => [key, null]);
  return Object.fromEntries([...kept, ...removed]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A manifest as the API server decodes it: a null field is one not set. */
export function withoutNulls<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v === null ? undefined : v))) as T;
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
  for (const m of plan.fixes.flatMap((f) => f.apply)) replaced.set(objectKey(m), withoutNulls(m));
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
