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
 * Matches of each peer over all classes are computed once, as a bitset.
 *
 * The NetworkPolicy tier of the evaluator (../tier.ts): a pod selected for a direction gets NetworkPolicy's
 * final word (allowed iff some rule allows, everything else denied); an unselected one falls through.
 */
import type { LabelSelector } from "../../model/objects.js";
import { Bitset } from "../bitset.js";
import type { ClassTable, EndpointClass } from "../classes.js";
import { ConnSet } from "../conns.js";
import type { CompiledPeer, CompiledPolicy, CompiledRule, Direction } from "../policies.js";
import type { PolicyTier, TierDecision } from "../tier.js";

export class NetworkPolicyTier implements PolicyTier {
  readonly name = "networkpolicy";
  readonly ingressPolicies: CompiledPolicy[][];
  readonly egressPolicies: CompiledPolicy[][];
  private readonly peerCache = new Map<string, Bitset>();
  private readonly nsCache = new Map<string, number[]>();
  private readonly nsLabelIndex = new Map<string, number[]>();
  private readonly classLabelIndex = new Map<string, number[]>();
  readonly size: number;

  constructor(
    readonly table: ClassTable,
    readonly policies: CompiledPolicy[],
    readonly ipBlockMatchesPods: boolean,
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
    for (const ns of namespaces)
      for (const [k, v] of Object.entries(ns.labels)) push(this.nsLabelIndex, `${k}=${v}`, ns.index);
    for (const c of classes)
      if (c.kind === "pod")
        for (const [k, v] of Object.entries(c.labels)) push(this.classLabelIndex, `${k}=${v}`, c.index);
  }

  /** Policies isolating a class for a direction (empty: not isolated; external and host classes never are). */
  applying(cls: number, direction: Direction): CompiledPolicy[] {
    return direction === "Ingress" ? this.ingressPolicies[cls]! : this.egressPolicies[cls]!;
  }

  /** The classes a peer selects. */
  peerBits(peer: CompiledPeer): Bitset {
    let bits = this.peerCache.get(peer.key);
    if (!bits) {
      bits = peer.type === "ipBlock" ? this.ipBlockBits(peer) : this.selectorBits(peer);
      this.peerCache.set(peer.key, bits);
    }
    return bits;
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

  decide(direction: Direction, subject: number, peer: number): TierDecision | undefined {
    if (this.applying(subject, direction).length === 0) return undefined;
    const allow = direction === "Ingress" ? this.ingress(subject, peer) : this.egress(subject, peer);
    return { allow, deny: "others" };
  }

  private ipBlockBits(peer: Extract<CompiledPeer, { type: "ipBlock" }>): Bitset {
    const { atoms, classes, externalStart } = this.table;
    const inBlock = new Uint8Array(atoms.ranges.length);
    const range = atoms.inside(peer.cidr);
    for (let a = range.from; a < range.to; a++) inBlock[a] = 1;
    for (const ex of peer.except) {
      const r = atoms.inside(ex);
      for (let a = r.from; a < r.to; a++) inBlock[a] = 0;
    }
    const bits = new Bitset(this.size);
    for (let i = 0; i < externalStart; i++) {
      const c = classes[i]!;
      if ((c.kind === "host" || this.ipBlockMatchesPods) && inBlock[c.atom]) bits.set(i);
    }
    for (let a = 0; a < inBlock.length; a++) if (inBlock[a]) bits.set(externalStart + a);
    return bits;
  }

  private selectorBits(peer: Extract<CompiledPeer, { type: "selector" }>): Bitset {
    const { classes, namespaces, nsIndex } = this.table;
    const bits = new Bitset(this.size);
    let nsList: number[];
    if (!peer.namespaceSelector) {
      const own = nsIndex.get(peer.policyNamespace);
      nsList = own === undefined ? [] : [own];
    } else {
      const key = `${peer.namespaceSelector.text}${peer.namespaceSelector.everything ? "*" : ""}`;
      let cached = this.nsCache.get(key);
      if (!cached) {
        const selector = peer.namespaceSelector;
        cached = candidates(peer.namespaceSelectorSource, this.nsLabelIndex, namespaces.length).filter((n) =>
          selector.matches(namespaces[n]!.labels),
        );
        this.nsCache.set(key, cached);
      }
      nsList = cached;
    }
    const pod = peer.podSelector;
    if (!pod || pod.everything) {
      for (const n of nsList) {
        const ns = namespaces[n]!;
        for (let i = ns.first; i < ns.end; i++) if (classes[i]!.kind === "pod") bits.set(i);
      }
      return bits;
    }
    const inNamespaces = new Uint8Array(namespaces.length);
    for (const n of nsList) inNamespaces[n] = 1;
    const podCandidates = candidatesOrNull(peer.podSelectorSource, this.classLabelIndex);
    if (podCandidates && podCandidates.length < 4 * nsList.length) {
      for (const i of podCandidates) {
        const c = classes[i]!;
        if (inNamespaces[c.ns] && pod.matches(c.labels)) bits.set(i);
      }
      return bits;
    }
    for (const n of nsList) {
      const ns = namespaces[n]!;
      for (let i = ns.first; i < ns.end; i++) {
        const c = classes[i]!;
        if (c.kind === "pod" && pod.matches(c.labels)) bits.set(i);
      }
    }
    return bits;
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Pruning only (the compiled selector still decides): an object lacking one of a selector's matchLabels pairs
 * cannot match, so only the shortest posting list among them needs testing.
 */
function candidatesOrNull(source: LabelSelector | undefined, index: Map<string, number[]>): number[] | null {
  let best: number[] | null = null;
  for (const [k, v] of Object.entries(source?.matchLabels ?? {})) {
    const list = index.get(`${k}=${v}`) ?? [];
    if (!best || list.length < best.length) best = list;
  }
  return best;
}

function candidates(
  source: LabelSelector | undefined,
  index: Map<string, number[]>,
  count: number,
): number[] {
  return candidatesOrNull(source, index) ?? Array.from({ length: count }, (_, i) => i);
}
