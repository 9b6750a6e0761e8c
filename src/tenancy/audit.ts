/**
 * `kubefence audit`: tenants, the three planes' breaches between them, and every engine's findings,
 * joined into one report. Pure: a snapshot and options in, a report out; renderers format it.
 */

import type { Finding, Plane, Severity } from "../model/finding.js";
import { SEVERITIES, severityRank } from "../model/finding.js";
import { UNMODELLED_POLICY_KINDS } from "../model/kinds.js";
import { DEFAULT_KUBE_VERSION, type KubeVersion } from "../model/kube-version.js";
import type { Namespace, PodSpec } from "../model/objects.js";
import { runRules } from "../model/rule.js";
import type { Snapshot } from "../model/snapshot.js";
import { POD_CONTROLLER_KINDS, WORKLOAD_KINDS } from "../model/workloads.js";
import { findingsOf } from "../network/findings.js";
import { analyzeNetwork, type NetworkModel } from "../network/model.js";
import type { NetworkOptions } from "../network/options.js";
import {
  type PodSecurityByNamespace,
  podSecurityByNamespace,
  podSecurityFindingsByNamespace,
} from "../podsecurity/by-namespace.js";
import {
  canEscapeToNode,
  namespacePolicy,
  type PodSecurityConfig,
  type PodSecurityOptions,
  podSecurityAdmissionOf,
  podSecurityFindings,
} from "../podsecurity/index.js";
import { ADMISSION_RULES, NODE_RULES, podSecurityNotEnforced } from "../podsecurity/rules/index.js";
import { buildAuthorizer } from "../rbac/authorizer.js";
import { type RbacFindingsMemo, rbacFindings } from "../rbac/findings/index.js";
import {
  type Acceptance,
  type AcceptanceResult,
  annotationAcceptances,
  applyAcceptances,
} from "./acceptance.js";
import { addBorrowedBreaches, apiPlane, namespacePatchers, podCreators } from "./api-plane.js";
import type { SubjectRef } from "./config.js";
import { admissionGuards, type GuardrailMode } from "./enforcement.js";
import {
  breachList,
  compactBreachList,
  expandMatrix,
  firstBreaches,
  type MatrixCell,
  NO_TENANT,
  PLANES,
  type PlaneBreaches,
} from "./matrix.js";
import { networkPlane } from "./network-plane.js";
import { type NodePresence, nodePlane, nodePresence } from "./node-plane.js";
import { PLATFORM_RULES } from "./platforms/rules/index.js";
import type { Tenancy, Tenant } from "./tenants.js";

/** v1alpha2: a "*" entry of the breaches form may leave tenants out (`except`). */
export const AUDIT_API_VERSION = "kubefence.io/v1alpha2";

export interface PlaneSummary {
  /** Ordered tenant pairs with a breach on this plane. */
  breaches: number;
  /** Tenants reached by at least one other tenant (or by an identity of no tenant). */
  tenantsAffected: number;
  /** Ordered tenant pairs judged on this plane (0: nothing to judge, as with a single tenant). */
  cells: number;
  /**
   * Percentage of the plane's cells that are isolated, rounded down: 100 only when fully isolated. null when
   * there is nothing to judge, or when kinds the plane depends on could not be read (`unreadKinds`): no
   * percentage is claimed of what was not seen.
   */
  score: number | null;
  /** Kinds the source could not read that this plane depends on: its "isolated" verdicts may be wrong. */
  unreadKinds: string[];
  /** Set when some of the plane's verdicts may be wrong for what was read but not modelled (CNI policies). */
  incomplete?: string;
  /** With `incomplete`: the tenants whose every cell (row and column) it concerns; a pair of two others is judged. */
  incompleteTenants?: string[];
}

/** The kinds each plane's verdicts depend on. */
const PLANE_KINDS: Record<Plane, readonly string[]> = {
  api: ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "Namespace"],
  network: [
    "NetworkPolicy",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
    "ClusterNetworkPolicy",
    ...UNMODELLED_POLICY_KINDS.map((k) => `${k.kind}.${k.group}`),
    "Pod",
    "Namespace",
    ...POD_CONTROLLER_KINDS,
  ],
  node: ["Pod", "Node", "Namespace", ...WORKLOAD_KINDS, "RoleBinding", "ClusterRoleBinding"],
};

export interface AuditReport {
  apiVersion: typeof AUDIT_API_VERSION;
  kind: "AuditReport";
  tenants: {
    name: string;
    namespaces: string[];
    platform: boolean;
    owners: SubjectRef[];
    /** For a tenant a multi-tenancy platform defines (--tenants-from): which, by which object, acting as whom. */
    from?: Tenant["from"];
  }[];
  /**
   * `findings` counts every finding by severity, accepted ones included; `acceptance` counts the findings an
   * acceptance covers (`accepted`) and those whose acceptance has expired (`expired`, counted by --fail-on).
   */
  summary: {
    planes: Record<Plane, PlaneSummary>;
    findings: Record<Severity, number>;
    acceptance: { accepted: number; expired: number };
  };
  /** The matrix's rows: every non-platform tenant, then NO_TENANT when some unassigned identity reaches a tenant. */
  rows: string[];
  /**
   * "breaches" (the default): only breaches, where `from` or `to` may be "*" (every row, every column), so a
   * row-wide breach is listed once, and a "*" entry may leave tenants out (`except`), so a column nearly every
   * row reaches is listed once too; a pair not listed is isolated. "full" (asked for with `fullMatrix`): every
   * ordered pair on every plane, isolated or not.
   */
  matrixForm: "full" | "breaches";
  /** The matrix, as an explicit view: its cells are made when asked for (see MatrixView). */
  matrix: MatrixView;
  findings: Finding[];
  /** Every acceptance (tenants file, then annotations) with its status and how many findings it matches. */
  acceptances: AcceptanceResult[];
}

/**
 * The matrix of an audit. Cells are worked out from the planes' breaches when asked for, never held unless
 * asked: writing the matrix of thousands of tenants (millions of breaches) streams `cells()`, the text report
 * takes `breaches(limit)`, and what needs them all at once (the grid, the HTML heat-map, `fix`) takes `list()`.
 * Its JSON form is the list of cells, so the report serializes as the documented AuditReport.
 */
export interface MatrixView {
  /** Every cell, one at a time, each dropped once the caller moves on. */
  cells(): Iterable<MatrixCell>;
  /** Every cell, made once and kept. */
  list(): MatrixCell[];
  /** The first `limit` breaches (on `planes`, every plane by default), and how many there are, without making every cell. */
  breaches(limit: number, planes?: readonly Plane[]): { cells: MatrixCell[]; total: number };
  /** The breaches as the planes store them ("*" ends), whatever the form: what a compact view is made of. */
  stored(): Iterable<MatrixCell>;
  /** One ordered pair's cells on every plane (exact names, "*" resolved), whatever the form. */
  pair(from: string, to: string): MatrixCell[];
  /** The stored breaches' ends only (no cell, no evidence): what counts who reaches whom, fast. */
  breachEnds(): Iterable<[from: string, to: string, plane: Plane]>;
  /** The cells as `-o json|yaml` write them: `cells()`, except that the breaches form is compact (`except`). */
  document(): Iterable<MatrixCell>;
  /** One plane's breaches, the very object the audit made (a judgment that kept the plane keeps the object). */
  plane?(plane: Plane): PlaneBreaches;
  /** The list of `document()`. */
  toJSON(): MatrixCell[];
}

/**
 * A view over cells made by `make` (called once per pass); `breachCells` lists only the breaches, if cheaper,
 * and `first` the first breaches with their count, if cheaper still.
 */
export function matrixView(
  make: () => Iterable<MatrixCell>,
  breachCells: () => Iterable<MatrixCell> = () => [...make()].filter((c) => c.verdict === "breach"),
  pair: (from: string, to: string) => MatrixCell[] = (from, to) =>
    [...make()].filter((c) => c.from === from && c.to === to),
  breachEnds: () => Iterable<[string, string, Plane]> = function* () {
    for (const c of breachCells()) yield [c.from, c.to, c.plane];
  },
  first?: (limit: number, planes: readonly Plane[]) => { cells: MatrixCell[]; total: number },
  document?: () => Iterable<MatrixCell>,
  planes?: Record<Plane, PlaneBreaches>,
): MatrixView {
  let listed: MatrixCell[] | undefined;
  const list = () => {
    listed ??= [...make()];
    return listed;
  };
  return {
    cells: () => listed ?? make(),
    list,
    breaches(limit, planes = PLANES) {
      if (first) return first(limit, planes);
      const cells: MatrixCell[] = [];
      let total = 0;
      for (const cell of breachCells()) if (planes.includes(cell.plane) && total++ < limit) cells.push(cell);
      return { cells, total };
    },
    stored: breachCells,
    pair,
    breachEnds,
    document: () => (document ? document() : (listed ?? make())),
    ...(planes ? { plane: (plane: Plane) => planes[plane] } : {}),
    toJSON: () => (document ? [...document()] : list()),
  };
}

export interface PlaneResults {
  planes: Record<Plane, PlaneBreaches>;
  findings: Finding[];
  /** Whether some identity of no tenant reaches a tenant: then the matrix gets a `(no tenant)` row. */
  hasUnassigned: boolean;
  /** The acceptances the findings were judged against (./acceptance.ts). */
  acceptances?: AcceptanceResult[];
}

export function assembleReport(
  tenancy: Tenancy,
  results: PlaneResults,
  missingKinds: readonly string[] = [],
  fullMatrix = false,
): AuditReport {
  // The platform administers every tenant by design: it is a column (reaching it is a breach), not a row.
  const names = tenancy.tenants.map((t) => t.name);
  const tenantRows = tenancy.tenants.filter((t) => !t.platform).map((t) => t.name);
  const rows = results.hasUnassigned ? [...tenantRows, NO_TENANT] : tenantRows;
  const planes = {} as Record<Plane, PlaneSummary>;
  for (const plane of PLANES) {
    const { cells, breaches, tenantsAffected } = results.planes[plane].count(rows, names);
    const unreadKinds = PLANE_KINDS[plane].filter((kind) => missingKinds.includes(kind));
    planes[plane] = {
      breaches,
      tenantsAffected,
      cells,
      // No percentage of what was not read, nor of what was read but not modelled (CNI policies).
      score:
        cells === 0 || unreadKinds.length > 0 || results.planes[plane].incompleteNote
          ? null
          : Math.floor((100 * (cells - breaches)) / cells),
      unreadKinds,
      ...(results.planes[plane].incompleteNote
        ? {
            incomplete: results.planes[plane].incompleteNote,
            incompleteTenants: results.planes[plane].incompleteTenants?.() ?? names,
          }
        : {}),
    };
  }
  // By severity, then plane and id in locale order: ranked once per distinct id (localeCompare per comparison
  // would dominate sorting 100 000 findings).
  const ids = [...new Set(results.findings.map((f) => `${f.plane}\u0000${f.id}`))].sort((a, b) => {
    const [planeA, idA] = a.split("\u0000") as [string, string];
    const [planeB, idB] = b.split("\u0000") as [string, string];
    return planeA.localeCompare(planeB) || idA.localeCompare(idB);
  });
  const idRank = new Map(ids.map((key, i) => [key, i]));
  const rank = (f: Finding) => idRank.get(`${f.plane}\u0000${f.id}`)!;
  const findings = results.findings
    .map((f) => ({ f, severity: severityRank(f.severity), id: rank(f) }))
    .sort((a, b) => b.severity - a.severity || a.id - b.id)
    .map(({ f }) => f);
  const counts = Object.fromEntries(
    SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length]),
  ) as Record<Severity, number>;
  return {
    apiVersion: AUDIT_API_VERSION,
    kind: "AuditReport",
    tenants: tenancy.tenants.map((t) => ({
      name: t.name,
      namespaces: t.namespaces,
      platform: t.platform,
      owners: t.owners,
      ...(t.from ? { from: t.from } : {}),
    })),
    summary: {
      planes,
      findings: counts,
      acceptance: {
        accepted: findings.filter((f) => f.acceptance?.status === "accepted").length,
        expired: findings.filter((f) => f.acceptance?.status === "expired").length,
      },
    },
    rows,
    matrixForm: fullMatrix ? "full" : "breaches",
    matrix: matrixView(
      () => (fullMatrix ? expandMatrix(rows, names, results.planes) : breachList(results.planes)),
      () => breachList(results.planes),
      (from, to) => [...expandMatrix([from], [to], results.planes)],
      function* () {
        for (const plane of PLANES)
          for (const [from, to] of results.planes[plane].stored()) yield [from, to, plane];
      },
      (limit, shown) => firstBreaches(results.planes, shown, limit),
      fullMatrix ? undefined : () => compactBreachList(results.planes),
      results.planes,
    ),
    findings,
    acceptances: results.acceptances ?? [],
  };
}

export interface AuditOptions {
  podSecurity?: PodSecurityOptions;
  network?: NetworkOptions;
  /**
   * The server version manifests are judged as (`--kube-version`; default the latest known): before 1.23 no
   * Pod Security admission runs by default, so no namespace label keeps a pod out. A live snapshot is judged
   * as its server's version, unless the server itself said whether the plugin runs (`podSecurityAdmission`).
   */
  kubeVersion?: KubeVersion;
  /**
   * The kubefence webhook's guardrail modes (the tenants file's `guardrails:` section); a guardrail not listed
   * enforces. Only enforced guardrails of a registered webhook or bound policy count (./enforcement.ts).
   */
  guardrailModes?: ReadonlyMap<string, GuardrailMode>;
  /**
   * Accepted risks: the tenants file's (`accepted`) and the snapshot's kubefence.io/accept annotations, judged
   * at `now` (the caller's clock: engines read none). Without `now` nothing is accepted.
   */
  accepted?: readonly Acceptance[];
  now?: Date;
  /** List every ordered pair, isolated or not (`--full-matrix`), instead of the breaches alone. */
  fullMatrix?: boolean;
  /** Told as each phase starts (the API plane, the network plane, …), for a progress line. */
  onPhase?: (phase: string) => void;
  /**
   * The network analysis of this snapshot, already made (the controller keeps it while no kind the network
   * reads has changed: NETWORK_INPUT_FIELDS). Must be `analyzeNetwork(snapshot, options.network)`.
   */
  networkModel?: NetworkModel;
  /** What the previous judgment made, to keep what this snapshot's unchanged objects make again (AuditMemo). */
  memo?: AuditMemo;
}

/**
 * The Snapshot fields the network analysis reads (src/network reads no other): a change elsewhere (RBAC,
 * ServiceAccounts, admission configuration, platform objects) leaves `analyzeNetwork`'s answer as it was.
 */
export const NETWORK_INPUT_FIELDS: ReadonlySet<string> = new Set([
  "namespaces",
  "nodes",
  "pods",
  "services",
  "workloads",
  "networkPolicies",
  "clusterNetworkPolicies",
  "unmodelledPolicies",
]);

/** findingsOf(model), made once per model: the controller reuses a model across judgments (`networkModel`). */
const networkFindings = new WeakMap<NetworkModel, readonly Finding[]>();
function networkFindingsOf(model: NetworkModel): readonly Finding[] {
  let findings = networkFindings.get(model);
  if (!findings) {
    findings = findingsOf(model);
    networkFindings.set(model, findings);
  }
  return findings;
}

/**
 * podSecurityFindings, made once per network model: Pod Security reads namespaces, nodes, pods and workloads,
 * all of them NETWORK_INPUT_FIELDS, so a model reused (nothing the network reads changed) means the same answer.
 */
const DEFAULT_POD_SECURITY: PodSecurityOptions = Object.freeze({});
const podSecurityMemo = new WeakMap<NetworkModel, { options: PodSecurityOptions; findings: Finding[] }>();
function podSecurityOf(
  snapshot: Snapshot,
  options: PodSecurityOptions,
  model: NetworkModel,
  byNamespace?: PodSecurityByNamespace,
): Finding[] {
  const memo = podSecurityMemo.get(model);
  if (memo && memo.options === options) return memo.findings;
  const findings = byNamespace
    ? podSecurityFindingsByNamespace(snapshot, options, byNamespace)
    : podSecurityFindings(snapshot, options);
  podSecurityMemo.set(model, { options, findings });
  return findings;
}

/**
 * What one judgment may keep for the next (the controller's Judge, src/controller/judge.ts), each entry keyed
 * by the very objects it was made of: a watch replaces a changed object and keeps the others, so what was made
 * of unchanged objects is made the same again. A fresh memo (a full judgment) reuses nothing.
 */
export interface AuditMemo {
  /** Why a pod of this spec owns its node. */
  escapes: WeakMap<PodSpec, string[]>;
  /** networkPlane(model, tenancy), for the tenancy last judged with the model. */
  networkPlanes: WeakMap<NetworkModel, { tenancy: Tenancy; breaches: PlaneBreaches }>;
  /** Each binding's RBAC findings. */
  rbac: RbacFindingsMemo;
  /** The Pod Security findings of each namespace, with the very objects they were made of. */
  podSecurity: PodSecurityByNamespace;
  /** The node presence last made, with the very objects it was made of. */
  nodePresence?: {
    of: [Snapshot["pods"], Snapshot["workloads"], Snapshot["nodes"]];
    tenancy: Tenancy;
    presence: NodePresence;
  };
}

export function auditMemo(): AuditMemo {
  return {
    escapes: new WeakMap(),
    networkPlanes: new WeakMap(),
    rbac: new WeakMap(),
    podSecurity: podSecurityByNamespace(),
  };
}

/** Whether two lists hold the very same objects in the same order. */
function sameObjects(a: readonly object[], b: readonly object[]): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
}

/** nodePresence, kept while the pods, workloads, nodes and tenancy are the very ones it was made of. */
function nodePresenceOf(snapshot: Snapshot, tenancy: Tenancy, memo: AuditMemo): NodePresence {
  const of: [Snapshot["pods"], Snapshot["workloads"], Snapshot["nodes"]] = [
    snapshot.pods,
    snapshot.workloads,
    snapshot.nodes,
  ];
  const known = memo.nodePresence;
  if (known && known.tenancy === tenancy && known.of.every((list, i) => sameObjects(list, of[i]!)))
    return known.presence;
  memo.nodePresence = undefined; // not held while the new one is made
  const presence = nodePresence(snapshot, tenancy, (spec) => escapesOf(spec, memo));
  memo.nodePresence = { of, tenancy, presence };
  return presence;
}

function networkPlaneOf(model: NetworkModel, tenancy: Tenancy, memo: AuditMemo): PlaneBreaches {
  const known = memo.networkPlanes.get(model);
  if (known?.tenancy === tenancy) return known.breaches;
  const breaches = networkPlane(model, tenancy);
  memo.networkPlanes.set(model, { tenancy, breaches });
  return breaches;
}

function escapesOf(spec: PodSpec, memo: AuditMemo): string[] {
  let why = memo.escapes.get(spec);
  if (!why) {
    const evidence = canEscapeToNode(spec);
    why = evidence.some((e) => e.takeover) ? evidence.map((e) => e.summary) : [];
    memo.escapes.set(spec, why);
  }
  return why;
}

/** Findings that hold only where Pod Security admission enforces the namespace's label. */
const ENFORCED_ONLY = new Set(NODE_RULES.filter((r) => r.needsPodSecurityAdmission).map((r) => r.id));

/** Every plane and every engine's findings for the tenants on this snapshot. */
export function runAudit(snapshot: Snapshot, tenancy: Tenancy, options: AuditOptions = {}): AuditReport {
  const phase = options.onPhase ?? (() => {});
  const memo = options.memo ?? auditMemo();
  const tenants = `${tenancy.tenants.length} tenant${tenancy.tenants.length === 1 ? "" : "s"}`;
  phase(`API plane: RBAC between ${tenants}`);
  const authorizer = buildAuthorizer(snapshot);
  const api = apiPlane(authorizer.policy, tenancy);
  addBorrowedBreaches(api, snapshot, tenancy);
  const podSecurity = options.podSecurity ?? DEFAULT_POD_SECURITY;
  const admission = podSecurityAdmissionOf(
    options.kubeVersion ?? DEFAULT_KUBE_VERSION,
    snapshot.podSecurityAdmission,
  );
  const guards = admissionGuards(snapshot, tenancy, admission.enforced, options.guardrailModes);
  phase(`node plane: node escapes between ${tenants}`);
  const node = nodePlane(
    snapshot,
    tenancy,
    {
      escapes: (spec) => escapesOf(spec, memo),
      admitsEscapes: (namespace) =>
        admission.enforced
          ? admitsEscapes(namespace, podSecurity.config)
          : {
              admits: true,
              why: `nothing enforces namespace ${namespace.metadata.name}'s Pod Security labels: ${admission.reason}`,
            },
      podCreators: podCreators(api, tenancy),
      namespacePatchers: namespacePatchers(api, tenancy),
      refusesEscapes: guards.refusesEscapes,
      refusesRelabel: guards.refusesRelabel,
    },
    nodePresenceOf(snapshot, tenancy, memo),
  );
  phase(`network plane: NetworkPolicy reachability between ${snapshot.pods.length} pods`);
  const network = options.networkModel ?? analyzeNetwork(snapshot, options.network);
  const networkBreaches = networkPlaneOf(network, tenancy, memo);
  phase("findings: RBAC, network and Pod Security rules");
  const findings = [
    ...rbacFindings(snapshot, authorizer, memo.rbac),
    ...networkFindingsOf(network),
    ...(admission.enforced
      ? podSecurityOf(snapshot, podSecurity, network, options.memo?.podSecurity)
      : [
          ...runRules([podSecurityNotEnforced], {
            snapshot,
            reason: admission.reason,
            probed: snapshot.podSecurityAdmission?.active === false,
          }),
          ...podSecurityOf(snapshot, podSecurity, network, options.memo?.podSecurity).filter(
            (f) => !ENFORCED_ONLY.has(f.id),
          ),
        ]),
    ...runRules(ADMISSION_RULES, guards.report()),
    // What each multi-tenancy platform leaves open (only for tenants a platform defines, --tenants-from).
    ...runRules(PLATFORM_RULES, {
      snapshot,
      tenancy,
      api,
      policy: authorizer.policy,
      podSecurity: podSecurity.config,
    }),
  ];
  phase("summing up the matrix");
  const hasUnassigned = api.breaches.hasRow(NO_TENANT) || node.hasRow(NO_TENANT);
  let judged: { findings: Finding[]; acceptances?: AcceptanceResult[] } = { findings };
  if (options.now) {
    const annotated = annotationAcceptances(snapshot);
    judged = applyAcceptances(
      findings,
      [...(options.accepted ?? []), ...annotated.accepted],
      annotated.invalid,
      tenancy,
      options.now,
    );
  }
  return assembleReport(
    tenancy,
    {
      planes: { api: api.breaches, network: networkBreaches, node },
      ...judged,
      hasUnassigned,
    },
    snapshot.missingKinds,
    options.fullMatrix,
  );
}

/** Baseline and restricted forbid every node escape the standard names; privileged (or no label) admits them. */
function admitsEscapes(
  namespace: Namespace,
  config: PodSecurityConfig | undefined,
): { admits: boolean; why: string } {
  const policy = namespacePolicy(namespace, config);
  const name = namespace.metadata.name;
  if (policy.exempt) return { admits: true, why: `namespace ${name} is exempt from Pod Security admission` };
  if (policy.enforce.level !== "privileged") return { admits: false, why: "" };
  return {
    admits: true,
    why: policy.enforceLabelled
      ? `namespace ${name} enforces Pod Security "privileged"`
      : `namespace ${name} has no pod-security.kubernetes.io/enforce label, so Pod Security admits anything`,
  };
}
