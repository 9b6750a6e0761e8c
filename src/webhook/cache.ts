/**
 * The webhook's view of the cluster, kept by list+watch (@kubernetes/client-node informers) for the kinds
 * the guardrails read. Every object goes through the same boundary as the other sources
 * (src/model/admission/admit.ts: typed, defaulted), so decisions are made on the same Snapshot `audit` would see.
 * Not ready until every kind has been listed once; a watch that fails is restarted (relisting after 410
 * Gone, as the informer does), and while it is down the last known state keeps serving.
 */
import { request as httpsRequest, type RequestOptions } from "node:https";
import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
} from "@kubernetes/client-node";
import { admit } from "../model/admission/admit.js";
import { apiVersionOf, type KindInfo, kindInfo, type UnmodelledPolicyKind } from "../model/kinds.js";
import type { Kind, KubeObject } from "../model/objects.js";
import { emptySnapshot, objectKey, type Snapshot, type UnmodelledPolicy } from "../model/snapshot.js";
import { DEFAULT_CACHED_KINDS } from "./cached-kinds.js";
import type { LogEntry } from "./log-sampler.js";

export interface ClusterCacheOptions {
  kubeconfig: KubeConfig;
  kinds?: readonly Kind[];
  log?: (entry: LogEntry) => void;
  /** Wait before restarting a failed list or watch. Default 2 s. */
  restartDelayMs?: number;
  /** Page size of the initial lists. Default 500. */
  pageSize?: number;
  /**
   * Told of each stored or removed object, after the cache holds it (the controller re-judges on it), with the
   * object it replaced (`before`) and the one now held (`after`), when there is one.
   */
  onChange?: (kind: Kind | UnmodelledPolicyKey, change: ObjectChange) => void;
  /**
   * CNI-specific policy kinds (Cilium, Calico) to watch at the served `apiVersion`: only their identity is
   * kept (`snapshot.unmodelledPolicies`), as the live source keeps it, so the verdicts they may change are
   * marked incomplete.
   */
  unmodelled?: readonly { kind: UnmodelledPolicyKind; apiVersion: string }[];
}

export interface ObjectChange {
  before?: KubeObject;
  after?: KubeObject;
}

/** `CiliumNetworkPolicy.cilium.io`: how an unmodelled kind is named in onChange and counts. */
export type UnmodelledPolicyKey = `${string}.${string}`;

export interface ClusterCache {
  /** The current state; undefined until every kind has been listed once. */
  snapshot(): Snapshot | undefined;
  synced(): boolean;
  /** Objects held, by kind. */
  counts(): Record<string, number>;
  /** List/watch restarts since the start (a failed or closed watch, each restart relists). */
  restarts(): number;
  /** Resolves once every kind has been listed (rejects after `timeoutMs`). */
  waitForSync(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function startClusterCache(options: ClusterCacheOptions): ClusterCache {
  const log = options.log ?? (() => {});
  const kinds = (options.kinds ?? DEFAULT_CACHED_KINDS).map((k) => kindInfo(k)!);
  const objects = new Map<Kind, Map<string, KubeObject>>(kinds.map((k) => [k.kind, new Map()]));
  const listed = new Set<string>();
  const unmodelledKinds = options.unmodelled ?? [];
  /** Identities of the CNI-specific policies, by `apiVersion/kind/namespace/name`. */
  const unmodelled = new Map<string, UnmodelledPolicy>();
  const expected = kinds.length + unmodelledKinds.length;
  const waiters: (() => void)[] = [];
  let current: Snapshot | undefined;
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  let restarts = 0;

  const changed = (kind: Kind | UnmodelledPolicyKey, change: ObjectChange = {}) => {
    current = undefined;
    options.onChange?.(kind, change);
  };
  const store = (info: KindInfo, raw: KubernetesObject) => {
    // managedFields are often half of an object's size and no guardrail reads them.
    const { managedFields: _, ...metadata } = (raw.metadata ?? {}) as Record<string, unknown>;
    const value = { ...raw, apiVersion: apiVersionOf(info), kind: info.kind, metadata };
    const origin = { cluster: "watch" };
    const result = admit({ value, origin, locate: () => origin });
    if (result.type !== "object") {
      log({
        level: "warn",
        msg: "object not cached",
        kind: info.kind,
        name: raw.metadata?.name,
        namespace: raw.metadata?.namespace,
      });
      return;
    }
    const held = objects.get(info.kind)!;
    const key = objectKey(result.object);
    const before = held.get(key);
    held.set(key, result.object);
    changed(info.kind, { before, after: result.object });
  };
  const remove = (info: KindInfo, raw: KubernetesObject) => {
    const key = objectKey({
      kind: info.kind,
      metadata: { name: raw.metadata?.name ?? "", namespace: raw.metadata?.namespace },
    });
    const held = objects.get(info.kind)!;
    const before = held.get(key);
    if (before && held.delete(key)) changed(info.kind, { before });
  };

  /** One list+watch, restarted after a failure, that counts as listed once its first list is in. */
  const watch = (
    id: Kind | UnmodelledPolicyKey,
    path: string,
    put: (o: KubernetesObject) => void,
    drop: (o: KubernetesObject) => void,
    held: () => number,
  ) => {
    const informer = makeInformer(options.kubeconfig, path, () =>
      listAll(options.kubeconfig, path, options.pageSize ?? 500),
    );
    informer.on("add", put);
    informer.on("update", put);
    informer.on("delete", drop);
    let failedSince = false;
    informer.on("error", (error: unknown) => {
      failedSince = true;
      if (stopped) return;
      restarts++;
      log({ level: "warn", msg: "list/watch failed; restarting", kind: id, error: describe(error) });
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopped) start();
      }, options.restartDelayMs ?? 2_000);
      timers.add(timer);
    });
    const start = () => {
      failedSince = false;
      informer.start().then(
        () => {
          if (failedSince || listed.has(id)) return;
          listed.add(id);
          log({ level: "info", msg: "listed", kind: id, objects: held() });
          if (listed.size === expected) for (const resolve of waiters.splice(0)) resolve();
        },
        (error: unknown) =>
          log({ level: "warn", msg: "watch start failed", kind: id, error: describe(error) }),
      );
    };
    start();
    return informer;
  };

  const informers = kinds.map((info) =>
    watch(
      info.kind,
      `${info.group === "" ? "/api" : `/apis/${info.group}`}/${info.version}/${info.plural}`,
      (o) => store(info, o),
      (o) => remove(info, o),
      () => objects.get(info.kind)!.size,
    ),
  );
  for (const { kind, apiVersion } of unmodelledKinds) {
    const id: UnmodelledPolicyKey = `${kind.kind}.${kind.group}`;
    const keyOf = (o: KubernetesObject) =>
      `${apiVersion}/${kind.kind}/${kind.namespaced ? (o.metadata?.namespace ?? "") : ""}/${o.metadata?.name ?? ""}`;
    const count = () =>
      [...unmodelled.values()].filter((p) => p.apiVersion === apiVersion && p.kind === kind.kind).length;
    informers.push(
      watch(
        id,
        `/apis/${apiVersion}/${kind.plural}`,
        (o) => {
          // Only the identity is kept: an update of a policy already held changes nothing.
          if (unmodelled.has(keyOf(o))) return;
          unmodelled.set(keyOf(o), {
            apiVersion,
            kind: kind.kind,
            family: kind.family,
            name: o.metadata?.name ?? "",
            ...(kind.namespaced && o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
          });
          changed(id);
        },
        (o) => {
          if (unmodelled.delete(keyOf(o))) changed(id);
        },
        count,
      ),
    );
  }

  const synced = () => listed.size === expected;
  return {
    synced,
    snapshot() {
      if (!synced()) return undefined;
      if (!current) {
        const snapshot = emptySnapshot();
        for (const info of kinds)
          (snapshot[info.field] as KubeObject[]).push(...objects.get(info.kind)!.values());
        // In the live source's order (src/sources/live.ts), so both give the same snapshot.
        snapshot.unmodelledPolicies = [...unmodelled.values()].sort((a, b) =>
          `${a.apiVersion}/${a.kind}/${a.namespace ?? ""}/${a.name}` <
          `${b.apiVersion}/${b.kind}/${b.namespace ?? ""}/${b.name}`
            ? -1
            : 1,
        );
        current = snapshot;
      }
      return current;
    },
    restarts: () => restarts,
    counts: () => {
      const counts = new Map<string, number>(kinds.map((k) => [k.kind, objects.get(k.kind)!.size]));
      for (const { kind } of unmodelledKinds) counts.set(`${kind.kind}.${kind.group}`, 0);
      for (const policy of unmodelled.values()) {
        const id = `${policy.kind}.${policy.apiVersion.slice(0, policy.apiVersion.indexOf("/"))}`;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return Object.fromEntries(counts);
    },
    waitForSync(timeoutMs = 60_000) {
      if (synced()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`cluster cache not synced after ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(informers.map((i) => i.stop()));
    },
  };
}

/** A full list, page by page, as raw JSON (the generated clients would turn timestamps into Dates). */
async function listAll(
  kubeconfig: KubeConfig,
  path: string,
  limit: number,
): Promise<KubernetesListObject<KubernetesObject>> {
  const items: KubernetesObject[] = [];
  let resourceVersion = "";
  let continueToken = "";
  do {
    const query = new URLSearchParams({ limit: String(limit) });
    if (continueToken) query.set("continue", continueToken);
    const page = (await getJson(kubeconfig, `${path}?${query}`)) as {
      items?: KubernetesObject[];
      metadata?: { resourceVersion?: string; continue?: string };
    };
    items.push(...(page.items ?? []));
    resourceVersion = page.metadata?.resourceVersion ?? "";
    continueToken = page.metadata?.continue ?? "";
  } while (continueToken);
  return { apiVersion: "v1", kind: "List", metadata: { resourceVersion }, items };
}

async function getJson(kubeconfig: KubeConfig, path: string): Promise<unknown> {
  const cluster = kubeconfig.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig has no current cluster");
  const options: RequestOptions = { method: "GET", headers: { accept: "application/json" } };
  await kubeconfig.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(cluster.server + path), options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode !== 200) {
          const error = new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 200)}`) as Error & {
            statusCode?: number;
          };
          error.statusCode = res.statusCode;
          return reject(error);
        }
        try {
          resolve(JSON.parse(text));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on("error", reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.end();
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
