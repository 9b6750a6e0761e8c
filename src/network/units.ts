/**
 * What the network engine reasons about, built from a Snapshot:
 * - units: every pod, and every workload's pod template when no pod of it is in the snapshot (so manifests
 *   without running pods still analyse), each with namespace, labels, container ports, IP and node;
 * - peers: what reports name — a workload and the pods it owns are one peer `ns/name[Kind]` (ownership by
 *   ownerReferences, up to the top-most owner, or by the workload's selector), a bare pod is `ns/name[Pod]`.
 * Pods without an IP get a synthetic one from the pod CIDR option; hostNetwork pods take their node's IP.
 */

import type { Diagnostic } from "../model/diagnostic.js";
import { type Family, formatIP, parseCIDR, parseIP } from "../model/ip.js";
import type { Container, LabelSelector, Pod, Workload } from "../model/objects.js";
import { originOf } from "../model/origin.js";
import { selectorFromMap, selectorOrNothing } from "../model/selector.js";
import type { Snapshot } from "../model/snapshot.js";
import { POD_CONTROLLER_KINDS, peerName, podTemplateOf } from "../model/workloads.js";
import type { Protocol } from "./conns.js";

export interface ContainerPort {
  name?: string;
  port: number;
  protocol: Protocol;
}

export interface Unit {
  index: number;
  /** `ns/name[Pod]`, or the workload's name for a template stand-in. */
  name: string;
  namespace: string;
  labels: Record<string, string>;
  ports: ContainerPort[];
  family: Family;
  ip: bigint;
  ipText: string;
  /** The IP was invented (manifest without status): ipBlocks are judged against a stand-in address. */
  syntheticIP: boolean;
  hostNetwork: boolean;
  /** spec.nodeName, when known. */
  node?: string;
  object: Pod | Workload;
  peer: Peer;
}

export interface Peer {
  index: number;
  /** `ns/name[Kind]`. */
  name: string;
  kind: string;
  namespace: string;
  object: Pod | Workload;
  units: Unit[];
}

export interface UnitOptions {
  /** Where synthetic pod IPs come from (kind's default pod CIDR). */
  podCIDR: string;
  /** Where synthetic node IPs come from (kind's default node network). */
  nodeCIDR: string;
}

export const DEFAULT_UNIT_OPTIONS: UnitOptions = { podCIDR: "10.244.0.0/16", nodeCIDR: "172.18.0.0/16" };

/** Workload kinds that run pods and so are peers (a PodTemplate runs nothing). */
const PEER_KINDS = new Set<string>(POD_CONTROLLER_KINDS);

export function buildUnits(
  snapshot: Snapshot,
  options: UnitOptions = DEFAULT_UNIT_OPTIONS,
): { units: Unit[]; peers: Peer[]; diagnostics: Diagnostic[] } {
  const workloads = snapshot.workloads.filter((w) => PEER_KINDS.has(w.kind));
  // namespace → kind → name: no key string built per lookup (every pod looks up its owners).
  const byKey = new Map<string, Map<string, Map<string, Workload>>>();
  for (const w of workloads) {
    let byKind = byKey.get(w.metadata.namespace);
    if (!byKind) {
      byKind = new Map();
      byKey.set(w.metadata.namespace, byKind);
    }
    let byName = byKind.get(w.kind);
    if (!byName) {
      byName = new Map();
      byKind.set(w.kind, byName);
    }
    byName.set(w.metadata.name, w);
  }
  const workloadNamed = (kind: string, namespace: string, name: string) =>
    byKey.get(namespace)?.get(kind)?.get(name);

  const topOwner = (kind: string, namespace: string, name: string, depth = 0): Workload | undefined => {
    let found = workloadNamed(kind, namespace, name);
    if (!found && kind === "ReplicaSet") found = guessOwner("Deployment", namespace, name);
    if (!found && kind === "Job") found = guessOwner("CronJob", namespace, name);
    if (!found) return undefined;
    const owner = controllerOf(found.metadata.ownerReferences);
    if (owner && depth < 8) return topOwner(owner.kind, namespace, owner.name, depth + 1) ?? found;
    return found;
  };
  // A ReplicaSet `web-5d4f8b` not in the snapshot belongs to Deployment `web`; a Job `nightly-28512345` to CronJob `nightly`.
  const guessOwner = (kind: string, namespace: string, name: string): Workload | undefined => {
    const cut = name.lastIndexOf("-");
    return cut > 0 ? workloadNamed(kind, namespace, name.slice(0, cut)) : undefined;
  };
  // Compiled on first need: only pods without ownerReferences are matched by selector.
  let selectorMatches:
    | { workload: Workload; matches: (labels: Record<string, string>) => boolean }[]
    | undefined;
  const matchBySelector = (ns: string, labels: Record<string, string>) => {
    selectorMatches ??= workloads.map((w) => ({ workload: w, matches: workloadSelector(w) }));
    return selectorMatches.find((m) => m.workload.metadata.namespace === ns && m.matches(labels));
  };

  const peers: Peer[] = [];
  const peerOf = new Map<object, Peer>();
  // Controllers that pods name but the input does not hold: `kind/ns/name` → the peer of their pods.
  const absentControllers = new Map<string, Peer>();
  const absentControllerPeer = (ref: { kind: string; name: string }, pod: Pod): Peer => {
    const namespace = pod.metadata.namespace;
    const key = `${ref.kind}/${namespace}/${ref.name}`;
    let peer = absentControllers.get(key);
    if (!peer) {
      peer = {
        index: peers.length,
        name: peerName({ kind: ref.kind, metadata: { namespace, name: ref.name } }),
        kind: ref.kind,
        namespace,
        object: pod,
        units: [],
      };
      peers.push(peer);
      absentControllers.set(key, peer);
    }
    return peer;
  };
  const peerFor = (object: Pod | Workload): Peer => {
    let peer = peerOf.get(object);
    if (!peer) {
      peer = {
        index: peers.length,
        name: peerName(object),
        kind: object.kind,
        namespace: object.metadata.namespace,
        object,
        units: [],
      };
      peers.push(peer);
      peerOf.set(object, peer);
    }
    return peer;
  };

  const units: Unit[] = [];
  const ips = new IPAllocator(options, snapshot);
  const addUnit = (
    object: Pod | Workload,
    peer: Peer,
    name: string,
    spec: Pod["spec"],
    labels: Record<string, string>,
    ipText: string | undefined,
  ) => {
    const hostNetwork = spec?.hostNetwork === true;
    const node = spec?.nodeName || undefined;
    let ip = ipText ? parseIP(ipText) : undefined;
    let text = ip ? ipText : undefined;
    let synthetic = false;
    if (hostNetwork) {
      const nodeIP = ips.nodeIP(node);
      ip = nodeIP.ip;
      synthetic = nodeIP.synthetic;
      text = undefined;
    }
    if (!ip) {
      ip = ips.synthetic();
      synthetic = true;
    }
    const unit: Unit = {
      index: units.length,
      name,
      namespace: object.metadata.namespace,
      labels,
      ports: containerPorts(spec),
      family: ip.family,
      ip: ip.value,
      ipText: text ?? formatIP(ip.family, ip.value),
      syntheticIP: synthetic,
      hostNetwork,
      node,
      object,
      peer,
    };
    units.push(unit);
    peer.units.push(unit);
  };

  const owned = new Set<Workload>();
  for (const pod of snapshot.pods) {
    const ns = pod.metadata.namespace;
    const labels = pod.metadata.labels ?? {};
    let owner: Workload | undefined;
    const ref = controllerOf(pod.metadata.ownerReferences);
    if (ref) owner = topOwner(ref.kind, ns, ref.name);
    if (!owner && !ref) {
      const match = matchBySelector(ns, labels);
      if (match) {
        const up = controllerOf(match.workload.metadata.ownerReferences);
        owner = (up && topOwner(up.kind, ns, up.name)) || match.workload;
      }
    }
    if (owner) owned.add(owner);
    // A pod whose controller is not in the input is named by it, as the live cluster would show it;
    // a static pod (its controller is its Node) keeps its own name.
    const peer =
      owner || !ref || ref.kind === "Node" ? peerFor(owner ?? pod) : absentControllerPeer(ref, pod);
    addUnit(pod, peer, peerName(pod), pod.spec, labels, pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip);
  }
  for (const workload of workloads) {
    if (owned.has(workload)) continue;
    // Owned by another workload in the snapshot (a Deployment's ReplicaSet): that one is the peer.
    const up = controllerOf(workload.metadata.ownerReferences);
    const top = up ? topOwner(up.kind, workload.metadata.namespace, up.name) : undefined;
    if (top && top !== workload) continue;
    const template = podTemplateOf(workload);
    if (!template) continue;
    addUnit(
      workload,
      peerFor(workload),
      peerName(workload),
      template.spec,
      template.metadata.labels ?? {},
      undefined,
    );
  }
  return {
    diagnostics: differingLabels(peers),
    units,
    peers: peers.filter((p) => p.units.length > 0).map((p, index) => Object.assign(p, { index })),
  };
}

function controllerOf(refs: { kind: string; name: string; controller?: boolean }[] | undefined) {
  if (!refs || refs.length === 0) return undefined;
  return refs.find((r) => r.controller) ?? refs[0];
}

function workloadSelector(workload: Workload): (labels: Record<string, string>) => boolean {
  let selector: LabelSelector | Record<string, string> | undefined;
  switch (workload.kind) {
    case "ReplicationController": {
      const map = workload.spec?.selector ?? podTemplateOf(workload)?.metadata.labels;
      const compiled = selectorFromMap(map);
      return (labels) => Object.keys(map ?? {}).length > 0 && compiled.matches(labels);
    }
    case "CronJob":
      selector = workload.spec?.jobTemplate?.spec?.selector;
      break;
    case "PodTemplate":
      return () => false;
    default:
      selector = workload.spec?.selector;
  }
  if (!selector) {
    // Jobs and CronJobs usually leave the selector to the API server, which selects the template's labels.
    const map = podTemplateOf(workload)?.metadata.labels;
    if (!map || Object.keys(map).length === 0) return () => false;
    const compiled = selectorFromMap(map);
    return (labels) => compiled.matches(labels);
  }
  const compiled = selectorOrNothing(selector as LabelSelector);
  return (labels) => !compiled.everything && compiled.matches(labels);
}

/** Container ports of the containers and of restartable init containers (sidecars), protocol defaulted. */
function containerPorts(spec: Pod["spec"]): ContainerPort[] {
  const out: ContainerPort[] = [];
  const add = (c: Container) => {
    const ports = c.ports;
    if (ports)
      // A port without a number (analysed under --validate=warn) matches no rule.
      for (const p of ports)
        if (p.containerPort !== undefined)
          out.push({
            name: p.name || undefined,
            port: p.containerPort,
            protocol: (p.protocol ?? "TCP") as Protocol,
          });
  };
  for (const c of spec?.containers ?? []) add(c);
  for (const c of spec?.initContainers ?? []) if (c.restartPolicy === "Always") add(c);
  return out;
}

/** Labels a controller sets per pod (revision, ordinal, completion index): they differ among its pods by design. */
const PER_POD_LABELS = new Set([
  "pod-template-hash",
  "controller-revision-hash",
  "pod-template-generation",
  "statefulset.kubernetes.io/pod-name",
  "apps.kubernetes.io/pod-index",
  "batch.kubernetes.io/job-completion-index",
]);

/**
 * One peer's pods are judged pod by pod, but reported under one name: say so when their labels differ (a
 * policy may select some of them and not the others), rather than merge them silently.
 */
function differingLabels(peers: Peer[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const peer of peers) {
    const pods = peer.units.filter((u) => u.object.kind === "Pod");
    if (pods.length < 2) continue;
    const first = pods[0]!.labels;
    const other = pods.find((u) => !sameLabels(first, u.labels));
    if (other)
      diagnostics.push({
        severity: "warning",
        message: `the pods of ${peer.name} do not all have the same labels (${pods[0]!.name} and ${other.name} differ): each is judged by its own labels, and reported as ${peer.name}`,
        origin: originOf(other.object),
      });
  }
  return diagnostics;
}

/** Whether two label maps hold the same labels, the per-pod ones (PER_POD_LABELS) aside. */
function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  if (a === b) return true;
  let count = 0;
  for (const key of Object.keys(a)) {
    if (PER_POD_LABELS.has(key)) continue;
    if (!Object.hasOwn(b, key) || a[key] !== b[key]) return false;
    count++;
  }
  for (const key of Object.keys(b)) if (!PER_POD_LABELS.has(key)) count--;
  return count === 0;
}

/** Hands out IPs nobody in the snapshot uses: synthetic pod IPs and node IPs. */
class IPAllocator {
  private usedCache?: Set<string>;
  private nextPod: bigint;
  private readonly lastPod: bigint;
  private nextNode: bigint;
  private readonly podFamily: Family;
  private readonly nodeFamily: Family;
  private readonly nodes = new Map<string, { ip: { family: Family; value: bigint }; synthetic: boolean }>();

  constructor(
    options: UnitOptions,
    private readonly snapshot: Snapshot,
  ) {
    const pod = parseCIDR(options.podCIDR) ?? parseCIDR(DEFAULT_UNIT_OPTIONS.podCIDR)!;
    const node = parseCIDR(options.nodeCIDR) ?? parseCIDR(DEFAULT_UNIT_OPTIONS.nodeCIDR)!;
    this.podFamily = pod.family;
    this.nodeFamily = node.family;
    this.nextPod = pod.first + 2n;
    this.lastPod = pod.last;
    this.nextNode = node.first + 2n;
    for (const n of snapshot.nodes) {
      const address = n.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
      const ip = address ? parseIP(address) : undefined;
      if (ip) this.nodes.set(n.metadata.name, { ip, synthetic: false });
    }
  }

  /** Addresses taken by pods and nodes, built only when a synthetic address is first needed. */
  private get used(): Set<string> {
    if (!this.usedCache) {
      this.usedCache = new Set();
      for (const p of this.snapshot.pods) if (p.status?.podIP) this.usedCache.add(p.status.podIP);
      for (const n of this.nodes.values()) this.usedCache.add(formatIP(n.ip.family, n.ip.value));
    }
    return this.usedCache;
  }

  synthetic(): { family: Family; value: bigint } {
    while (this.nextPod < this.lastPod && this.used.has(formatIP(this.podFamily, this.nextPod)))
      this.nextPod++;
    return { family: this.podFamily, value: this.nextPod++ };
  }

  nodeIP(node: string | undefined): { ip: { family: Family; value: bigint }; synthetic: boolean } {
    const key = node ?? "";
    let found = this.nodes.get(key);
    if (!found) {
      while (this.used.has(formatIP(this.nodeFamily, this.nextNode))) this.nextNode++;
      found = { ip: { family: this.nodeFamily, value: this.nextNode++ }, synthetic: true };
      this.nodes.set(key, found);
    }
    return found;
  }
}
