/**
 * Load shedding for /validate. A "client" is a remote address: the API server is usually the only one (each
 * API server replica is its own address, unless a tunnel such as konnectivity puts them all behind one), so
 * the per-client cap keeps any other caller (a pod, if the NetworkPolicy is not applied) from taking every
 * slot, and the global cap bounds the whole queue. Requests over a cap, and reviews that waited too long
 * to be answered before the API server's webhook timeout, get 429 with Retry-After, which the API server's
 * webhook client (client-go rest) retries within that timeout.
 */

export type ShedReason = "client-limit" | "global-limit" | "queue-wait";

export interface LoadLimits {
  /** /validate requests at once from one remote address (being read, queued or reviewed). */
  perClient: number;
  /** /validate requests at once from all clients. */
  global: number;
  /** A review not started this long after its request arrived is answered 429 instead. */
  maxWaitMs: number;
}

/** The maximum wait stays well under the registration's timeoutSeconds (5) so a 429 and one retry fit in it. */
export const DEFAULT_LOAD_LIMITS: LoadLimits = { perClient: 64, global: 128, maxWaitMs: 2_000 };

/** Counts requests per client and overall; `enter` admits one (returning its release) or says why not. */
export class LoadGate {
  private readonly byClient = new Map<string, number>();
  private total = 0;
  constructor(private readonly limits: LoadLimits) {}

  enter(client: string): { release: () => void } | { shed: ShedReason } {
    const mine = this.byClient.get(client) ?? 0;
    if (mine >= this.limits.perClient) return { shed: "client-limit" };
    if (this.total >= this.limits.global) return { shed: "global-limit" };
    this.byClient.set(client, mine + 1);
    this.total++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.byClient.get(client) ?? 1) - 1;
        if (left === 0) this.byClient.delete(client);
        else this.byClient.set(client, left);
      },
    };
  }

  get inFlight(): number {
    return this.total;
  }
}

interface Job {
  arrived: number;
  run: () => void;
  shed: () => void;
}

/**
 * Reviews are synchronous CPU work: they run one per event-loop turn in arrival order, so probes,
 * /metrics and 429s are answered between them, and a review whose request arrived more than maxWaitMs ago
 * is shed rather than answered after the API server has given up on it.
 */
export class ReviewQueue {
  private readonly jobs: Job[] = [];
  private head = 0;
  private scheduled = false;
  constructor(
    private readonly maxWaitMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(job: Job): void {
    this.jobs.push(job);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.head >= this.jobs.length) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.scheduled = false;
    const now = this.now();
    // Shedding is cheap: every stale job at the head goes in one turn, then one review runs.
    while (this.head < this.jobs.length) {
      const job = this.jobs[this.head++]!;
      if (now - job.arrived > this.maxWaitMs) job.shed();
      else {
        job.run();
        break;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.jobs.length) {
      this.jobs.splice(0, this.head);
      this.head = 0;
    }
    this.schedule();
  }
}
