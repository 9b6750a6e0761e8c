/**
 * `kubefence controller`: the cluster kept in view by list+watch (the webhook's cache, src/webhook/cache.ts,
 * over every kind the audit reads that the cluster serves), re-judged shortly after each change (changes are
 * gathered for `debounceMs`, then judged at once: ./judge.ts reuses what they cannot have touched), judged in
 * full every `resyncMs`, and published: PolicyReports (./policy-reports.ts, written only when they differ),
 * an Event per new breach (./events.ts) and /metrics. Only the holder of the Lease (./lease.ts) writes; every
 * replica judges, so a follower's /metrics is as current as the leader's and it can take over at once.
 */
import { createServer, type Server } from "node:http";
import type { KubeConfig } from "@kubernetes/client-node";
import {
  apiVersionOf,
  KINDS,
  type KindInfo,
  UNMODELLED_POLICY_KINDS,
  type UnmodelledPolicyKind,
} from "../model/kinds.js";
import { type KubeVersion, parseKubeVersion } from "../model/kube-version.js";
import type { Kind } from "../model/objects.js";
import type { Snapshot } from "../model/snapshot.js";
import { renderAuditMetrics } from "../report/metrics.js";
import type { KubeClient } from "../sources/kube-client.js";
import type { AuditOptions, AuditReport } from "../tenancy/audit.js";
import { sameToTheAudit } from "../tenancy/read-fields.js";
import type { TenantSource } from "../tenancy/tenants.js";
import { type ClusterCache, startClusterCache } from "../webhook/cache.js";
import { Counter, Gauge } from "../webhook/metrics.js";
import { BREACH_LABEL, breachCells, breachEvent, breachesOf, breachKey } from "./events.js";
import { Judge } from "./judge.js";
import { type LeaderElector, startLeaderElection } from "./lease.js";
import {
  MANAGED_BY,
  MANAGED_BY_LABEL,
  PolicyReportCache,
  type PolicyReportObject,
  policyReports,
} from "./policy-reports.js";
import { type ExistingReport, reconcileReports, reportKey } from "./reconcile.js";

export interface LogEntry {
  level: "info" | "warn" | "error";
  msg: string;
  [key: string]: unknown;
}

export interface ControllerOptions {
  client: KubeClient;
  kubeconfig: KubeConfig;
  tenants: TenantSource;
  audit?: Omit<AuditOptions, "networkModel" | "onPhase" | "now">;
  /** Where the Lease lives. */
  namespace: string;
  identity: string;
  /** null: no leader election (a single replica writes). */
  leaseName?: string | null;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  debounceMs?: number;
  resyncMs?: number;
  reports?: boolean;
  events?: boolean;
  /** At most this many Events per judgment (a first judgment of a broken cluster would write thousands). */
  maxEventsPerJudgment?: number;
  metricsPairs?: boolean;
  /** Serve /metrics, /healthz, /readyz here (undefined: no HTTP server). */
  http?: { host: string; port: number };
  log?: (entry: LogEntry) => void;
  restartDelayMs?: number;
}

export interface Controller {
  /** Resolves after the first judgment (rejects after `timeoutMs`). */
  ready(timeoutMs?: number): Promise<void>;
  report(): AuditReport | undefined;
  isLeader(): boolean;
  metrics(): string;
  /** The HTTP server's port (when serving). */
  port(): number | undefined;
  /** Judgments so far, and how many reused the network analysis. */
  stats(): { judgments: number; incremental: number; writes: number; lastJudgmentMs: number };
  stop(): Promise<void>;
}

const REPORT_PATHS = {
  PolicyReport: "/apis/wgpolicyk8s.io/v1alpha2/policyreports",
  ClusterPolicyReport: "/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports",
} as const;

export async function startController(options: ControllerOptions): Promise<Controller> {
  const log = options.log ?? (() => {});
  const client = options.client;
  const { kinds, unmodelled, missing } = await servedKinds(client);
  if (missing.length > 0)
    log({ level: "warn", msg: "kinds not readable; their planes stay unknown", kinds: missing });
  const version = await client.request("GET", "/version");
  const serverVersion = parseVersion(version.body);

  // A live cluster is judged as its own version, as `audit` judges it.
  const judge = new Judge(options.tenants, {
    ...(serverVersion ? { kubeVersion: serverVersion } : {}),
    ...options.audit,
  });
  const watchRestarts = new Counter(
    "kubefence_controller_watch_restarts_total",
    "List/watch restarts (each relists its kind).",
  );
  const judgments = new Counter(
    "kubefence_controller_judgments_total",
    "Judgments, by kind (full, incremental).",
  );
  const writes = new Counter(
    "kubefence_controller_report_writes_total",
    "PolicyReport writes, by action (create, update, delete).",
  );
  const changes = new Counter(
    "kubefence_controller_changes_total",
    "Objects added, updated or deleted, by whether they are judged again (judged: yes; an update of only fields the audit does not read, such as status or resourceVersion: no).",
  );
  const eventsWritten = new Counter(
    "kubefence_controller_breach_events_total",
    "Events written for new breaches.",
  );
  // Counters start at 0 (a series that appears only on its first increment cannot be rated).
  watchRestarts.inc({}, 0);
  changes.inc({ judged: "yes" }, 0);
  changes.inc({ judged: "no" }, 0);
  eventsWritten.inc({}, 0);
  let current: AuditReport | undefined;
  let lastFullSync: Date | undefined;
  let lastJudgmentMs = 0;
  let incremental = 0;
  let writeCount = 0;
  const changed = new Set<string>();
  let fullPending = true;
  let debounce: NodeJS.Timeout | undefined;
  let judging = false;
  let stopped = false;
  const readyWaiters: (() => void)[] = [];
  let announced = new Set<string>(); // breaches (as breachesOf keys them) with an Event
  let announcedLabels: Set<string> | undefined; // breach labels of the Events in the cluster, once read
  let knownReports: Map<string, ExistingReport> | undefined; // undefined: list before writing
  const reportCache = new PolicyReportCache(); // the reports made last: only those whose results changed are made again

  const schedule = (delay = options.debounceMs ?? 200) => {
    if (stopped || debounce) return;
    debounce = setTimeout(() => {
      debounce = undefined;
      void run();
    }, delay);
  };
  const cache: ClusterCache = startClusterCache({
    kubeconfig: options.kubeconfig,
    kinds,
    unmodelled,
    log,
    restartDelayMs: options.restartDelayMs,
    onChange: (kind, { before, after }) => {
      // Pods' and workloads' status changes all the time at scale, and a relist sends everything again.
      const unread = before !== undefined && after !== undefined && sameToTheAudit(before, after);
      changes.inc({ judged: unread ? "no" : "yes" });
      if (unread) return;
      changed.add(kind);
      if (cache?.synced()) schedule();
    },
  });

  let elector: LeaderElector | undefined;
  if (options.leaseName !== null)
    elector = startLeaderElection({
      request: (m, p, b) => client.request(m, p, b),
      namespace: options.namespace,
      name: options.leaseName ?? "kubefence-controller",
      identity: options.identity,
      leaseDurationSeconds: options.leaseDurationSeconds,
      renewDeadlineMs: options.renewDeadlineMs,
      retryPeriodMs: options.retryPeriodMs,
      log,
      onStartedLeading: () => {
        // A new leader trusts nothing it did not read: list the reports and announced breaches again.
        knownReports = undefined;
        announced = new Set();
        announcedLabels = undefined;
        if (current) void publish(current);
      },
    });
  const isLeader = () => (elector ? elector.isLeader() : true);

  const run = async (): Promise<void> => {
    if (judging) {
      schedule();
      return;
    }
    const snapshot = cache.snapshot();
    if (!snapshot) return;
    judging = true;
    try {
      const full = fullPending;
      const kindsChanged = full ? ("all" as const) : new Set(changed);
      changed.clear();
      fullPending = false;
      const input: Snapshot = {
        ...snapshot,
        missingKinds: missing,
        ...(serverVersion ? { serverVersion } : {}),
      };
      const now = new Date();
      // The judgment is synchronous: nothing reads `current` while it runs, so the previous report (and the
      // network analysis it holds) is let go rather than kept beside the new one. A judgment that fails leaves
      // no report (/readyz answers 503 until one succeeds).
      current = undefined;
      const judged = judge.judge(input, kindsChanged, now);
      current = judged.report;
      lastJudgmentMs = judged.ms;
      if (full) lastFullSync = now;
      if (judged.reusedNetwork) incremental++;
      judgments.inc({ kind: full ? "full" : "incremental" });
      log({
        level: "info",
        msg: "judged",
        full,
        ms: Math.round(judged.ms),
        findings: current.findings.length,
      });
      for (const resolve of readyWaiters.splice(0)) resolve();
      await publish(current);
    } catch (error) {
      log({
        level: "error",
        msg: "judgment failed",
        error: error instanceof Error ? error.stack : String(error),
      });
    } finally {
      judging = false;
    }
  };

  const publish = async (report: AuditReport) => {
    if (!isLeader() || stopped) return;
    if (options.reports !== false) await writeReports(policyReports(report, { cache: reportCache }));
    if (options.events !== false) await writeEvents(report);
  };

  const listReports = async (): Promise<Map<string, ExistingReport>> => {
    const out = new Map<string, ExistingReport>();
    for (const kind of ["PolicyReport", "ClusterPolicyReport"] as const) {
      const answer = await client.request(
        "GET",
        `${REPORT_PATHS[kind]}?labelSelector=${encodeURIComponent(`${MANAGED_BY_LABEL}=${MANAGED_BY}`)}`,
      );
      if (answer.status !== 200)
        throw new Error(`listing ${kind}s: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
      for (const item of (answer.body as { items?: ExistingReport[] }).items ?? []) {
        const r = { ...item, kind };
        out.set(reportKey(r), r);
      }
    }
    return out;
  };

  const writeReports = async (desired: PolicyReportObject[]) => {
    try {
      knownReports ??= await listReports();
      const known = knownReports;
      const actions = reconcileReports(desired, [...known.values()]);
      // Unchanged reports are kept in the form kubefence writes (its key order), so the next comparison is a
      // string comparison, not a key-sorted one.
      const written = new Set(actions.flatMap((a) => (a.type === "delete" ? [] : [reportKey(a.report)])));
      for (const r of desired) {
        const key = reportKey(r);
        const have = known.get(key);
        if (have && !written.has(key))
          known.set(key, {
            ...r,
            metadata: { ...r.metadata, resourceVersion: have.metadata.resourceVersion },
          });
      }
      for (const action of actions) {
        if (action.type === "delete") {
          const base = REPORT_PATHS[action.kind].replace(
            /\/(policyreports|clusterpolicyreports)$/,
            action.namespace !== undefined ? `/namespaces/${encodeURIComponent(action.namespace)}/$1` : "/$1",
          );
          const answer = await client.request("DELETE", `${base}/${encodeURIComponent(action.name)}`);
          if (answer.status !== 200 && answer.status !== 404)
            throw new Error(`delete ${action.kind} ${action.name}: ${answer.status}`);
          known.delete(reportKey({ kind: action.kind, metadata: action }));
        } else {
          const r = action.report;
          const ns = r.metadata.namespace;
          const collection = REPORT_PATHS[r.kind].replace(
            /\/(policyreports|clusterpolicyreports)$/,
            ns !== undefined ? `/namespaces/${encodeURIComponent(ns)}/$1` : "/$1",
          );
          const answer =
            action.type === "create"
              ? await client.request("POST", collection, r)
              : await client.request("PUT", `${collection}/${encodeURIComponent(r.metadata.name)}`, {
                  ...r,
                  metadata: { ...r.metadata, resourceVersion: action.resourceVersion },
                });
          if (answer.status !== 200 && answer.status !== 201)
            throw new Error(
              `${action.type} ${r.kind} ${ns ? `${ns}/` : ""}${r.metadata.name}: ${answer.status} ${JSON.stringify((answer.body as { message?: unknown })?.message ?? "")}`,
            );
          known.set(reportKey(r), answer.body as ExistingReport);
        }
        log({
          level: "info",
          msg: "wrote report",
          action: action.type,
          kind: action.type === "delete" ? action.kind : action.report.kind,
          name: action.type === "delete" ? action.name : action.report.metadata.name,
          namespace: action.type === "delete" ? action.namespace : action.report.metadata.namespace,
        });
        writes.inc({ action: action.type });
        writeCount++;
      }
    } catch (error) {
      knownReports = undefined; // read them again next time (a conflict, a report changed by someone else)
      log({
        level: "warn",
        msg: "writing PolicyReports failed; retrying at the next judgment",
        error: String(error),
      });
      schedule(options.retryPeriodMs ?? 2_000);
    }
  };

  const writeEvents = async (report: AuditReport) => {
    try {
      if (!announcedLabels) {
        const answer = await client.request(
          "GET",
          `/api/v1/events?labelSelector=${encodeURIComponent(`${MANAGED_BY_LABEL}=${MANAGED_BY},${BREACH_LABEL}`)}`,
        );
        if (answer.status !== 200) throw new Error(`listing Events: ${answer.status}`);
        const labels = new Set<string>();
        for (const e of (answer.body as { items?: { metadata?: { labels?: Record<string, string> } }[] })
          .items ?? []) {
          const own = e.metadata?.labels ?? {};
          const key = Object.hasOwn(own, BREACH_LABEL) ? own[BREACH_LABEL] : undefined;
          if (key) labels.add(key);
        }
        announcedLabels = labels;
      }
      const breaches = breachesOf(report);
      // A breach that cleared is forgotten, so it is announced again if it comes back.
      for (const key of announced) if (!breaches.has(key)) announced.delete(key);
      const limit = options.maxEventsPerJudgment ?? 100;
      const fresh = new Set<string>();
      for (const [key, ends] of breaches) {
        if (announced.has(key)) continue;
        // Announced before this replica led (an Event still in the cluster): not again.
        if (announcedLabels.has(breachKey(ends))) {
          announced.add(key);
          continue;
        }
        if (fresh.size >= limit) {
          log({
            level: "warn",
            msg: "more new breaches than --max-events-per-judgment; the rest at the next judgment",
            limit,
          });
          schedule(options.retryPeriodMs ?? 2_000);
          break;
        }
        fresh.add(key);
      }
      const now = new Date();
      for (const cell of breachCells(report, fresh)) {
        const event = breachEvent(cell, report, now);
        const answer = await client.request(
          "POST",
          `/api/v1/namespaces/${encodeURIComponent(event.metadata.namespace)}/events`,
          event,
        );
        if (answer.status !== 201 && answer.status !== 409) {
          log({
            level: "warn",
            msg: "writing an Event failed",
            status: answer.status,
            namespace: event.metadata.namespace,
            error: (answer.body as { message?: unknown } | undefined)?.message,
          });
          continue;
        }
        announced.add(`${cell.plane}\u0000${cell.from}\u0000${cell.to}`);
        eventsWritten.inc();
      }
    } catch (error) {
      announcedLabels = undefined;
      log({ level: "warn", msg: "writing Events failed", error: String(error) });
    }
  };

  const resync = setInterval(() => {
    fullPending = true;
    schedule(0);
  }, options.resyncMs ?? 300_000);
  resync.unref();
  // The first judgment once every kind is listed.
  cache.waitForSync(24 * 3600_000).then(
    () => schedule(0),
    () => {},
  );

  const metricsText = () => {
    watchRestartsSync();
    const controllerGauges = [
      new Gauge("kubefence_controller_synced", "1 once every watched kind has been listed.", () => [
        { labels: {}, value: cache.synced() ? 1 : 0 },
      ]),
      new Gauge(
        "kubefence_controller_leader",
        "1 while this replica holds the Lease (only the leader writes).",
        () => [{ labels: {}, value: isLeader() ? 1 : 0 }],
      ),
      new Gauge("kubefence_controller_last_judgment_seconds", "How long the last judgment took.", () => [
        { labels: {}, value: lastJudgmentMs / 1000 },
      ]),
      new Gauge("kubefence_controller_objects", "Objects watched, by kind.", () =>
        Object.entries(cache.counts()).map(([kind, value]) => ({ labels: { kind }, value })),
      ),
    ];
    const own = [watchRestarts, changes, judgments, writes, eventsWritten, ...controllerGauges]
      .map((m) => m.render())
      .join("\n");
    const audit = current
      ? renderAuditMetrics(current, { pairs: options.metricsPairs === true, lastFullSync, now: new Date() })
      : "";
    return `${audit}${own}\n`;
  };
  let restartsSeen = 0;
  const watchRestartsSync = () => {
    const now = cache.restarts();
    if (now > restartsSeen) watchRestarts.inc({}, now - restartsSeen);
    restartsSeen = now;
  };

  let server: Server | undefined;
  if (options.http) {
    server = createServer((req, res) => {
      const url = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET") {
        res.writeHead(405).end();
        return;
      }
      if (url === "/metrics") {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(metricsText());
      } else if (url === "/healthz") res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      else if (url === "/readyz")
        res
          .writeHead(current ? 200 : 503, { "content-type": "text/plain" })
          .end(current ? "ok" : "not judged yet");
      else res.writeHead(404).end();
    });
    const s = server;
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(options.http!.port, options.http!.host, () => resolve());
    });
  }

  return {
    ready(timeoutMs = 60_000) {
      if (current) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not judged after ${timeoutMs} ms`)), timeoutMs);
        readyWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    report: () => current,
    isLeader,
    metrics: metricsText,
    port: () => {
      const address = server?.address();
      return typeof address === "object" && address ? address.port : undefined;
    },
    stats: () => ({
      judgments: judgments.get({ kind: "full" }) + judgments.get({ kind: "incremental" }),
      incremental,
      writes: writeCount,
      lastJudgmentMs,
    }),
    async stop() {
      stopped = true;
      clearInterval(resync);
      if (debounce) clearTimeout(debounce);
      await Promise.all([
        cache.stop(),
        elector?.stop(),
        server ? new Promise<void>((resolve) => server!.close(() => resolve())) : undefined,
      ]);
    },
  };
}

/**
 * Which of the audit's kinds to watch: those the cluster serves and lets us list. A custom resource or a
 * platform's kind that is not served is no news (as for `audit`); a kind we may not list is missing, and the
 * planes that depend on it stay unknown.
 */
async function servedKinds(client: KubeClient): Promise<{
  kinds: Kind[];
  unmodelled: { kind: UnmodelledPolicyKind; apiVersion: string }[];
  missing: string[];
}> {
  const kinds: Kind[] = [];
  const missing: Kind[] = [];
  const listable = async (base: string) => (await client.request("GET", `${base}?limit=1`)).status;
  await Promise.all(
    KINDS.map(async (info: KindInfo) => {
      const apiVersion = apiVersionOf(info);
      const status = await listable(`${info.group === "" ? "/api" : "/apis"}/${apiVersion}/${info.plural}`);
      if (status === 200) kinds.push(info.kind);
      else if (status === 404 && (info.customResource || info.platform)) return;
      else missing.push(info.kind);
    }),
  );
  // Cilium's and Calico's policies, where served (at the first version served, as the live source reads
  // them): read, not modelled, so the verdicts they may change are incomplete; forbidden, the network is unknown.
  const unmodelled: { kind: UnmodelledPolicyKind; apiVersion: string }[] = [];
  const unreadable: string[] = [];
  for (const kind of UNMODELLED_POLICY_KINDS)
    for (const version of kind.versions) {
      const apiVersion = `${kind.group}/${version}`;
      const status = await listable(`/apis/${apiVersion}/${kind.plural}`);
      if (status === 404) continue;
      if (status === 200) unmodelled.push({ kind, apiVersion });
      else unreadable.push(`${kind.kind}.${kind.group}`);
      break;
    }
  const order = (k: Kind) => KINDS.findIndex((i) => i.kind === k);
  return {
    kinds: kinds.sort((a, b) => order(a) - order(b)),
    unmodelled,
    missing: [...missing.sort((a, b) => order(a) - order(b)), ...unreadable],
  };
}

function parseVersion(body: unknown): KubeVersion | undefined {
  const v = body as { gitVersion?: unknown } | undefined;
  return typeof v?.gitVersion === "string" ? parseKubeVersion(v.gitVersion) : undefined;
}
