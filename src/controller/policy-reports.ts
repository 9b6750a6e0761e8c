/**
 * The audit as PolicyReports (wgpolicyk8s.io/v1alpha2, the Policy WG's API that Policy Reporter and Kyverno's
 * UI read): one PolicyReport per tenant namespace, one ClusterPolicyReport for the rest. Pure: a report in,
 * the objects that should exist out; ./reconcile.ts compares them with what does.
 *
 * Mapping: one result per finding (policy = the finding id, rule = the finding id, category = its plane,
 * severity as is: the CRD's enum is kubefence's), result `fail`, `warn` for an info finding, `skip` for an
 * accepted one (never hidden: the acceptance is in its properties); the finding's object as `resources`; the
 * evidence chain, subject, object, fix and acceptance as `properties`. Each tenant namespace's report also gets
 * one `kubefence.isolation` result per plane: pass (no other tenant reaches it), fail (who does), or error
 * (kinds that plane depends on could not be read). A finding goes to the report of the namespace of its object
 * when that namespace belongs to a tenant, else to the ClusterPolicyReport.
 *
 * No report exceeds MAX_REPORT_BYTES (etcd refuses objects over 1.5 MiB; the Policy WG asks for 1 MiB): results
 * are split across `kubefence`, `kubefence-2`, … in a stable order. Names are fixed, so a restart or a second
 * replica updates the same objects instead of adding new ones.
 */
import type { Finding, Plane, Severity } from "../model/finding.js";
import { apiVersionOf, kindInfo } from "../model/kinds.js";
import type { AuditReport } from "../tenancy/audit.js";
import { ALL_TENANTS, PLANES, type PlaneBreaches } from "../tenancy/matrix.js";

export const POLICY_REPORT_API_VERSION = "wgpolicyk8s.io/v1alpha2";
export const REPORT_NAME = "kubefence";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "kubefence";
/** Below the Policy WG's 1 MiB; metadata and summary fit in what is left. */
export const MAX_REPORT_BYTES = 1024 * 1024 - 16 * 1024;

export type PolicyResultValue = "pass" | "fail" | "warn" | "error" | "skip";

export interface PolicyReportResult {
  source: "kubefence";
  policy: string;
  rule: string;
  category: string;
  severity?: Severity;
  result: PolicyResultValue;
  message: string;
  scored: true;
  resources?: { apiVersion?: string; kind: string; name: string; namespace?: string }[];
  properties?: Record<string, string>;
}

export interface PolicyReportObject {
  apiVersion: typeof POLICY_REPORT_API_VERSION;
  kind: "PolicyReport" | "ClusterPolicyReport";
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  scope?: { apiVersion: "v1"; kind: "Namespace"; name: string };
  summary: Record<PolicyResultValue, number>;
  results: PolicyReportResult[];
}

export interface PolicyReportOptions {
  /** Largest serialized report (default MAX_REPORT_BYTES). */
  maxBytes?: number;
  /** What the previous call made, to remake only the reports whose results changed (the controller's). */
  cache?: PolicyReportCache;
}

/** A result with what ordering and splitting it needs, made once per distinct result. */
interface Prepared {
  result: PolicyReportResult;
  /** Its serialized size, with a separator. */
  bytes: number;
  /** resultKey of it (what the cache finds equal results by). */
  key: number;
}

/** What a tenant's isolation result on a plane is made of (see isolationResult). */
interface IsolationInput {
  tenant: string;
  plane: Plane;
  /** Who reaches this tenant: the first few (SHOWN), and how many. */
  own: Reachers;
  /** Who reaches every tenant (this one itself aside: `self`). */
  everyone: readonly string[];
  self: boolean;
  unread: readonly string[];
  incomplete?: string;
}

interface Isolation {
  /** Its input, `everyone` left out (it is kept once per plane). */
  input: IsolationInput;
  prepared: Prepared;
}

function sameStrings(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * What policyReports made last, so that a judgment which changed few results remakes few reports: a result is
 * made once per finding (by identity: the audit keeps the findings a change cannot touch) or else once per
 * distinct content, and a namespace's reports are kept, the very objects, while its results are the very same
 * ones. Kept objects let reconcileReports see an unchanged report without comparing its content. Exact: a
 * report is reused only when it would be made again from identical results.
 */
export class PolicyReportCache {
  private byFinding = new WeakMap<Finding, Prepared>();
  private reachOf = new WeakMap<PlaneBreaches, Reach>();
  private byContent = new Map<number, Prepared[]>();
  private reports = new Map<string, { results: Prepared[]; reports: PolicyReportObject[] }>();
  /** Each tenant's isolation result per plane, with what it was made of (by `plane\0tenant`). */
  private isolations = new Map<string, Isolation>();
  /** Who reached every tenant, per plane, at the last pass. */
  private everyone = new Map<Plane, readonly string[]>();
  /** Each report's results in order, with the results they were ordered from (by namespace, "" the cluster's). */
  private sorted = new Map<string, { from: Prepared[]; sorted: Prepared[] }>();
  private maxBytes: number | undefined;

  /** Starts a pass; returns the pass's lookups. */
  pass(maxBytes: number) {
    if (this.maxBytes !== maxBytes) {
      this.maxBytes = maxBytes;
      this.reports = new Map();
    }
    const previousContent = this.byContent;
    const content = new Map<number, Prepared[]>();
    const previousReports = this.reports;
    const reports = new Map<string, { results: Prepared[]; reports: PolicyReportObject[] }>();
    // Found by a hash of a few of the result's fields (not its JSON, which would be hundreds of megabytes of keys
    // on a large cluster, nor a digest of it, which costs writing every result out): a match is taken only when
    // the results are equal, so still exact.
    const byContent = (result: PolicyReportResult): Prepared => {
      const key = resultKey(result);
      const bucket = content.get(key);
      const made = bucket?.find((p) => sameJson(p.result, result));
      if (made) return made;
      const prepared = previousContent.get(key)?.find((p) => sameJson(p.result, result)) ?? {
        result,
        bytes: Buffer.byteLength(JSON.stringify(result)) + 1,
        key,
      };
      if (bucket) bucket.push(prepared);
      else content.set(key, [prepared]);
      return prepared;
    };
    const keep = (prepared: Prepared) => {
      const bucket = content.get(prepared.key);
      if (!bucket) content.set(prepared.key, [prepared]);
      else if (!bucket.includes(prepared)) bucket.push(prepared);
    };
    const previousIsolations = this.isolations;
    const isolations = new Map<string, Isolation>();
    const previousEveryone = this.everyone;
    const everyoneNow = new Map<Plane, readonly string[]>();
    const sameEveryone = new Map<Plane, boolean>();
    const previousSorted = this.sorted;
    const sorted = new Map<string, { from: Prepared[]; sorted: Prepared[] }>();
    return {
      /** Who reaches whom on a plane: kept with the plane's breaches, when the audit kept those. */
      reach: (report: AuditReport, plane: Plane): Reach => {
        const breaches = report.matrix.plane?.(plane);
        if (!breaches) return reachOf(ends(report.matrix.breachEnds(), plane));
        let known = this.reachOf.get(breaches);
        if (!known) {
          const who = breaches.whoReaches?.(SHOWN);
          known = who
            ? { byTenant: who.byColumn, everyone: who.toEveryone, everyoneSet: new Set(who.toEveryone) }
            : reachOf(ends(breaches.stored(), undefined));
          this.reachOf.set(breaches, known);
        }
        return known;
      },
      /**
       * A tenant's isolation result on a plane: the one made before when it would be made of the same (who
       * reaches the tenant, who reaches everyone, what could not be read), else made again.
       */
      isolation: (input: IsolationInput): Prepared => {
        const key = `${input.plane}\u0000${input.tenant}`;
        const made = isolations.get(key);
        if (made) return made.prepared;
        if (!everyoneNow.has(input.plane)) {
          everyoneNow.set(input.plane, input.everyone.slice());
          sameEveryone.set(input.plane, sameStrings(previousEveryone.get(input.plane), input.everyone));
        }
        const known = previousIsolations.get(key);
        if (
          known &&
          sameEveryone.get(input.plane) &&
          known.input.self === input.self &&
          known.input.incomplete === input.incomplete &&
          known.input.own.count === input.own.count &&
          sameStrings(known.input.own.first, input.own.first) &&
          sameStrings(known.input.unread, input.unread)
        ) {
          isolations.set(key, known);
          keep(known.prepared);
          return known.prepared;
        }
        const prepared = byContent(isolationResult(input));
        isolations.set(key, {
          input: { ...input, unread: input.unread.slice(), everyone: [] },
          prepared,
        });
        return prepared;
      },
      /** A report's results in order: the order made before when they are the very same results, in the same order. */
      sorted: (namespace: string, results: Prepared[]): Prepared[] => {
        const known = previousSorted.get(namespace);
        const same =
          known !== undefined &&
          known.from.length === results.length &&
          known.from.every((r, i) => r === results[i]);
        const ordered = same ? known.sorted : sortResults(results.slice());
        sorted.set(namespace, { from: results, sorted: ordered });
        return ordered;
      },
      finding: (f: Finding): Prepared => {
        let prepared = this.byFinding.get(f);
        if (!prepared) {
          prepared = byContent(findingResult(f));
          this.byFinding.set(f, prepared);
        }
        return prepared;
      },
      /** The reports of one namespace ("" and no namespace: the cluster's), kept when its results are. */
      reports: (kind: PolicyReportObject["kind"], results: Prepared[], namespace?: string) => {
        const key = namespace ?? "";
        const before = previousReports.get(key);
        const same =
          before !== undefined &&
          before.results.length === results.length &&
          before.results.every((r, i) => r === results[i]);
        const made = same ? before.reports : split(kind, results, maxBytes, namespace);
        reports.set(key, { results, reports: made });
        return made;
      },
      end: () => {
        this.byContent = content;
        this.reports = reports;
        this.isolations = isolations;
        this.everyone = everyoneNow;
        this.sorted = sorted;
      },
    };
  }
}

/** FNV-1a over the fields results most often differ by: equal results have equal keys. */
function resultKey(r: PolicyReportResult): number {
  let h = 0x811c9dc5;
  const add = (text: string) => {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0, 0x01000193);
  };
  add(r.policy);
  add(r.result);
  add(r.message);
  for (const o of r.resources ?? []) {
    add(o.kind);
    add(o.namespace ?? "");
    add(o.name);
  }
  return h >>> 0;
}

/** Whether two results' JSON is the same (key order included), without making it: plain data only. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i]) return false;
    if (!sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** How many sources an isolation result names. */
const SHOWN = 5;

/** Who reaches a tenant: the first SHOWN (in the plane's order), and how many in all. */
interface Reachers {
  first: string[];
  count: number;
}

const NO_REACHERS: Reachers = Object.freeze({ first: [], count: 0 }) as Reachers;

/** Who reaches each tenant on one plane, and who reaches every tenant ("*"). */
interface Reach {
  byTenant: Map<string, Reachers>;
  everyone: string[];
  everyoneSet: Set<string>;
}

/** The [from, to] of breaches (of one plane, when given). */
function* ends(
  breaches: Iterable<[from: string, to: string, plane: unknown]>,
  plane: Plane | undefined,
): Iterable<[string, string]> {
  for (const [from, to, of] of breaches) if (plane === undefined || of === plane) yield [from, to];
}

/** Who reaches each tenant, from the breaches' ends (what PlaneBreaches.whoReaches answers without them). */
function reachOf(breaches: Iterable<[from: string, to: string]>): Reach {
  const byTenant = new Map<string, Reachers>();
  const everyone: string[] = [];
  for (const [from, to] of breaches) {
    if (to === ALL_TENANTS) {
      everyone.push(from);
      continue;
    }
    const reachers = byTenant.get(to);
    if (!reachers) byTenant.set(to, { first: [from], count: 1 });
    else if (reachers.count++ < SHOWN) reachers.first.push(from);
  }
  return { byTenant, everyone, everyoneSet: new Set(everyone) };
}

export function policyReports(report: AuditReport, options: PolicyReportOptions = {}): PolicyReportObject[] {
  const maxBytes = options.maxBytes ?? MAX_REPORT_BYTES;
  const pass = (options.cache ?? new PolicyReportCache()).pass(maxBytes);
  // Namespace → its results; only tenant namespaces get a report of their own.
  const byNamespace = new Map<string, Prepared[]>();
  const tenantOf = new Map<string, string>();
  for (const tenant of report.tenants)
    if (!tenant.platform)
      for (const ns of tenant.namespaces) {
        byNamespace.set(ns, []);
        tenantOf.set(ns, tenant.name);
      }
  const cluster: Prepared[] = [];

  // Who reaches each tenant, per plane; those that reach every tenant ("*") kept once, not per tenant.
  const reach = new Map(PLANES.map((plane) => [plane, pass.reach(report, plane)]));
  for (const [ns, results] of byNamespace) {
    const tenant = tenantOf.get(ns)!;
    for (const plane of PLANES) {
      const summary = report.summary.planes[plane];
      const { byTenant, everyone, everyoneSet } = reach.get(plane)!;
      const own = byTenant.get(tenant) ?? NO_REACHERS;
      const self = everyoneSet.has(tenant);
      // Read but not modelled (Cilium, Calico): this tenant's verdicts may be wrong either way.
      const incomplete =
        summary.incomplete && (summary.incompleteTenants?.includes(tenant) ?? true)
          ? summary.incomplete
          : undefined;
      results.push(
        pass.isolation({
          tenant,
          plane,
          own,
          everyone,
          self,
          unread: summary.unreadKinds,
          ...(incomplete ? { incomplete } : {}),
        }),
      );
    }
  }
  for (const finding of report.findings) {
    // A finding about a Namespace (its Pod Security labels) belongs to that namespace's report.
    const ns = finding.resource?.kind === "Namespace" ? finding.resource.name : finding.resource?.namespace;
    const target = ns === undefined ? undefined : byNamespace.get(ns);
    (target ?? cluster).push(pass.finding(finding));
  }

  // The audit orders findings by severity and id, then as the objects were read; a watch reads them in the order
  // they arrive, a restart in name order. Reports are written only when they change: order them by content.
  const out: PolicyReportObject[] = [];
  for (const [ns, results] of [...byNamespace].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    out.push(...pass.reports("PolicyReport", pass.sorted(ns, results), ns));
  out.push(...pass.reports("ClusterPolicyReport", pass.sorted("", cluster)));
  pass.end();
  return out;
}

/** Isolation results first (by plane), then findings by policy, resource, message and properties. */
function sortKey(r: PolicyReportResult): string {
  return [
    r.policy === "kubefence.isolation" ? "0" : "1",
    r.policy,
    r.rule,
    (r.resources ?? []).map((o) => `${o.kind}/${o.namespace ?? ""}/${o.name}`).join(","),
    r.message,
    JSON.stringify(r.properties ?? {}),
  ].join("\u0000");
}

/** sortKey's parts, made when compared rather than kept with every result. */
const SORT_PARTS: readonly ((r: PolicyReportResult) => string)[] = [
  (r) => (r.policy === "kubefence.isolation" ? "0" : "1"),
  (r) => r.policy,
  (r) => r.rule,
  (r) => (r.resources ?? []).map((o) => `${o.kind}/${o.namespace ?? ""}/${o.name}`).join(","),
  (r) => r.message,
  (r) => JSON.stringify(r.properties ?? {}),
];

/**
 * sortKey's order, part by part: the first part that differs decides, as it does in the joined key, unless a
 * part holds the separator itself (then the joined keys are compared).
 */
function compareResults(a: PolicyReportResult, b: PolicyReportResult): number {
  for (const part of SORT_PARTS) {
    const x = part(a);
    const y = part(b);
    if (x === y) continue;
    if (x.includes("\u0000") || y.includes("\u0000")) {
      const ka = sortKey(a);
      const kb = sortKey(b);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    }
    return x < y ? -1 : 1;
  }
  return 0;
}

function sortResults(results: Prepared[]): Prepared[] {
  return results.sort((a, b) => compareResults(a.result, b.result));
}

/** `own`: who reaches this tenant; `everyone`: who reaches every tenant (this one itself aside). */
function isolationResult(input: IsolationInput): PolicyReportResult {
  const { tenant, plane, own, everyone, self: selfInEveryone, unread, incomplete } = input;
  const count = own.count + everyone.length - (selfInEveryone ? 1 : 0);
  const from: string[] = own.first.slice(0, SHOWN);
  for (const f of everyone) {
    if (from.length >= SHOWN) break;
    if (f !== tenant) from.push(f);
  }
  const base = {
    source: "kubefence" as const,
    policy: "kubefence.isolation",
    rule: `${plane}-plane`,
    category: `${plane} plane`,
    scored: true as const,
  };
  if (count > 0) {
    const shown = from.map((f) => (f === ALL_TENANTS ? "every tenant" : f));
    const more = count > from.length ? ` and ${count - from.length} more` : "";
    return {
      ...base,
      severity: "high",
      result: "fail",
      message: `tenant ${tenant} is reached on the ${plane} plane by ${shown.join(", ")}${more}${incomplete ? ` (incomplete: ${incomplete})` : ""}`,
      properties: { tenant, reachedBy: String(count), ...(incomplete ? { incomplete } : {}) },
    };
  }
  if (incomplete)
    return {
      ...base,
      result: "error",
      message: `the ${plane} plane's verdicts for tenant ${tenant} are incomplete: ${incomplete}`,
      properties: { tenant, incomplete },
    };
  if (unread.length > 0)
    return {
      ...base,
      result: "error",
      message: `the ${plane} plane could not be judged: ${unread.join(", ")} could not be read`,
      properties: { tenant },
    };
  return {
    ...base,
    result: "pass",
    message: `no other tenant reaches tenant ${tenant} on the ${plane} plane`,
    properties: { tenant },
  };
}

function findingResult(f: Finding): PolicyReportResult {
  const accepted = f.acceptance?.status === "accepted";
  const properties: Record<string, string> = { subject: f.subject, object: f.object };
  f.evidence.forEach((line, i) => {
    properties[`evidence.${i + 1}`] = line;
  });
  if (f.remediation) properties.remediation = f.remediation;
  if (f.acceptance) {
    properties["acceptance.status"] = f.acceptance.status;
    properties["acceptance.reason"] = f.acceptance.reason;
    properties["acceptance.owner"] = f.acceptance.owner;
    if (f.acceptance.expires) properties["acceptance.expires"] = f.acceptance.expires;
  }
  const info = f.resource ? kindInfo(f.resource.kind) : undefined;
  return {
    source: "kubefence",
    policy: f.id,
    rule: f.id,
    category: `${f.plane} plane`,
    severity: f.severity,
    result: accepted ? "skip" : f.severity === "info" ? "warn" : "fail",
    message: f.message,
    scored: true,
    ...(f.resource
      ? {
          resources: [
            {
              ...(info ? { apiVersion: apiVersionOf(info) } : {}),
              kind: f.resource.kind,
              name: f.resource.name,
              ...(f.resource.namespace !== undefined ? { namespace: f.resource.namespace } : {}),
            },
          ],
        }
      : {}),
    properties,
  };
}

/** The results as reports of at most `maxBytes` each: `kubefence`, then `kubefence-2`, …; one even if empty. */
function split(
  kind: PolicyReportObject["kind"],
  results: readonly Prepared[],
  maxBytes: number,
  namespace?: string,
): PolicyReportObject[] {
  const make = (part: number, chunk: PolicyReportResult[]): PolicyReportObject => ({
    apiVersion: POLICY_REPORT_API_VERSION,
    kind,
    metadata: {
      name: part === 1 ? REPORT_NAME : `${REPORT_NAME}-${part}`,
      ...(namespace !== undefined ? { namespace } : {}),
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY, "kubefence.io/report-part": String(part) },
    },
    ...(namespace !== undefined
      ? { scope: { apiVersion: "v1" as const, kind: "Namespace" as const, name: namespace } }
      : {}),
    summary: summarize(chunk),
    results: chunk,
  });
  const overhead = Buffer.byteLength(JSON.stringify(make(99, []))) + 16;
  const out: PolicyReportObject[] = [];
  let chunk: PolicyReportResult[] = [];
  let size = overhead;
  for (const { result, bytes } of results) {
    if (chunk.length > 0 && size + bytes > maxBytes) {
      out.push(make(out.length + 1, chunk));
      chunk = [];
      size = overhead;
    }
    chunk.push(bytes + overhead > maxBytes ? truncated(result, maxBytes - overhead) : result);
    size += Math.min(bytes, maxBytes - overhead);
  }
  out.push(make(out.length + 1, chunk));
  return out;
}

/** A single result larger than a report (a finding with a huge evidence chain): its properties cut to fit. */
function truncated(result: PolicyReportResult, budget: number): PolicyReportResult {
  const properties: Record<string, string> = {};
  let size = Buffer.byteLength(JSON.stringify({ ...result, properties: {} })) + 64;
  for (const [key, value] of Object.entries(result.properties ?? {})) {
    const bytes = Buffer.byteLength(JSON.stringify([key, value]));
    if (size + bytes > budget) {
      properties.truncated = "true";
      break;
    }
    // prototype-safe: the keys are the result's own property names (subject, evidence.N, …), set by findingResult
    properties[key] = value;
    size += bytes;
  }
  return { ...result, properties };
}

function summarize(results: PolicyReportResult[]): Record<PolicyResultValue, number> {
  const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) summary[r.result]++;
  return summary;
}
