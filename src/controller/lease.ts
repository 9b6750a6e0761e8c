/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package does it
 * (k8s.io/client-go/tools/leaderelection: tryAcquireOrRenew, release), so a kubefence replica and anything
 * that reads Leases agree on who leads:
 * - a Lease held by another is free only once `leaseDurationSeconds` have passed since this candidate last saw
 *   the record change (its own clock: no trust in the holder's renewTime across clock skew);
 * - taking it from another adds one to `leaseTransitions`; renewing keeps `acquireTime` and the count;
 * - every write carries the resourceVersion read, so of two candidates at once one gets 409 and stays a follower;
 * - the leader renews every `retryPeriod`, and steps down when it could not renew for `renewDeadline`;
 * - on release it writes an empty holderIdentity with leaseDurationSeconds 1 (ReleaseOnCancel), so the next
 *   candidate need not wait out the lease.
 */
import type { HttpMethod, KubeResponse } from "../sources/kube-client.js";

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface LeaderElectionOptions {
  request: (method: HttpMethod, path: string, body?: unknown) => Promise<KubeResponse>;
  namespace: string;
  name: string;
  identity: string;
  /** Defaults as client-go's callers use them (kube-controller-manager): 15 s, 10 s, 2 s. */
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading?: () => void;
  onStoppedLeading?: () => void;
  log?: (entry: { level: "info" | "warn" | "error"; msg: string; [key: string]: unknown }) => void;
  now?: () => Date;
}

export interface LeaderElector {
  isLeader(): boolean;
  /** Stops trying; releases the Lease if held. */
  stop(): Promise<void>;
}

/** metav1.MicroTime as the API server writes it: RFC 3339 with microseconds. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export function startLeaderElection(options: LeaderElectionOptions): LeaderElector {
  const now = options.now ?? (() => new Date());
  const duration = options.leaseDurationSeconds ?? 15;
  const renewDeadline = options.renewDeadlineMs ?? 10_000;
  const retry = options.retryPeriodMs ?? 2_000;
  const log = options.log ?? (() => {});
  const path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(options.namespace)}/leases`;
  const itemPath = `${path}/${encodeURIComponent(options.name)}`;
  let observed = "";
  let observedTime = 0;
  let observedHolder = "";
  let leading = false;
  let lastRenew = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  /** The Lease written as `spec`, over the version read (a conflict answers 409: someone else wrote first). */
  const putLease = (resourceVersion: string | undefined, spec: LeaseSpec) =>
    options.request("PUT", itemPath, {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name: options.name, namespace: options.namespace, resourceVersion },
      spec,
    });

  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const at = now();
    const record: LeaseSpec = {
      holderIdentity: options.identity,
      leaseDurationSeconds: duration,
      acquireTime: microTime(at),
      renewTime: microTime(at),
      leaseTransitions: 0,
    };
    const got = await options.request("GET", itemPath);
    if (got.status === 404) {
      const created = await options.request("POST", path, {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: options.name, namespace: options.namespace },
        spec: record,
      });
      if (created.status !== 201) return false;
      observe(record, at);
      return true;
    }
    if (got.status !== 200) return false;
    const lease = got.body as { metadata?: { resourceVersion?: string }; spec?: LeaseSpec };
    const old = lease.spec ?? {};
    if (JSON.stringify(old) !== observed) observe(old, at);
    const heldByOther = (old.holderIdentity ?? "") !== "" && old.holderIdentity !== options.identity;
    if (heldByOther && observedTime + (old.leaseDurationSeconds ?? duration) * 1000 > at.getTime())
      return false;
    if (old.holderIdentity === options.identity) {
      record.acquireTime = old.acquireTime ?? record.acquireTime;
      record.leaseTransitions = old.leaseTransitions ?? 0;
    } else record.leaseTransitions = (old.leaseTransitions ?? 0) + 1;
    const updated = await putLease(lease.metadata?.resourceVersion, record);
    if (updated.status !== 200) return false;
    observe(record, at);
    return true;
  };
  const observe = (spec: LeaseSpec, at: Date) => {
    observed = JSON.stringify(spec);
    observedTime = at.getTime();
    observedHolder = spec.holderIdentity ?? "";
  };

  const tick = async () => {
    let ok = false;
    try {
      ok = await tryAcquireOrRenew();
    } catch (error) {
      log({ level: "warn", msg: "lease request failed", error: String(error) });
    }
    const at = now().getTime();
    if (ok) {
      lastRenew = at;
      if (!leading) {
        leading = true;
        log({ level: "info", msg: "became leader", lease: `${options.namespace}/${options.name}` });
        options.onStartedLeading?.();
      }
    } else if (leading && at - lastRenew >= renewDeadline) {
      leading = false;
      log({ level: "warn", msg: "lost leadership: lease not renewed", holder: observedHolder });
      options.onStoppedLeading?.();
    }
  };
  const schedule = () => {
    if (stopped) return;
    // client-go's wait.JitterUntil: up to 20 % on top of the period while acquiring.
    const delay = leading ? retry : retry * (1 + Math.random() * 0.2);
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, delay);
  };
  running = tick().finally(schedule);

  return {
    isLeader: () => leading,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      if (!leading) return;
      leading = false;
      options.onStoppedLeading?.();
      // ReleaseOnCancel: an empty holder and a 1 s lease, keeping the transition count.
      try {
        const got = await options.request("GET", itemPath);
        const lease = got.body as { metadata?: { resourceVersion?: string }; spec?: LeaseSpec };
        if (got.status !== 200 || lease.spec?.holderIdentity !== options.identity) return;
        const at = microTime(now());
        await putLease(lease.metadata?.resourceVersion, {
          holderIdentity: "",
          leaseDurationSeconds: 1,
          acquireTime: at,
          renewTime: at,
          leaseTransitions: lease.spec?.leaseTransitions ?? 0,
        });
      } catch (error) {
        log({ level: "warn", msg: "lease release failed", error: String(error) });
      }
    },
  };
}
