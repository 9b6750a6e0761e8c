/**
 * The admin and baseline tiers (../tier.ts): AdminNetworkPolicy and ClusterNetworkPolicy tier Admin, or the
 * BaselineAdminNetworkPolicy and ClusterNetworkPolicy tier Baseline (../cluster-policies.ts), as
 * sigs.k8s.io/network-policy-api specifies them and kube-network-policies implements them:
 * - a policy applies to a pod for a direction iff its subject selects the pod (namespaces, or pods =
 *   namespaceSelector AND podSelector) and it has rules for that direction; hostNetwork pods never;
 * - the policies of the tier are walked by priority (lower first), then each one's rules in order, and the
 *   first rule that matches a connection decides it: Accept (v1alpha1 Allow) and Deny are final, Pass hands
 *   it to the next tier, and what no rule matches goes on too;
 * - a rule matches iff any peer matches and (no ports/protocols, or any of them does);
 * - peers: namespaces / pods (pods only, never hostNetwork ones), networks (CIDRs, which match pod IPs too),
 *   nodes (the node's addresses: its hostNetwork pods and its InternalIP / ExternalIP), domainNames (judged
 *   by the `domainNames` option, as names cannot be resolved offline); an ingress peer matches only pods;
 * - ports: a number or range of one protocol, a whole protocol, or a destination pod's named port (its
 *   containerPort of that name, whatever its protocol).
 */
import { type CIDR, parseIP } from "../../model/ip.js";
import type { Node } from "../../model/objects.js";
import { selectorOrNothing } from "../../model/selector.js";
import { Bitset } from "../bitset.js";
import type { ClassTable, EndpointClass } from "../classes.js";
import type {
  ClusterPeer,
  ClusterPort,
  CompiledClusterPolicy,
  CompiledClusterRule,
} from "../cluster-policies.js";
import { ConnSet, type Protocol } from "../conns.js";
import type { PeerIndex } from "../peers.js";
import type { Direction } from "../policies.js";
import { SequenceIds } from "../sequence-ids.js";
import type { PolicyTier, TierDecision, TierName, TierVerdict } from "../tier.js";

export interface ClusterTierOptions {
  /** How a domainNames peer is judged: "external" (every address outside the cluster) or "nothing". */
  domainNames: "external" | "nothing";
  /** Order of equal priorities: "name" (as kube-network-policies) or "order" (as read). */
  samePriority: "name" | "order";
}

/** One rule's word on one connection, for explanations (`reach --explain`). */
export interface ClusterStep {
  policy: CompiledClusterPolicy;
  rule: CompiledClusterRule;
  verdict: Exclude<TierVerdict, "NoMatch">;
}

/** The order policies of one tier are walked in: priority, then the documented tie-break. */
export function tierOrder(
  policies: CompiledClusterPolicy[],
  samePriority: "name" | "order",
): CompiledClusterPolicy[] {
  return [...policies].sort((a, b) => {
    // A BaselineAdminNetworkPolicy has no priority: after every Baseline ClusterNetworkPolicy.
    const pa = a.priority ?? Number.POSITIVE_INFINITY;
    const pb = b.priority ?? Number.POSITIVE_INFINITY;
    if (pa !== pb) return pa - pb;
    if (samePriority === "order") return a.id - b.id;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
  });
}

/** What a decision reads of its ends, per direction (0 ingress, 1 egress), as small ids (see decide). */
interface Signatures {
  /** Per class, its list of applying policies. */
  list: Int32Array[];
  /** Per class, which of the tier's rule peers select it. */
  peer: Int32Array[];
  /** Per list, the distinct peers of its policies' rules. */
  listPeers: Map<number, Bitset[]>[];
  /** Per class, its ports (when some rule names a port). */
  ports?: Int32Array;
}

export class ClusterPolicyTier implements PolicyTier {
  readonly ingressPolicies: CompiledClusterPolicy[][];
  readonly egressPolicies: CompiledClusterPolicy[][];
  /** Classes of hostNetwork pods (with hostNetwork "pod" they are pod classes): never subjects or peers. */
  private readonly hostNetworkPods: Bitset;
  private readonly peerCache = new Map<ClusterPeer, Bitset>();
  private readonly peerByIdentity = new Map<string, Bitset>();

  constructor(
    readonly name: TierName,
    readonly table: ClassTable,
    /** This tier's policies, in walk order (tierOrder). */
    readonly policies: CompiledClusterPolicy[],
    readonly peers: PeerIndex,
    readonly nodes: readonly Node[],
    readonly options: ClusterTierOptions,
  ) {
    const { classes, namespaces } = table;
    this.hostNetworkPods = new Bitset(classes.length);
    for (const c of classes)
      if (c.kind === "pod" && c.units.some((u) => u.hostNetwork)) this.hostNetworkPods.set(c.index);
    this.ingressPolicies = classes.map(() => []);
    this.egressPolicies = classes.map(() => []);
    for (const policy of policies) {
      for (const ns of namespaces) {
        if (!policy.namespaceSelector.matches(ns.labels)) continue;
        for (let i = ns.first; i < ns.end; i++) {
          const c = classes[i]!;
          if (c.kind !== "pod" || this.hostNetworkPods.has(i)) continue;
          if (policy.podSelector && !policy.podSelector.matches(c.labels)) continue;
          if (policy.ingress.length > 0) this.ingressPolicies[i]!.push(policy);
          if (policy.egress.length > 0) this.egressPolicies[i]!.push(policy);
        }
      }
    }
  }

  /** The tier's policies that apply to a class for a direction, in walk order. */
  applying(cls: number, direction: Direction): CompiledClusterPolicy[] {
    return direction === "Ingress" ? this.ingressPolicies[cls]! : this.egressPolicies[cls]!;
  }

  /** The classes a peer selects (computed once per distinct peer: the same selector in 200 policies is one). */
  peerBits(peer: ClusterPeer): Bitset {
    let bits = this.peerCache.get(peer);
    if (!bits) {
      const key = peerIdentity(peer);
      bits = this.peerByIdentity.get(key);
      if (!bits) {
        bits = this.computePeer(peer);
        this.peerByIdentity.set(key, bits);
      }
      this.peerCache.set(peer, bits);
    }
    return bits;
  }

  private computePeer(peer: ClusterPeer): Bitset {
    const { classes, externalStart } = this.table;
    const bits = new Bitset(classes.length);
    switch (peer.type) {
      case "selector":
        bits.or(this.peers.bits(peer.peer, false));
        for (const i of this.hostNetworkPods.indices()) bits.clear(i);
        return bits;
      case "networks":
        for (const p of peer.peers) bits.or(this.peers.bits(p, true));
        return bits;
      case "nodes": {
        const selected = new Set<string>();
        const ips: CIDR[] = [];
        for (const node of this.nodes) {
          if (!selectorOrNothing(peer.source).matches(node.metadata.labels ?? {})) continue;
          selected.add(node.metadata.name);
          for (const a of node.status?.addresses ?? []) {
            if (a.type !== "InternalIP" && a.type !== "ExternalIP") continue;
            const ip = parseIP(a.address);
            if (ip)
              ips.push({
                family: ip.family,
                first: ip.value,
                last: ip.value,
                prefix: ip.family === 4 ? 32 : 128,
                hostBitsSet: false,
              });
          }
        }
        for (let i = 0; i < externalStart; i++) {
          const c = classes[i]!;
          const onNode = c.kind === "host" || this.hostNetworkPods.has(i);
          if (onNode && c.units.every((u) => u.node !== undefined && selected.has(u.node))) bits.set(i);
        }
        for (const ip of ips) {
          const atom = this.table.atoms.atomOf(ip.family, ip.first);
          if (atom >= 0) bits.set(externalStart + atom);
        }
        return bits;
      }
      case "domainNames":
        if (this.options.domainNames === "external")
          for (let i = externalStart; i < classes.length; i++) bits.set(i);
        return bits;
      case "unknown":
        return bits;
    }
  }

  /** Whether any of a rule's peers selects a class (an ingress peer only ever a pod). */
  ruleMatches(rule: CompiledClusterRule, cls: number): boolean {
    for (const peer of rule.peers) if (this.peerBits(peer).has(cls)) return true;
    return false;
  }

  /** The connections a rule's ports admit toward a destination class. */
  ruleConns(rule: CompiledClusterRule, dst: EndpointClass): ConnSet {
    if (!rule.ports) return ConnSet.all;
    return portsConns(rule.ports, dst);
  }

  /** What one rule takes of a connection set toward `peer` (fail closed included), before the tier's order. */
  ruleTake(rule: CompiledClusterRule, peer: number, dst: EndpointClass): ConnSet {
    if (rule.failClosed) return rule.action === "Accept" ? ConnSet.none : ConnSet.all;
    if (!this.ruleMatches(rule, peer)) return ConnSet.none;
    return this.ruleConns(rule, dst);
  }

  /**
   * A decision depends on the subject only through the policies that apply to it, and on the peer only
   * through which of the tier's rule peers select it (and on the destination's named ports, when a rule
   * names one): decisions are cached by those, so a whole-cluster walk decides each combination once.
   */
  private readonly decisions = new Map<number, Map<number | string, TierDecision>>();
  private sigs?: Signatures;

  private signatures(): Signatures {
    if (this.sigs) return this.sigs;
    const n = this.table.classes.length;
    const ids = new Map<string, number>();
    const id = (key: string) => {
      let v = ids.get(key);
      if (v === undefined) {
        v = ids.size;
        ids.set(key, v);
      }
      return v;
    };
    const list: Int32Array[] = [];
    const peer: Int32Array[] = [];
    const listPeers: Map<number, Bitset[]>[] = [];
    let named = false;
    for (const direction of ["Ingress", "Egress"] as Direction[]) {
      const lists = new Int32Array(n);
      const peers = new Int32Array(n);
      const distinct = new Set<Bitset>();
      for (const p of this.policies)
        for (const r of direction === "Ingress" ? p.ingress : p.egress) {
          for (const peer of r.peers) distinct.add(this.peerBits(peer));
          named ||= r.ports?.some((x) => x.type === "named") ?? false;
        }
      // Inverted: each distinct peer adds its number to the classes it selects (as sequence ids).
      const peerIds = new SequenceIds(distinct.size + 1);
      peers.fill(SequenceIds.empty);
      let tag = 0;
      for (const bits of distinct) {
        tag++;
        for (let c = bits.nextSet(0); c >= 0; c = bits.nextSet(c + 1))
          peers[c] = peerIds.extend(peers[c]!, tag);
      }
      const policyIds = new SequenceIds(this.policies.reduce((max, p) => Math.max(max, p.id), 0) + 1);
      const byList = new Map<number, Bitset[]>();
      for (let c = 0; c < n; c++) {
        const applying = this.applying(c, direction);
        let l = SequenceIds.empty;
        for (const p of applying) l = policyIds.extend(l, p.id);
        lists[c] = l;
        if (!byList.has(l)) {
          const own = new Set<Bitset>();
          for (const p of applying)
            for (const r of direction === "Ingress" ? p.ingress : p.egress)
              for (const x of r.peers) own.add(this.peerBits(x));
          byList.set(l, [...own]);
        }
      }
      list.push(lists);
      peer.push(peers);
      listPeers.push(byList);
    }
    let ports: Int32Array | undefined;
    if (named) {
      ports = new Int32Array(n);
      for (let c = 0; c < n; c++) {
        const cls = this.table.classes[c]!;
        ports[c] = id(
          `N${cls.kind === "pod" ? cls.ports.map((p) => `${p.name ?? ""}/${p.port}/${p.protocol}`).join(",") : "-"}`,
        );
      }
    }
    this.sigs = { list, peer, listPeers, ports };
    return this.sigs;
  }

  subjectKey(direction: Direction, subject: number): string | number {
    const sig = this.signatures();
    const d = direction === "Ingress" ? 0 : 1;
    // A named port is the destination's: the subject's own ports for ingress.
    const list = sig.list[d]![subject]!;
    return sig.ports && d === 0 ? `${list}:${sig.ports[subject]}` : list;
  }

  peerKey(direction: Direction, peer: number): string | number {
    const sig = this.signatures();
    const d = direction === "Ingress" ? 0 : 1;
    const selecting = sig.peer[d]![peer]!;
    return sig.ports && d === 1 ? `${selecting}:${sig.ports[peer]}` : selecting;
  }

  decide(direction: Direction, subject: number, peer: number): TierDecision | undefined {
    const policies = this.applying(subject, direction);
    if (policies.length === 0) return undefined;
    const sig = this.signatures();
    const d = direction === "Ingress" ? 0 : 1;
    const dstIndex = direction === "Egress" ? peer : subject;
    // The peer counts only through the peers of the rules of the subject's policies: a tenant's policy
    // decides alike for every other tenant's pods, whatever else the tier's 200 policies select of them.
    const list = sig.list[d]![subject]!;
    const peers = sig.listPeers[d]!.get(list)!;
    const port = sig.ports ? sig.ports[dstIndex]! : 0;
    // As numbers (a query's hot path) while the list's peers fit in 24 bits, else as a string.
    let key: number | string;
    if (peers.length <= 24) {
      let bits = 0;
      for (let i = 0; i < peers.length; i++) if (peers[i]!.has(peer)) bits |= 1 << i;
      key = bits * 0x4000000 + port;
    } else {
      key = "";
      for (const bits of peers) key += bits.has(peer) ? "1" : "0";
      key += `:${port}`;
    }
    const slot = list * 2 + d;
    let byKey = this.decisions.get(slot);
    if (!byKey) {
      byKey = new Map();
      this.decisions.set(slot, byKey);
    }
    let decision = byKey.get(key);
    if (!decision) {
      decision = this.decideOnce(direction, subject, peer);
      byKey.set(key, decision);
    }
    return decision;
  }

  private decideOnce(direction: Direction, subject: number, peer: number): TierDecision {
    const policies = this.applying(subject, direction);
    const dst = this.table.classes[direction === "Egress" ? peer : subject]!;
    let open = ConnSet.all;
    let allow = ConnSet.none;
    let deny = ConnSet.none;
    let pass = ConnSet.none;
    for (const policy of policies) {
      for (const rule of direction === "Egress" ? policy.egress : policy.ingress) {
        const taken = this.ruleTake(rule, peer, dst).intersect(open);
        if (taken.isEmpty()) continue;
        const action = rule.failClosed ? "Deny" : rule.action;
        if (action === "Accept") allow = allow.union(taken);
        else if (action === "Deny") deny = deny.union(taken);
        else pass = pass.union(taken);
        open = open.subtract(taken);
        if (open.isEmpty()) return { allow, deny, pass };
      }
    }
    return { allow, deny, pass };
  }

  /**
   * The walk for one connection: every rule of the applying policies, in order, that matched it, up to and
   * including the one that decided it (empty: no rule matched).
   */
  walk(
    direction: Direction,
    subject: number,
    peer: number,
    protocol: Protocol,
    port: number,
  ): ClusterStep | undefined {
    const dst = this.table.classes[direction === "Egress" ? peer : subject]!;
    for (const policy of this.applying(subject, direction))
      for (const rule of direction === "Egress" ? policy.egress : policy.ingress) {
        if (!this.ruleTake(rule, peer, dst).has(protocol, port)) continue;
        const action = rule.failClosed ? "Deny" : rule.action;
        return { policy, rule, verdict: action === "Accept" ? "Allow" : action };
      }
    return undefined;
  }
}

/** Peers that select the same classes by construction get the same key. */
function peerIdentity(peer: ClusterPeer): string {
  switch (peer.type) {
    case "selector":
      return `s${peer.peer.key}`;
    case "networks":
      return `n${peer.peers.map((p) => p.key).join(",")}`;
    case "nodes":
      return `o${peer.selector.everything ? "*" : ""}${peer.selector.text}`;
    case "domainNames":
      return `d${peer.names.join(",")}`;
    case "unknown":
      return "u";
  }
}

export function portsConns(ports: ClusterPort[], dst: EndpointClass): ConnSet {
  let out = ConnSet.none;
  for (const p of ports) {
    if (p.type === "number") out = out.union(ConnSet.of(p.protocol, p.from, p.to));
    else if (dst.kind === "pod")
      // A named port is the destination pod's containerPort of that name, with its own protocol.
      for (const cp of dst.ports)
        if (cp.name === p.name) out = out.union(ConnSet.of(cp.protocol, cp.port, cp.port));
  }
  return out;
}

/**
 * Whether a rule takes every connection of its direction (whatever it is asked about): no ports, and peers
 * covering every pod (ingress), or every pod and every IPv4 address (egress); a fail-closed Deny or Pass too.
 */
export function takesEverything(rule: CompiledClusterRule, direction: Direction): boolean {
  if (rule.failClosed) return rule.action !== "Accept";
  if (rule.ports) return false;
  const allPods = rule.peers.some(
    (p) =>
      p.type === "selector" &&
      (p.peer.namespaceSelector?.everything ?? false) &&
      (p.peer.podSelector?.everything ?? true),
  );
  if (direction === "Ingress") return allPods;
  const allIPv4 = rule.peers.some(
    (p) => p.type === "networks" && p.cidrs.some((c) => c.family === 4 && c.prefix === 0),
  );
  return allIPv4;
}

/** The first rule, in a class's walk, that takes every connection (undefined: none does). */
export function firstTakingEverything(
  tier: ClusterPolicyTier | undefined,
  cls: number,
  direction: Direction,
): { policy: CompiledClusterPolicy; rule: CompiledClusterRule } | undefined {
  if (!tier) return undefined;
  for (const policy of tier.applying(cls, direction))
    for (const rule of direction === "Egress" ? policy.egress : policy.ingress)
      if (takesEverything(rule, direction)) return { policy, rule };
  return undefined;
}
