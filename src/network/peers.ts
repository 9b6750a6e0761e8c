/**
 * What a policy peer selects, over all endpoint classes, as a bitset: computed once per distinct peer and
 * shared by every tier (NetworkPolicy peers, and the namespaces / pods / networks peers of the cluster-scoped
 * policies, which compile to the same shapes).
 * - selector: namespaceSelector (absent: the policy's own namespace) AND podSelector (absent: every pod);
 *   only pod-network classes, never hostNetwork pods treated as their node;
 * - ipBlock: cidr minus except; external ranges and nodes (host classes) always, pods when `matchesPods`.
 */
import type { LabelSelector } from "../model/objects.js";
import { Bitset } from "./bitset.js";
import type { ClassTable } from "./classes.js";
import type { CompiledPeer } from "./policies.js";

export class PeerIndex {
  private readonly cache = new Map<string, Bitset>();
  private readonly nsCache = new Map<string, number[]>();
  private readonly nsLabelIndex = new Map<string, number[]>();
  private readonly classLabelIndex = new Map<string, number[]>();
  readonly size: number;

  constructor(readonly table: ClassTable) {
    this.size = table.classes.length;
    for (const ns of table.namespaces)
      for (const [k, v] of Object.entries(ns.labels)) push(this.nsLabelIndex, `${k}=${v}`, ns.index);
    for (const c of table.classes)
      if (c.kind === "pod")
        for (const [k, v] of Object.entries(c.labels)) push(this.classLabelIndex, `${k}=${v}`, c.index);
  }

  /** The classes a peer selects (an ipBlock matching pod IPs when `ipBlockMatchesPods`). */
  bits(peer: CompiledPeer, ipBlockMatchesPods: boolean): Bitset {
    const key = peer.type === "ipBlock" ? `${ipBlockMatchesPods ? "P" : "N"}${peer.key}` : peer.key;
    let bits = this.cache.get(key);
    if (!bits) {
      bits = peer.type === "ipBlock" ? this.ipBlockBits(peer, ipBlockMatchesPods) : this.selectorBits(peer);
      this.cache.set(key, bits);
    }
    return bits;
  }

  private ipBlockBits(peer: Extract<CompiledPeer, { type: "ipBlock" }>, matchesPods: boolean): Bitset {
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
      if ((c.kind === "host" || matchesPods) && inBlock[c.atom]) bits.set(i);
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
