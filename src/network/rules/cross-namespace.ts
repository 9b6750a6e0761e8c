/** Workloads (or, in huge clusters, namespaces) that pods of other namespaces can reach. */
import { originOf } from "../../model/origin.js";
import type { Draft, FindingRule } from "../../model/rule.js";
import { ConnSet } from "../conns.js";
import type { NetworkModel } from "../model.js";
import { reachEnds } from "../reach.js";
import type { Unit } from "../units.js";
import { MAX_EXAMPLES, manifest, networkPolicy, policyRef } from "./support.js";

/**
 * Pod classes up to which cross-namespace reachability is reported per workload (every class pair is
 * examined); above it, per destination namespace from the namespace matrix, so huge clusters stay fast.
 */
export const PER_WORKLOAD_CLASS_LIMIT = 3000;
/**
 * Peers (workloads, bare pods) up to which it is per workload too: its sources × destinations grow with the
 * square of the peers, and with few classes (no policy tells pods apart) 110 000 bare pods would be 10^10.
 */
export const PER_WORKLOAD_PEER_LIMIT = 3000;

const find = (model: NetworkModel): Draft[] =>
  model.table.externalStart <= PER_WORKLOAD_CLASS_LIMIT && model.peers.length <= PER_WORKLOAD_PEER_LIMIT
    ? crossNamespaceByWorkload(model)
    : crossNamespaceByNamespace(model);

/** Workloads reachable from other namespaces, with who, on which ports, why, and what closes it. */
function crossNamespaceByWorkload(model: NetworkModel): Draft[] {
  interface Source {
    units: Set<Unit>;
    conns: ConnSet;
  }
  // For each destination unit class: sources from other namespaces.
  const bySrcClass = new Map<number, Map<number, Source>>();
  // One unit per peer of a pod class: the class's pods are judged alike, and only a hostNetwork source
  // (a host class, kept whole) depends on its node.
  const perPeer = new Map<number, Unit[]>();
  const unitsOf = (c: (typeof model.table.classes)[number]): Unit[] => {
    if (c.kind !== "pod") return c.units;
    let list = perPeer.get(c.index);
    if (!list) {
      const seen = new Set<number>();
      list = c.units.filter((u) => !seen.has(u.peer.index) && seen.add(u.peer.index));
      perPeer.set(c.index, list);
    }
    return list;
  };
  model.forEachClassPair((s, d, conns) => {
    const sc = model.table.classes[s]!;
    const dc = model.table.classes[d]!;
    if (sc.kind === "external" || dc.kind !== "pod" || sc.ns === dc.ns) return;
    for (const su of unitsOf(sc)) {
      for (const du of sc.kind === "host" ? dc.units : unitsOf(dc)) {
        const c = model.nodeLocal(su, du) ? ConnSet.all : conns;
        if (c.isEmpty()) continue;
        let map = bySrcClass.get(du.peer.index);
        if (!map) {
          map = new Map();
          bySrcClass.set(du.peer.index, map);
        }
        let src = map.get(su.peer.index);
        if (!src) {
          src = { units: new Set(), conns: ConnSet.none };
          map.set(su.peer.index, src);
        }
        src.units.add(su);
        src.conns = src.conns.union(c);
      }
    }
  });
  const otherNamespaces = (ns: string) =>
    new Set(model.units.map((u) => u.namespace).filter((n) => n !== ns));
  const out: Draft[] = [];
  for (const [dstIndex, sources] of [...bySrcClass].sort(([a], [b]) => a - b)) {
    const dst = model.peers[dstIndex]!;
    const srcPeers = [...sources.keys()]
      .map((i) => model.peers[i]!)
      .sort((a, b) => a.name.localeCompare(b.name));
    const namespaces = new Set(srcPeers.map((p) => p.namespace));
    const all = otherNamespaces(dst.namespace);
    const fromEvery = [...all].every((n) => namespaces.has(n));
    const dstPorts = dst.units[0]!.ports;
    const reachable = dstPorts.filter((p) =>
      [...sources.values()].some((s) => s.conns.has(p.protocol, p.port)),
    );
    const portText =
      reachable.length > 0 ? ` on ${reachable.map((p) => `${p.protocol} ${p.port}`).join(", ")}` : "";
    const evidence: string[] = [];
    const dstClass = model.classOf(dst.units[0]!);
    const isolating = model.evaluator.applying(dstClass.index, "Ingress");
    const clusterDecides = [model.evaluator.admin, model.evaluator.baseline].some(
      (t) => (t?.applying(dstClass.index, "Ingress").length ?? 0) > 0,
    );
    let adminAccept: string | undefined;
    if (clusterDecides) {
      // A cluster-scoped policy may decide before or after NetworkPolicy: the tier walk's own reason.
      // A source that policy decides for (not a hostNetwork pod on the destination's node, which is exempt).
      const decided = srcPeers.find((p) => {
        const u = [...sources.get(p.index)!.units][0]!;
        return !dst.units.some((du) => model.nodeLocal(u, du));
      });
      const first = sources.get((decided ?? srcPeers[0]!).index)!;
      const su = [...first.units][0]!;
      const protocol =
        (["TCP", "UDP", "SCTP"] as const).find((p) => first.conns.portRanges(p).length > 0) ?? "TCP";
      const port = first.conns.portRanges(protocol)[0]?.[0] ?? 1;
      const verdict = reachEnds(
        model,
        { type: "unit", unit: su },
        { type: "unit", unit: dst.units[0]! },
        port,
        protocol,
      );
      evidence.push(`${dst.name}'s ingress: ${verdict.ingress.reason}`);
      const by = verdict.ingress.decidedBy;
      if (by?.tier === "admin" && (by.action === "Accept" || by.action === "Allow"))
        adminAccept = `${by.kind} ${JSON.stringify(by.policy)} ingress rule ${by.rule}`;
    } else
      evidence.push(
        isolating.length === 0
          ? `no NetworkPolicy in namespace ${dst.namespace} selects ${dst.name} for Ingress: all ingress is allowed`
          : `${dst.name} is isolated for ingress by ${isolating.map(policyRef).join(", ")}`,
      );
    const nodeLocal: string[] = [];
    const byRule = new Map<string, string[]>();
    for (const peer of srcPeers) {
      const src = sources.get(peer.index)!;
      const shown = evidence.length - 1;
      if (shown < MAX_EXAMPLES) evidence.push(`${peer.name} => ${dst.name} : ${src.conns}`);
      else if (shown === MAX_EXAMPLES) evidence.push(`… and ${srcPeers.length - MAX_EXAMPLES} more sources`);
      const su = [...src.units][0]!;
      const local = dst.units.find((du) => model.nodeLocal(su, du));
      if (local) {
        nodeLocal.push(
          `${peer.name} uses hostNetwork on ${local.node}, the node of ${local.name}: traffic from a pod's own node is always allowed, so no NetworkPolicy can close it (remove hostNetwork or schedule apart)`,
        );
        continue;
      }
      const sClass = model.classOf(su).index;
      for (const policy of isolating) {
        for (const rule of policy.ingress) {
          if (
            model.evaluator.ruleMatches(rule, sClass) &&
            !model.evaluator.ruleConns(rule, dstClass).isEmpty()
          ) {
            const key = `${policyRef(policy)} ingress rule ${rule.index}`;
            byRule.set(key, [...(byRule.get(key) ?? []), peer.name]);
          }
        }
      }
    }
    evidence.push(...nodeLocal);
    for (const [rule, peers] of byRule) evidence.push(`${rule} admits ${peers.join(", ")}`);
    let remediation: string;
    if (isolating.length === 0) {
      remediation = `This NetworkPolicy isolates ${dst.namespace}'s pods for ingress and admits only pods of ${dst.namespace}; add rules for the other namespaces that must connect:\n${manifest(
        [
          networkPolicy(dst.namespace, "allow-same-namespace", {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: {} }] }],
          }),
        ],
      )}`;
    } else {
      remediation = `Narrow the rules that admit other namespaces (${[...byRule.keys()].join("; ") || "none"}): give their from a namespaceSelector naming only the namespaces that must connect.`;
    }
    // An admin-tier Accept is final: no NetworkPolicy of the namespace can take it back.
    if (adminAccept)
      remediation = `${adminAccept} accepts it before any NetworkPolicy is asked, and NetworkPolicy cannot override it: narrow that rule's from (or its subject) if ${dst.namespace} should not be reached.`;
    else if (nodeLocal.length > 0 && isolating.length === 0)
      remediation += `It closes the gap for every source except the hostNetwork pods on ${dst.name}'s node (see the evidence): a node's own traffic is always allowed.`;
    if (nodeLocal.length > 0 && byRule.size === 0 && isolating.length > 0)
      remediation =
        "Only hostNetwork pods on the same node reach it; NetworkPolicy cannot stop a node's own traffic: remove hostNetwork from those pods.";
    out.push({
      severity: fromEvery && all.size > 0 ? "high" : "medium",
      subject:
        srcPeers.length <= 3
          ? srcPeers.map((p) => p.name).join(", ")
          : `${srcPeers.length} workloads in ${namespaces.size} namespaces`,
      object: dst.name,
      message: `${srcPeers
        .map((p) => p.name)
        .slice(0, 5)
        .join(
          ", ",
        )}${srcPeers.length > 5 ? ` and ${srcPeers.length - 5} more` : ""} (${fromEvery ? "every other namespace" : [...namespaces].sort().join(", ")}) can reach ${dst.name}${portText}`,
      evidence,
      remediation,
      resource: { kind: dst.kind, namespace: dst.namespace, name: dst.object.metadata.name },
      origin: originOf(dst.object),
    });
  }
  return out;
}

/** Namespaces other namespaces reach (large clusters): which, how (full or partial), one example, the fix. */
export function crossNamespaceByNamespace(model: NetworkModel): Draft[] {
  const matrix = model.namespaceMatrix();
  const { namespaces, classes } = model.table;
  const out: Draft[] = [];
  const withPods = namespaces.filter((ns) => ns.end > ns.first);
  // Per destination namespace: how many others reach it, and the first few, in one pass over the rows.
  const reachedBy = new Int32Array(namespaces.length);
  const shown: number[][] = namespaces.map(() => []);
  for (const a of namespaces)
    for (const b of matrix.connected(a.index))
      if (b !== a.index && reachedBy[b]!++ < MAX_EXAMPLES) shown[b]!.push(a.index);
  // Each reached namespace's example comes from the first namespace reaching it: one walk per such source.
  const reachedFrom = new Map<number, number[]>();
  for (const b of namespaces) {
    const first = shown[b.index]![0];
    if (first === undefined) continue;
    const list = reachedFrom.get(first);
    if (list) list.push(b.index);
    else reachedFrom.set(first, [b.index]);
  }
  const examples = new Map<number, ReturnType<NetworkModel["firstConnection"]>>();
  for (const [a, targets] of reachedFrom)
    for (const [b, example] of model.firstConnections(a, targets)) examples.set(b, example);
  for (const b of namespaces) {
    const count = reachedBy[b.index]!;
    if (count === 0) continue;
    const sources = shown[b.index]!.map((i) => namespaces[i]!);
    const fromEvery = count === withPods.length - (b.end > b.first ? 1 : 0);
    const example = examples.get(b.index);
    const open = [];
    for (let d = b.first; d < b.end; d++)
      if (classes[d]!.kind === "pod" && model.evaluator.applying(d, "Ingress").length === 0)
        open.push(...new Set(classes[d]!.units.map((u) => u.peer.name)));
    const list = sources.map((a) => `${a.name} (${matrix.status(a.index, b.index)})`);
    const evidence = [
      `namespaces reaching ${b.name}: ${list.join(", ")}${count > MAX_EXAMPLES ? `, … (${count - MAX_EXAMPLES} more)` : ""}`,
    ];
    if (example)
      evidence.push(`for example ${example.src.peer.name} => ${example.dst.peer.name} : ${example.conns}`);
    if (open.length > 0)
      evidence.push(
        `not isolated for ingress (every source allowed): ${open.slice(0, 10).join(", ")}${open.length > 10 ? ", …" : ""}`,
      );
    out.push({
      severity: fromEvery ? "high" : "medium",
      subject: fromEvery ? "every other namespace" : `${count} namespace${count === 1 ? "" : "s"}`,
      object: `namespace ${b.name}`,
      message: `${fromEvery ? "every other namespace" : `${count} other namespace${count === 1 ? "" : "s"}`} can reach pods of namespace ${b.name}`,
      evidence,
      remediation:
        open.length > 0
          ? `Isolate ${b.name}'s pods for ingress, admitting only its own pods; then add rules for the namespaces that must connect:\n${manifest(
              [
                networkPolicy(b.name, "allow-same-namespace", {
                  podSelector: {},
                  policyTypes: ["Ingress"],
                  ingress: [{ from: [{ podSelector: {} }] }],
                }),
              ],
            )}`
          : `Narrow the ingress rules of ${b.name}'s policies that admit other namespaces (kubefence reach SRC DST names them).`,
      resource: { kind: "Namespace", name: b.name },
      origin: b.object ? originOf(b.object) : undefined,
    });
  }
  return out;
}

export const crossNamespace: FindingRule<NetworkModel> = {
  id: "network.cross-namespace",
  plane: "network",
  severity: "high",
  title: "Reachable from other namespaces",
  description:
    "Pods of other namespaces can open connections to the workload under the NetworkPolicies as written: high when every other namespace can, medium when some can.",
  help: "Isolate the namespace for ingress and admit only the namespaces that must connect (a namespaceSelector naming them), or narrow the rules that admit them.",
  remediation:
    "Isolate <namespace>'s pods for ingress, admitting only its own pods (an allow-same-namespace NetworkPolicy), or narrow the rules that admit other namespaces: <rules>.",
  references: [
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
    "https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors",
  ],
  find,
};
