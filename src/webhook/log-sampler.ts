/**
 * Review logs under load: what a security reviewer needs (a denial, a warning, an audit note) is always
 * logged; routine entries (allowed reviews, malformed bodies, sheds) are logged at most `perSecond` per
 * second, and the rest counted into one "log summary" line per interval, so a flood neither fills the disk
 * nor goes unnoticed.
 */

/** One JSON log line of the webhook. */
export type LogEntry = Record<string, unknown> & { level: "info" | "warn" | "error"; msg: string };

export class LogSampler {
  private windowStart = Number.NEGATIVE_INFINITY;
  private inWindow = 0;
  private notLogged = new Map<string, number>();
  private shed = new Map<string, number>();
  private since: number;

  constructor(
    private readonly log: (entry: LogEntry) => void,
    private readonly perSecond: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.since = now();
  }

  /** Always written. */
  always(entry: LogEntry): void {
    this.log(entry);
  }

  /** Written if this second's budget allows, counted by its `msg` otherwise. */
  sampled(entry: LogEntry): void {
    const now = this.now();
    if (now - this.windowStart >= 1_000) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (this.inWindow < this.perSecond) {
      this.inWindow++;
      this.log(entry);
    } else this.notLogged.set(entry.msg, (this.notLogged.get(entry.msg) ?? 0) + 1);
  }

  /** A request answered 429: never logged one by one, only counted in the summary. */
  countShed(reason: string): void {
    this.shed.set(reason, (this.shed.get(reason) ?? 0) + 1);
  }

  /** The summary of what was not written since the last one; nothing when nothing was left out. */
  flush(): void {
    const now = this.now();
    if (this.notLogged.size > 0 || this.shed.size > 0)
      this.log({
        level: "info",
        msg: "log summary",
        seconds: Math.round((now - this.since) / 100) / 10,
        notLogged: Object.fromEntries(this.notLogged),
        shed: Object.fromEntries(this.shed),
      });
    this.notLogged = new Map();
    this.shed = new Map();
    this.since = now;
  }
}
