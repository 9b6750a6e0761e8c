/**
 * The policy tiers a connection passes through, per direction, as Kubernetes orders them: admin
 * (AdminNetworkPolicy, ClusterNetworkPolicy tier Admin) → NetworkPolicy → baseline (BaselineAdminNetworkPolicy,
 * ClusterNetworkPolicy tier Baseline) → the default, allow. Each direction is evaluated on its own, and a
 * connection is allowed iff neither the source's egress nor the destination's ingress ends in Deny.
 *
 * A tier decides, for its subject (the source for egress, the destination for ingress) and the peer, which
 * connections it allows and which it denies — both final — and which it passes on: by an explicit Pass, or
 * because no rule matches them (no-match). The next tier sees only what was passed on. A new tier is one file
 * in ./tiers/ implementing PolicyTier, and one line in ./tiers/index.ts; the tiers know nothing of each other.
 */
import { ConnSet } from "./conns.js";
import type { Direction } from "./policies.js";

export type TierName = "admin" | "networkpolicy" | "baseline";

/** How a tier's rules judge a connection; no-match and Pass both hand it to the next tier. */
export type TierVerdict = "Allow" | "Deny" | "Pass" | "NoMatch";

export interface TierDecision {
  /** Connections the tier allows (final for this direction). */
  allow: ConnSet;
  /**
   * Connections the tier denies (final), or `"others"`: every connection it does not allow — NetworkPolicy's
   * word on a pod it selects, which leaves nothing to the tiers after it.
   */
  deny: ConnSet | "others";
  /** Connections a rule explicitly passes on (the rest, matched by no rule, go on too). */
  pass?: ConnSet;
}

export interface PolicyTier {
  readonly name: TierName;
  /**
   * What the tier decides between endpoint classes `subject` (whose policies are asked) and `peer`, for one
   * direction; undefined when no policy of the tier selects the subject for it (every connection goes on).
   */
  decide(direction: Direction, subject: number, peer: number): TierDecision | undefined;
  /**
   * Subjects with the same key get the same decision from every peer, for a direction (the tier's policies
   * that apply to them, and their named ports when a rule names one): whole-cluster walks decide once per key.
   * A tier without it is asked about every class on its own (tierKey). A number where it can be (no string
   * per class in a walk over 50 000 of them); keys of one tier and direction compare with ===.
   */
  subjectKey?(direction: Direction, subject: number): string | number;
  /** Peers with the same key get the same decision from every subject, for a direction. */
  peerKey?(direction: Direction, peer: number): string | number;
}

/** A tier's subject or peer key of a class: its own index when the tier does not say what it reads. */
export function tierKey(
  tier: PolicyTier,
  side: "subject" | "peer",
  direction: Direction,
  cls: number,
): string | number {
  const key = side === "subject" ? tier.subjectKey?.(direction, cls) : tier.peerKey?.(direction, cls);
  return key ?? `#${cls}`;
}

/** The verdict of one connection in a decision (for explanations). */
export function verdictOf(
  decision: TierDecision | undefined,
  protocol: "TCP" | "UDP" | "SCTP",
  port: number,
): TierVerdict {
  if (!decision) return "NoMatch";
  if (decision.allow.has(protocol, port)) return "Allow";
  if (decision.deny === "others" || decision.deny.has(protocol, port)) return "Deny";
  return decision.pass?.has(protocol, port) ? "Pass" : "NoMatch";
}

/** What a direction allows after every tier, in order, and the default allow for what none decided. */
export function throughTiers(
  tiers: readonly PolicyTier[],
  direction: Direction,
  subject: number,
  peer: number,
): ConnSet {
  return composeTiers(tiers.length, (i) => tiers[i]!.decide(direction, subject, peer));
}

/** The walk of throughTiers over the decisions of `count` tiers in order, each asked for only when reached. */
export function composeTiers(count: number, decisionOf: (tier: number) => TierDecision | undefined): ConnSet {
  let allowed = ConnSet.none;
  let open = ConnSet.all;
  for (let i = 0; i < count; i++) {
    const decision = decisionOf(i);
    if (!decision) continue;
    allowed = allowed.union(decision.allow.intersect(open));
    if (decision.deny === "others") return allowed;
    open = open.subtract(decision.allow).subtract(decision.deny);
    if (open.isEmpty()) return allowed;
  }
  return allowed.union(open);
}
