/**
 * Exact NetworkPolicy evaluation between endpoint classes (k8s.io/api networking/v1 types.go):
 * - a policy applies to a pod for a direction iff same namespace, its podSelector matches, and the direction is
 *   in policyTypes; a pod is isolated for a direction iff some policy applies, and then only the union of the
 *   applying policies' rules is allowed (an empty rule list allows nothing);
 * - a rule admits a connection iff its peers and its ports both match (an empty list matches everything);
 * - peers: podSelector alone = the policy's namespace; namespaceSelector alone = every pod of the selected
 *   namespaces; both = AND; ipBlock = cidr minus except (pod IPs too when `ipBlockMatchesPods`);
 * - ports: a number, a range with endPort, or a name resolved against the destination pod's container ports
 *   (name, number and protocol must all match, in egress rules too).
 * Matches of each peer over all classes are computed once, as a bitset (../peers.ts).
 *
 * The NetworkPolicy tier of the evaluator (../tier.ts): a pod selected for a direction gets NetworkPolicy's
 * final word (allowed iff some rule allows, everything else denied); an unselected one falls through.
 */
import type { Bitset } from "../bitset.js";
import type { ClassTable, EndpointClass } from "../classes.js";
import { ConnSet } from "../conns.js";
import type { PeerIndex } from "../peers.js";
import type { CompiledPeer, CompiledPolicy, CompiledRule, Direction } from "../policies.js";
import { SequenceIds } from "../sequence-ids.js";
import type { PolicyTier, TierDecision } from "../tier.js";

export class NetworkPolicyTier implements PolicyTier {
  readonly name = "networkpolicy";
  readonly ingressPolicies: CompiledPolicy[][];
  readonly egressPolicies: CompiledPolicy[][];
  readonly size: number;

  constructor(
    readonly table: ClassTable,
    readonly policies: CompiledPolicy[],
    readonly ipBlockMatchesPods: boolean,
    readonly peers: PeerIndex,
  ) {
    const { classes, namespaces, nsIndex } = table;
    this.size = classes.length;
    this.ingressPolicies = classes.map(() => []);
    this.egressPolicies = classes.map(() => []);
    for (const policy of policies) {
      const ns = namespaces[nsIndex.get(policy.namespace)!]!;
      for (let i = ns.first; i < ns.end; i++) {
        const c = classes[i]!;
        // hostNetwork pods are the node to policy: never selected (the most common CNI behaviour).
        if (c.kind !== "pod" || !policy.podSelector.matches(c.labels)) continue;
        if (policy.affectsIngress) this.ingressPolicies[i]!.push(policy);
        if (policy.affectsEgress) this.egressPolicies[i]!.push(policy);
      }
    }
  }

  /** Policies isolating a class for a direction (empty: not isolated; external and host classes never are). */
  applying(cls: number, direction: Direction): CompiledPolicy[] {
    return direction === "Ingress" ? this.ingressPolicies[cls]! : this.egressPolicies[cls]!;
  }

  /** The classes a peer selects. */
  peerBits(peer: CompiledPeer): Bitset {
    return this.peers.bits(peer, this.ipBlockMatchesPods);
  }

  /** The classes a rule's peer list selects (everything when it has none). */
  ruleMatches(rule: CompiledRule, cls: number): boolean {
    if (!rule.peers) return true;
    for (const peer of rule.peers) if (this.peerBits(peer).has(cls)) return true;
    return false;
  }

  /** The connections a rule's ports admit toward a destination class. */
  ruleConns(rule: CompiledRule, dst: EndpointClass): ConnSet {
    if (rule.ports.length === 0) return ConnSet.all;
    let out = ConnSet.none;
    for (const p of rule.ports) {
      if (p.port === undefined) out = out.union(ConnSet.of(p.protocol));
      else if (typeof p.port === "number")
        out = out.union(ConnSet.of(p.protocol, p.port, p.endPort ?? p.port));
      else if (dst.kind === "pod") {
        // A named port is the destination pod's: name, protocol and number must all match.
        for (const cp of dst.ports)
          if (cp.name === p.port && cp.protocol === p.protocol)
            out = out.union(ConnSet.of(p.protocol, cp.port, cp.port));
      }
    }
    return out;
  }

  /** What `src`'s egress policies allow toward `dst` (every connection when none isolates `src`). */
  egress(src: number, dst: number): ConnSet {
    const policies = this.egressPolicies[src]!;
    if (policies.length === 0) return ConnSet.all;
    const d = this.table.classes[dst]!;
    let out = ConnSet.none;
    for (const policy of policies)
      for (const rule of policy.egress)
        if (this.ruleMatches(rule, dst)) out = out.union(this.ruleConns(rule, d));
    return out;
  }

  /** What `dst`'s ingress policies allow from `src` (every connection when none isolates `dst`). */
  ingress(dst: number, src: number): ConnSet {
    const policies = this.ingressPolicies[dst]!;
    if (policies.length === 0) return ConnSet.all;
    const d = this.table.classes[dst]!;
    let out = ConnSet.none;
    for (const policy of policies)
      for (const rule of policy.ingress)
        if (this.ruleMatches(rule, src)) out = out.union(this.ruleConns(rule, d));
    return out;
  }

  private readonly keys = new Map<Direction, { subject: (string | number)[]; peer: (string | number)[] }>();

  /**
   * Per class, for a direction: the policies that apply to it as a subject (and its ports when one of their
   * rules names a port toward it), and, as a peer, which of the direction's rule peers select it (and its
   * ports when an egress rule names one): what a decision reads of each end.
   */
  private keysOf(direction: Direction): { subject: (string | number)[]; peer: (string | number)[] } {
    let keys = this.keys.get(direction);
    if (keys) return keys;
    const { classes } = this.table;
    const portsOf = (c: number) => {
      const cls = classes[c]!;
      return cls.kind === "pod"
        ? cls.ports.map((p) => `${p.name ?? ""}/${p.port}/${p.protocol}`).join(",")
        : "-";
    };
    const rulesOf = (p: CompiledPolicy) => (direction === "Ingress" ? p.ingress : p.egress);
    const named = (rules: CompiledRule[]) =>
      rules.some((r) => r.ports.some((x) => typeof x.port === "string"));
    // Numbered, not spelled out: the applying policies and the selecting peers as sequence ids.
    const policyIds = new SequenceIds(this.policies.reduce((max, p) => Math.max(max, p.id), 0) + 1);
    const naming = new Set(this.policies.filter((p) => direction === "Ingress" && named(rulesOf(p))));
    const subject = classes.map((_, c): string | number => {
      const policies = this.applying(c, direction);
      let id = SequenceIds.empty;
      let withPorts = false;
      for (let i = 0; i < policies.length; i++) {
        id = policyIds.extend(id, policies[i]!.id);
        withPorts ||= naming.has(policies[i]!);
      }
      return withPorts ? `${id}|${portsOf(c)}` : id;
    });
    // Inverted: each distinct peer adds its number to the classes it selects.
    const distinct = new Map<string, CompiledPeer>();
    let egressNamed = false;
    for (const policy of this.policies) {
      const rules = rulesOf(policy);
      if (direction === "Egress") egressNamed ||= named(rules);
      for (const rule of rules)
        for (const p of rule.peers ?? []) if (!distinct.has(p.key)) distinct.set(p.key, p);
    }
    const peerIds = new SequenceIds(distinct.size + 1);
    const selecting = new Array<number>(classes.length).fill(SequenceIds.empty);
    let tag = 0;
    for (const p of distinct.values()) {
      tag++;
      const bits = this.peerBits(p);
      for (let c = bits.nextSet(0); c >= 0; c = bits.nextSet(c + 1))
        selecting[c] = peerIds.extend(selecting[c]!, tag);
    }
    const peer = selecting.map((id, c): string | number => (egressNamed ? `${id}|${portsOf(c)}` : id));
    keys = { subject, peer };
    this.keys.set(direction, keys);
    return keys;
  }

  subjectKey(direction: Direction, subject: number): string | number {
    return this.keysOf(direction).subject[subject]!;
  }

  peerKey(direction: Direction, peer: number): string | number {
    return this.keysOf(direction).peer[peer]!;
  }

  decide(direction: Direction, subject: number, peer: number): TierDecision | undefined {
    if (this.applying(subject, direction).length === 0) return undefined;
    const allow = direction === "Ingress" ? this.ingress(subject, peer) : this.egress(subject, peer);
    return { allow, deny: "others" };
  }
}
