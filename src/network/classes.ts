/**
 * Equivalence classes: endpoints NetworkPolicy cannot tell apart are evaluated once.
 * - pod classes: same namespace, same labels on the keys any pod selector mentions, same container ports,
 *   and (when ipBlocks match pod IPs) the same slice of the address space;
 * - host classes: hostNetwork pods, which policy treats as their node: namespace, node and IP slice;
 * - external classes: the address space split into disjoint ranges at every CIDR boundary the policies use.
 * Classes are ordered by namespace (each namespace a contiguous index range), external ranges last.
 */

import { type CIDR, type Family, familyRange, type IPRange } from "../model/ip.js";
import type { Namespace } from "../model/objects.js";
import type { Snapshot } from "../model/snapshot.js";
import type { CompiledPolicy } from "./policies.js";
import type { ContainerPort, Unit } from "./units.js";

export type ClassKind = "pod" | "host" | "external";

export interface EndpointClass {
  index: number;
  kind: ClassKind;
  /** Index into the namespace table; -1 for external ranges. */
  ns: number;
  namespace?: string;
  /** Labels of a representative member (members agree on every key a selector mentions). */
  labels: Record<string, string>;
  ports: ContainerPort[];
  /** The address-space slice (atom) the members' IPs fall in. */
  atom: number;
  node?: string;
  units: Unit[];
}

export interface NamespaceInfo {
  index: number;
  name: string;
  labels: Record<string, string>;
  object?: Namespace;
  /** Class index range [first, end). */
  first: number;
  end: number;
}

export interface Atoms {
  ranges: IPRange[];
  /** The atom holding an address. */
  atomOf(family: Family, ip: bigint): number;
  /** Atoms inside a CIDR (atoms never straddle a CIDR boundary). */
  inside(cidr: CIDR): { from: number; to: number };
}

export function buildAtoms(cidrs: CIDR[], families: Set<Family>): Atoms {
  families.add(4);
  for (const c of cidrs) families.add(c.family);
  const ranges: IPRange[] = [];
  for (const family of [...families].sort()) {
    const space = familyRange(family);
    const cuts = new Set<bigint>([space.first, space.last + 1n]);
    for (const c of cidrs) if (c.family === family) cuts.add(c.first).add(c.last + 1n);
    const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i + 1 < sorted.length; i++)
      ranges.push({ family, first: sorted[i]!, last: sorted[i + 1]! - 1n });
  }
  const atomOf = (family: Family, ip: bigint): number => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = ranges[mid]!;
      if (r.family < family || (r.family === family && r.last < ip)) lo = mid + 1;
      else if (r.family > family || r.first > ip) hi = mid - 1;
      else return mid;
    }
    return -1;
  };
  return {
    ranges,
    atomOf,
    inside(cidr) {
      const from = atomOf(cidr.family, cidr.first);
      const to = atomOf(cidr.family, cidr.last);
      return { from, to: to + 1 };
    },
  };
}

export interface ClassTable {
  classes: EndpointClass[];
  namespaces: NamespaceInfo[];
  nsIndex: Map<string, number>;
  atoms: Atoms;
  /** First external class; external class i covers atom i - externalStart. */
  externalStart: number;
  classOfUnit: Int32Array;
}

/**
 * What the cluster-scoped policies add to telling endpoints apart: the label keys their selectors mention,
 * addresses (their networks peers match pod IPs), and hostNetwork pods (never their subjects or peers).
 */
export interface ClusterClassing {
  keys: string[];
  byAddress: boolean;
  hostNetworkApart: boolean;
}

export function buildClasses(
  snapshot: Snapshot,
  units: Unit[],
  policies: CompiledPolicy[],
  cidrs: CIDR[],
  ipBlockMatchesPods: boolean,
  hostNetworkAsNode = true,
  cluster: ClusterClassing = { keys: [], byAddress: false, hostNetworkApart: false },
): ClassTable {
  const families = new Set<Family>(units.map((u) => u.family));
  const atoms = buildAtoms(cidrs, families);

  // Namespaces: declared ones, and any a unit or policy lives in (labelled as the API server would).
  const namespaces: NamespaceInfo[] = [];
  const nsIndex = new Map<string, number>();
  const addNamespace = (name: string, labels: Record<string, string>, object?: Namespace) => {
    if (nsIndex.has(name)) return;
    nsIndex.set(name, namespaces.length);
    namespaces.push({ index: namespaces.length, name, labels, object, first: 0, end: 0 });
  };
  for (const ns of snapshot.namespaces) addNamespace(ns.metadata.name, ns.metadata.labels ?? {}, ns);
  for (const u of units) addNamespace(u.namespace, { "kubernetes.io/metadata.name": u.namespace });
  for (const p of policies) addNamespace(p.namespace, { "kubernetes.io/metadata.name": p.namespace });

  const keys = [...new Set([...selectorKeys(policies), ...cluster.keys])].sort();
  const byAddress = ipBlockMatchesPods || cluster.byAddress;
  const byKey = new Map<string, EndpointClass>();
  const classOfUnit = new Int32Array(units.length);
  const pending: EndpointClass[] = [];
  for (const u of units) {
    const atom = atoms.atomOf(u.family, u.ip);
    let key: string;
    const host = u.hostNetwork && hostNetworkAsNode;
    if (host) key = `${u.namespace}\0host\0${u.node ?? ""}\0${atom}`;
    else {
      let labels = "";
      for (const k of keys) {
        const v = Object.hasOwn(u.labels, k) ? u.labels[k] : undefined;
        labels += v === undefined ? "\u0001" : `${k}=${v}\u0001`;
      }
      let ports = "";
      if (u.ports.length === 1) ports = portKey(u.ports[0]!);
      else if (u.ports.length > 1) ports = u.ports.map(portKey).sort().join(",");
      key = `${u.namespace}\0pod\0${labels}\0${ports}\0${byAddress ? atom : ""}${cluster.hostNetworkApart && u.hostNetwork ? "\0h" : ""}`;
    }
    let c = byKey.get(key);
    if (!c) {
      c = {
        index: -1,
        kind: host ? "host" : "pod",
        ns: nsIndex.get(u.namespace)!,
        namespace: u.namespace,
        labels: u.labels,
        ports: u.ports,
        atom,
        node: host ? u.node : undefined,
        units: [],
      };
      byKey.set(key, c);
      pending.push(c);
    }
    c.units.push(u);
  }
  pending.sort((a, b) => a.ns - b.ns);
  const classes: EndpointClass[] = [];
  for (const c of pending) {
    c.index = classes.length;
    classes.push(c);
    for (const u of c.units) classOfUnit[u.index] = c.index;
  }
  for (const ns of namespaces) ns.first = ns.end = classes.length;
  for (let i = classes.length - 1; i >= 0; i--) namespaces[classes[i]!.ns]!.first = i;
  for (const c of classes) namespaces[c.ns]!.end = c.index + 1;
  for (const ns of namespaces) if (ns.end < ns.first) ns.end = ns.first;
  const externalStart = classes.length;
  atoms.ranges.forEach((_, atom) => {
    classes.push({ index: classes.length, kind: "external", ns: -1, labels: {}, ports: [], atom, units: [] });
  });
  return { classes, namespaces, nsIndex, atoms, externalStart, classOfUnit };
}

type SelectorSource = { matchLabels?: Record<string, string>; matchExpressions?: { key: string }[] };

/** Adds every label key a selector mentions (matchLabels and matchExpressions) to `keys`. */
export function addSelectorKeys(keys: Set<string>, selector: SelectorSource | undefined): void {
  for (const k of Object.keys(selector?.matchLabels ?? {})) keys.add(k);
  for (const e of selector?.matchExpressions ?? []) keys.add(e.key);
}

function portKey(p: ContainerPort): string {
  return `${p.name ?? ""}/${p.port}/${p.protocol}`;
}

/** Every label key a pod selector mentions: labels on other keys cannot change any selector's answer. */
function selectorKeys(policies: CompiledPolicy[]): string[] {
  const keys = new Set<string>();
  const add = (s: SelectorSource | undefined) => addSelectorKeys(keys, s);
  for (const p of policies) {
    add(p.podSelectorSource);
    for (const rule of [...p.ingress, ...p.egress])
      for (const peer of rule.peers ?? []) if (peer.type === "selector") add(peer.podSelectorSource);
  }
  return [...keys].sort();
}
