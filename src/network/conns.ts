/**
 * Sets of connections: per protocol (TCP, UDP, SCTP — the protocols NetworkPolicy is defined for), a set of
 * destination ports 1–65535 kept as sorted, disjoint, non-adjacent inclusive ranges. Immutable values.
 */

export const PROTOCOLS = ["TCP", "UDP", "SCTP"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** Inclusive port ranges, flattened: [lo0, hi0, lo1, hi1, …]. */
type Ranges = readonly number[];

const EMPTY_RANGES: Ranges = [];
const ALL_RANGES: Ranges = [MIN_PORT, MAX_PORT];

export class ConnSet {
  private constructor(private readonly ranges: Readonly<Record<Protocol, Ranges>>) {}

  static readonly none = new ConnSet({ TCP: EMPTY_RANGES, UDP: EMPTY_RANGES, SCTP: EMPTY_RANGES });
  static readonly all = new ConnSet({ TCP: ALL_RANGES, UDP: ALL_RANGES, SCTP: ALL_RANGES });

  /** One protocol, ports `from`–`to` (every port of the protocol when omitted). */
  static of(
    protocol: Protocol,
    from: number = MIN_PORT,
    to: number = from === MIN_PORT ? MAX_PORT : from,
  ): ConnSet {
    const lo = Math.max(MIN_PORT, from);
    const hi = Math.min(MAX_PORT, to);
    if (lo > hi) return ConnSet.none;
    return new ConnSet({ ...ConnSet.none.ranges, [protocol]: [lo, hi] });
  }

  isEmpty(): boolean {
    return PROTOCOLS.every((p) => this.ranges[p].length === 0);
  }

  isAll(): boolean {
    return PROTOCOLS.every((p) => {
      const r = this.ranges[p];
      return r.length === 2 && r[0] === MIN_PORT && r[1] === MAX_PORT;
    });
  }

  has(protocol: Protocol, port: number): boolean {
    const r = this.ranges[protocol];
    for (let i = 0; i < r.length; i += 2) if (r[i]! <= port && port <= r[i + 1]!) return true;
    return false;
  }

  union(other: ConnSet): ConnSet {
    if (other.isEmpty() || this.isAll()) return this;
    if (this.isEmpty() || other.isAll()) return other;
    return new ConnSet({
      TCP: unionRanges(this.ranges.TCP, other.ranges.TCP),
      UDP: unionRanges(this.ranges.UDP, other.ranges.UDP),
      SCTP: unionRanges(this.ranges.SCTP, other.ranges.SCTP),
    });
  }

  intersect(other: ConnSet): ConnSet {
    if (this.isAll() || other.isEmpty()) return other;
    if (other.isAll() || this.isEmpty()) return this;
    return new ConnSet({
      TCP: intersectRanges(this.ranges.TCP, other.ranges.TCP),
      UDP: intersectRanges(this.ranges.UDP, other.ranges.UDP),
      SCTP: intersectRanges(this.ranges.SCTP, other.ranges.SCTP),
    });
  }

  /** The connections of this set that are not in `other`. */
  subtract(other: ConnSet): ConnSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    if (other.isAll()) return ConnSet.none;
    return new ConnSet({
      TCP: intersectRanges(this.ranges.TCP, complementRanges(other.ranges.TCP)),
      UDP: intersectRanges(this.ranges.UDP, complementRanges(other.ranges.UDP)),
      SCTP: intersectRanges(this.ranges.SCTP, complementRanges(other.ranges.SCTP)),
    });
  }

  /** True when every connection of this set is in `other`. */
  subsetOf(other: ConnSet): boolean {
    return this.intersect(other).equals(this);
  }

  equals(other: ConnSet): boolean {
    return PROTOCOLS.every((p) => {
      const a = this.ranges[p];
      const b = other.ranges[p];
      return a.length === b.length && a.every((v, i) => v === b[i]);
    });
  }

  /** Port ranges of one protocol as [from, to] pairs. */
  portRanges(protocol: Protocol): [number, number][] {
    const r = this.ranges[protocol];
    const out: [number, number][] = [];
    for (let i = 0; i < r.length; i += 2) out.push([r[i]!, r[i + 1]!]);
    return out;
  }

  /** A short string, equal for equal sets: for keying maps (toString is the one to show). */
  key(): string {
    const r = this.ranges;
    return `${r.TCP.join(",")};${r.UDP.join(",")};${r.SCTP.join(",")}`;
  }

  /**
   * `All Connections`, `No Connections`, or protocols in order with merged port ranges:
   * `TCP 80,8080-8090;UDP 53`; a protocol with every port prints bare (`SCTP`).
   */
  toString(): string {
    if (this.isAll()) return "All Connections";
    if (this.isEmpty()) return "No Connections";
    return PROTOCOLS.filter((p) => this.ranges[p].length > 0)
      .map((p) => {
        const r = this.ranges[p];
        if (r.length === 2 && r[0] === MIN_PORT && r[1] === MAX_PORT) return p;
        return `${p} ${this.portRanges(p)
          .map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`))
          .join(",")}`;
      })
      .join(";");
  }

  /** Structured form for JSON output: `{"TCP": ["80", "8080-8090"]}`, or `"all"`. */
  toJSON(): "all" | Partial<Record<Protocol, string[]>> {
    if (this.isAll()) return "all";
    const out: Partial<Record<Protocol, string[]>> = {};
    for (const p of PROTOCOLS) {
      const ranges = this.portRanges(p);
      if (ranges.length > 0) out[p] = ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`));
    }
    return out;
  }
}

function unionRanges(a: Ranges, b: Ranges): Ranges {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const pairs: [number, number][] = [];
  for (let i = 0; i < a.length; i += 2) pairs.push([a[i]!, a[i + 1]!]);
  for (let i = 0; i < b.length; i += 2) pairs.push([b[i]!, b[i + 1]!]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

function intersectRanges(a: Ranges, b: Ranges): Ranges {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]!, b[j]!);
    const hi = Math.min(a[i + 1]!, b[j + 1]!);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

/** The ports of [MIN_PORT, MAX_PORT] outside sorted, disjoint ranges. */
function complementRanges(r: Ranges): Ranges {
  const out: number[] = [];
  let next = MIN_PORT;
  for (let i = 0; i < r.length; i += 2) {
    if (r[i]! > next) out.push(next, r[i]! - 1);
    next = r[i + 1]! + 1;
  }
  if (next <= MAX_PORT) out.push(next, MAX_PORT);
  return out;
}

export function isProtocol(value: string): value is Protocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}
