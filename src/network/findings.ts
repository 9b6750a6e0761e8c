/**
 * Network findings for `audit`, in the one Finding shape (src/model/finding.ts), each with the evidence chain
 * (policy → rule → port) and the NetworkPolicy manifest that would close the gap. One small function per rule,
 * collected in FINDING_RULES.
 */
import { stringify } from "yaml";
import type { Finding } from "../model/finding.js";
import { originOf } from "../model/origin.js";
import type { Snapshot } from "../model/snapshot.js";
import { ConnSet } from "./conns.js";
import { analyzeNetwork, connects, type NetworkModel } from "./model.js";
import type { NetworkOptions } from "./options.js";
import { apiServerRejection, type CompiledPolicy, type Direction } from "./policies.js";
import type { Unit } from "./units.js";

type FindingRule = (model: NetworkModel) => Finding[];

export function networkFindings(snapshot: Snapshot, options: NetworkOptions = {}): Finding[] {
  return findingsOf(analyzeNetwork(snapshot, options));
}

export function findingsOf(model: NetworkModel): Finding[] {
  return FINDING_RULES.flatMap((rule) => rule(model));
}

const policyRef = (p: CompiledPolicy) => `${p.namespace}/${p.name}`;
const manifest = (texts: string[]) => texts.join("---\n");

/** A NetworkPolicy manifest as YAML; rendered once per shape, then only the namespace changes (thousands of findings). */
const rendered = new Map<string, string>();
const NAMESPACE_SLOT = "kubefence-namespace-slot";
/** Egress from every pod of a namespace to the cluster DNS (kube-system's kube-dns pods) on port 53. */
export const ALLOW_DNS_SPEC = {
  podSelector: {},
  policyTypes: ["Egress"],
  egress: [
    {
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
          podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
        },
      ],
      ports: [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
      ],
    },
  ],
};

function networkPolicy(namespace: string, name: string, spec: object): string {
  const key = `${name}\u0000${JSON.stringify(spec)}`;
  let text = rendered.get(key);
  if (text === undefined) {
    text = stringify({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name, namespace: NAMESPACE_SLOT },
      spec,
    });
    rendered.set(key, text);
  }
  return text.replace(NAMESPACE_SLOT, namespace);
}

/** Policies the API server would reject: reported, and left out of every answer. */
const invalidPolicies: FindingRule = (model) =>
  model.invalid.map(({ policy, errors }) => ({
    id: "network.invalid-policy",
    plane: "network",
    severity: "medium",
    subject: `${policy.metadata.namespace}/${policy.metadata.name}[NetworkPolicy]`,
    object: `namespace ${policy.metadata.namespace}`,
    message: `${apiServerRejection(policy.metadata.name, errors)} (namespace ${policy.metadata.namespace}); it is left out of the analysis`,
    evidence: errors,
    remediation: "Fix the fields named above (kubectl apply --dry-run=server reports the same errors).",
    resource: { kind: "NetworkPolicy", namespace: policy.metadata.namespace, name: policy.metadata.name },
    origin: originOf(policy),
  }));

/** Namespaces where some pod is not isolated for a direction: everything is allowed that way. */
const noDefaultDeny: FindingRule = (model) => {
  const out: Finding[] = [];
  for (const direction of ["Ingress", "Egress"] as Direction[]) {
    const byNamespace = new Map<string, Set<string>>();
    for (const c of model.table.classes) {
      if (c.kind !== "pod" || model.evaluator.applying(c.index, direction).length > 0) continue;
      const set = byNamespace.get(c.namespace!) ?? new Set<string>();
      for (const u of c.units) set.add(u.peer.name);
      byNamespace.set(c.namespace!, set);
    }
    for (const [namespace, peers] of [...byNamespace].sort(([a], [b]) => a.localeCompare(b))) {
      const word = direction.toLowerCase();
      const list = [...peers].sort();
      out.push({
        id: `network.no-default-deny-${word}`,
        plane: "network",
        severity: direction === "Ingress" ? "medium" : "low",
        subject: `namespace ${namespace}`,
        object: list.length === 1 ? list[0]! : `${list.length} workloads in ${namespace}`,
        message: `namespace ${namespace} has no default-deny ${word}: ${list.length} workload${list.length === 1 ? " is" : "s are"} not isolated for ${word}, so every ${direction === "Ingress" ? "source" : "destination"} is allowed`,
        evidence: [
          `no NetworkPolicy in namespace ${namespace} selects ${list.slice(0, 10).join(", ")}${list.length > 10 ? `, … (${list.length - 10} more)` : ""} with ${direction} in policyTypes`,
        ],
        remediation: `Isolate every pod of the namespace for ${word}, then allow what is needed:\n${manifest([
          networkPolicy(namespace, `default-deny-${word}`, { podSelector: {}, policyTypes: [direction] }),
        ])}`,
        resource: { kind: "Namespace", name: namespace },
      });
    }
  }
  return out;
};

/**
 * Pod classes up to which cross-namespace reachability is reported per workload (every class pair is
 * examined); above it, per destination namespace from the namespace matrix, so huge clusters stay fast.
 */
export const PER_WORKLOAD_CLASS_LIMIT = 3000;

/** Source lines shown in a cross-namespace finding's evidence. */
const MAX_EXAMPLES = 20;

const crossNamespace: FindingRule = (model) =>
  model.table.externalStart <= PER_WORKLOAD_CLASS_LIMIT
    ? crossNamespaceByWorkload(model)
    : crossNamespaceByNamespace(model);

/** Workloads reachable from other namespaces, with who, on which ports, why, and what closes it. */
const crossNamespaceByWorkload: FindingRule = (model) => {
  interface Source {
    units: Set<Unit>;
    conns: ConnSet;
  }
  // For each destination unit class: sources from other namespaces.
  const bySrcClass = new Map<number, Map<number, Source>>();
  model.forEachClassPair((s, d, conns) => {
    const sc = model.table.classes[s]!;
    const dc = model.table.classes[d]!;
    if (sc.kind === "external" || dc.kind !== "pod" || sc.ns === dc.ns) return;
    for (const su of sc.units) {
      for (const du of dc.units) {
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
  const out: Finding[] = [];
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
    if (nodeLocal.length > 0 && isolating.length === 0)
      remediation += `It closes the gap for every source except the hostNetwork pods on ${dst.name}'s node (see the evidence): a node's own traffic is always allowed.`;
    if (nodeLocal.length > 0 && byRule.size === 0 && isolating.length > 0)
      remediation =
        "Only hostNetwork pods on the same node reach it; NetworkPolicy cannot stop a node's own traffic: remove hostNetwork from those pods.";
    out.push({
      id: "network.cross-namespace",
      plane: "network",
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
};

/** Namespaces other namespaces reach (large clusters): which, how (full or partial), one example, the fix. */
export const crossNamespaceByNamespace: FindingRule = (model) => {
  const matrix = model.namespaceMatrix();
  const { namespaces, classes } = model.table;
  const out: Finding[] = [];
  const withPods = namespaces.filter((ns) => ns.end > ns.first);
  // Per destination namespace: how many others reach it, and the first few, in one pass over the rows.
  const reachedBy = new Int32Array(namespaces.length);
  const shown: number[][] = namespaces.map(() => []);
  for (const a of namespaces) {
    const codes = matrix.codes(a.index);
    for (let b = 0; b < namespaces.length; b++)
      if (b !== a.index && connects(codes[b]!) && reachedBy[b]!++ < MAX_EXAMPLES) shown[b]!.push(a.index);
  }
  for (const b of namespaces) {
    const count = reachedBy[b.index]!;
    if (count === 0) continue;
    const sources = shown[b.index]!.map((i) => namespaces[i]!);
    const fromEvery = count === withPods.length - (b.end > b.first ? 1 : 0);
    const example = model.firstConnection(sources[0]!.index, b.index);
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
      id: "network.cross-namespace",
      plane: "network",
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
};

/** A policy whose podSelector selects no pod: it isolates nothing and allows nothing. */
const selectsNothing: FindingRule = (model) =>
  model.policies
    .filter((p) => {
      // prototype-safe: namespaces is an array, indexed by position
      const ns = model.table.namespaces[model.table.nsIndex.get(p.namespace)!]!;
      for (let i = ns.first; i < ns.end; i++)
        if (model.evaluator.ingressPolicies[i]!.includes(p) || model.evaluator.egressPolicies[i]!.includes(p))
          return false;
      return true;
    })
    .map((p) => ({
      id: "network.policy-selects-nothing",
      plane: "network" as const,
      severity: "low" as const,
      subject: `${policyRef(p)}[NetworkPolicy]`,
      object: `namespace ${p.namespace}`,
      message: `NetworkPolicy ${policyRef(p)} selects no pod (podSelector ${p.podSelector.text ? `{${p.podSelector.text}}` : "{}"} in namespace ${p.namespace}): it has no effect`,
      evidence: [
        `no pod or workload template in namespace ${p.namespace} matches ${p.podSelector.text || "{}"}`,
      ],
      remediation: "Fix the podSelector (a typo in a label?) or delete the policy.",
      resource: { kind: "NetworkPolicy", namespace: p.namespace, name: p.name },
      origin: originOf(p.policy),
    }));

/** A rule peer (pod/namespace selector) that matches nothing: the rule can never admit through it. */
const peerMatchesNothing: FindingRule = (model) => {
  const out: Finding[] = [];
  for (const p of model.policies) {
    for (const [direction, rules] of [
      ["ingress", p.ingress],
      ["egress", p.egress],
    ] as const) {
      for (const rule of rules) {
        (rule.peers ?? []).forEach((peer, i) => {
          if (peer.type !== "selector" || !model.evaluator.peerBits(peer).isEmpty()) return;
          out.push({
            id: "network.peer-matches-nothing",
            plane: "network",
            severity: "low",
            subject: `${policyRef(p)}[NetworkPolicy]`,
            object: peer.text,
            message: `${policyRef(p)} ${direction} rule ${rule.index} ${direction === "ingress" ? "from" : "to"}[${i}] selects no pod (${peer.text})`,
            evidence: [`no pod or workload template matches ${peer.text}`],
            remediation: "Check the selector's labels against the pods and namespaces it should name.",
            resource: { kind: "NetworkPolicy", namespace: p.namespace, name: p.name },
            origin: originOf(p.policy),
          });
        });
      }
    }
  }
  return out;
};

/** Work budget for the shadowing check (subjects × peers × rules), so huge clusters stay fast. */
const SHADOW_BUDGET = 500_000;

/** A policy that changes nothing: every pod it selects is isolated by others that allow at least as much. */
const shadowed: FindingRule = (model) => {
  const out: Finding[] = [];
  const ev = model.evaluator;
  let budget = SHADOW_BUDGET;
  for (const p of model.policies) {
    let covered = true;
    const by = new Set<string>();
    let selects = false;
    for (const direction of ["Ingress", "Egress"] as Direction[]) {
      if (!covered) break;
      const rules = direction === "Ingress" ? p.ingress : p.egress;
      for (let c = 0; c < model.table.externalStart && covered; c++) {
        const applying = ev.applying(c, direction);
        if (!applying.includes(p)) continue;
        selects = true;
        const others = applying.filter((o) => o !== p);
        if (others.length === 0) {
          covered = false;
          break;
        }
        for (const o of others) by.add(policyRef(o));
        for (const rule of rules) {
          const peers = rule.peers ? undefined : true;
          for (let e = 0; e < ev.size && covered; e++) {
            if (--budget < 0) return out;
            if (!peers && !ev.ruleMatches(rule, e)) continue;
            const dst = model.table.classes[direction === "Ingress" ? c : e]!;
            const mine = ev.ruleConns(rule, dst);
            if (mine.isEmpty()) continue;
            let theirs = ConnSet.none;
            for (const o of others)
              for (const r of direction === "Ingress" ? o.ingress : o.egress)
                if (ev.ruleMatches(r, e)) theirs = theirs.union(ev.ruleConns(r, dst));
            if (!mine.subsetOf(theirs)) covered = false;
          }
        }
      }
    }
    if (!selects || !covered) continue;
    out.push({
      id: "network.policy-shadowed",
      plane: "network",
      severity: "info",
      subject: `${policyRef(p)}[NetworkPolicy]`,
      object: `namespace ${p.namespace}`,
      message: `NetworkPolicy ${policyRef(p)} is fully shadowed: removing it would change no connection`,
      evidence: [
        `every pod it selects is isolated by ${[...by].sort().join(", ")}, whose rules allow at least everything it allows`,
      ],
      remediation: "Delete it, or keep it deliberately as a safety net and say so in an annotation.",
      resource: { kind: "NetworkPolicy", namespace: p.namespace, name: p.name },
      origin: originOf(p.policy),
    });
  }
  return out;
};

/** Egress-isolated pods that cannot resolve names: no rule allows UDP 53 to the cluster DNS. */
const dnsBlocked: FindingRule = (model) => {
  const dns = model.table.classes.filter(
    (c) =>
      c.kind === "pod" &&
      c.namespace === "kube-system" &&
      c.units.some((u) => u.labels["k8s-app"] === "kube-dns"),
  );
  const byNamespace = new Map<string, Set<string>>();
  const policiesOf = new Map<string, Set<string>>();
  for (const c of model.table.classes) {
    if (c.kind !== "pod") continue;
    const isolating = model.evaluator.applying(c.index, "Egress");
    if (isolating.length === 0) continue;
    const ok =
      dns.length > 0
        ? dns.some((d) => model.evaluator.conns(c.index, d.index).has("UDP", 53))
        : model.table.classes.some((d) => model.evaluator.egress(c.index, d.index).has("UDP", 53));
    if (ok) continue;
    const set = byNamespace.get(c.namespace!) ?? new Set();
    for (const u of c.units) set.add(u.peer.name);
    byNamespace.set(c.namespace!, set);
    const ps = policiesOf.get(c.namespace!) ?? new Set();
    for (const p of isolating) ps.add(policyRef(p));
    policiesOf.set(c.namespace!, ps);
  }
  return [...byNamespace].map(([namespace, peers]) => ({
    id: "network.dns-egress-blocked",
    plane: "network" as const,
    severity: "medium" as const,
    subject: `namespace ${namespace}`,
    object: dns.length > 0 ? dns.map((d) => d.units[0]!.peer.name).join(", ") : "cluster DNS",
    message: `${peers.size} egress-isolated workload${peers.size === 1 ? "" : "s"} in ${namespace} cannot reach the cluster DNS on UDP 53: name resolution fails`,
    evidence: [
      `isolated for egress by ${[...(policiesOf.get(namespace) ?? [])].sort().join(", ")}`,
      `no egress rule allows UDP 53 to ${dns.length > 0 ? "kube-system pods labelled k8s-app=kube-dns" : "any destination"}: ${[...peers].sort().slice(0, 10).join(", ")}`,
    ],
    remediation: `Allow DNS egress for the namespace:\n${manifest([
      networkPolicy(namespace, "allow-dns", ALLOW_DNS_SPEC),
    ])}`,
    resource: { kind: "Namespace", name: namespace },
  }));
};

export const FINDING_RULES: readonly FindingRule[] = [
  invalidPolicies,
  crossNamespace,
  noDefaultDeny,
  dnsBlocked,
  selectsNothing,
  peerMatchesNothing,
  shadowed,
];
