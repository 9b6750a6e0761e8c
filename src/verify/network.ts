/**
 * What kubefence's network engine says a tenant's change does to its isolation from the namespace it tries
 * to reach (VerifyTarget.foreign), on the cluster verify read: a probe pod in each of the two namespaces (a
 * new pod of each), their labels and NetworkPolicies, and every cluster-scoped policy. The change is what
 * the API server answered a dry run with (the object as it would be stored), so a label the server resets
 * is judged as reset. Pure: built from the snapshot.
 */
import { NAMESPACE_NAME_LABEL } from "../model/defaults.js";
import type { LabelSelector, Namespace, NetworkPolicy, Pod } from "../model/objects.js";
import { emptySnapshot, type Snapshot } from "../model/snapshot.js";
import { clusterPolicyRef } from "../network/cluster-policies.js";
import type { ConnSet } from "../network/conns.js";
import { analyzeNetwork } from "../network/model.js";
import { type DirectionVerdict, reachEnds } from "../network/reach.js";
import { VERIFY_LABEL, VERIFY_PREFIX } from "./names.js";

export interface NetworkChange {
  /** A NetworkPolicy the tenant adds to its namespace. */
  networkPolicy?: NetworkPolicy;
  /** A NetworkPolicy of its namespace the tenant deletes. */
  deletedNetworkPolicy?: string;
  /** Its namespace's labels after the change. */
  namespaceLabels?: Record<string, string>;
  /** The labels of a pod it creates. */
  podLabels?: Record<string, string>;
}

/** The cluster-scoped policy whose rule decides, and the rule. */
export interface ClusterRule {
  kind: "AdminNetworkPolicy" | "BaselineAdminNetworkPolicy" | "ClusterNetworkPolicy";
  name: string;
  tier: "admin" | "baseline";
  /** `ClusterNetworkPolicy "x" ingress rule 0 "deny" (Deny)`. */
  rule: string;
}

export type NetworkJudgement =
  /** Some connection between the two namespaces' pods is allowed, either way: the reason it is. */
  | { open: true; text: string }
  /** None is; `heldBy` when a cluster-scoped rule denies (the first direction judged). */
  | { open: false; text: string; heldBy?: ClusterRule };

export interface NetworkEnds {
  tenant: string;
  namespace: string;
  foreign: { namespace: string; owner: string };
}

const PROBE = `${VERIFY_PREFIX}-probe`;

export function judgeNetwork(
  snapshot: Snapshot,
  ends: NetworkEnds,
  change: NetworkChange = {},
): NetworkJudgement {
  const namespaces = snapshot.namespaces
    .filter((n) => n.metadata.name === ends.namespace || n.metadata.name === ends.foreign.namespace)
    .map(
      (n): Namespace =>
        n.metadata.name === ends.namespace && change.namespaceLabels
          ? { ...n, metadata: { ...n.metadata, labels: change.namespaceLabels } }
          : n,
    );
  const probe = (namespace: string, labels: Record<string, string>): Pod => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: PROBE, namespace, labels },
    spec: { containers: [{ name: "probe", image: "busybox:1.36" }] },
    status: { phase: "Running" },
  });
  const own = probe(ends.namespace, change.podLabels ?? { [VERIFY_LABEL]: ends.tenant });
  const other = probe(ends.foreign.namespace, { [VERIFY_LABEL]: ends.foreign.owner });
  const policies = snapshot.networkPolicies.filter(
    (p) =>
      (p.metadata.namespace === ends.namespace && p.metadata.name !== change.deletedNetworkPolicy) ||
      p.metadata.namespace === ends.foreign.namespace,
  );
  const model = analyzeNetwork({
    ...emptySnapshot(),
    namespaces,
    pods: [own, other],
    networkPolicies: change.networkPolicy ? [...policies, change.networkPolicy] : policies,
    clusterNetworkPolicies: snapshot.clusterNetworkPolicies,
  });
  const unit = (pod: Pod) =>
    model.units.find((u) => u.name === `${pod.metadata.namespace}/${pod.metadata.name}[Pod]`)!;
  const directions = [
    [unit(other), unit(own)],
    [unit(own), unit(other)],
  ] as const;
  for (const [src, dst] of directions) {
    const conns = model.unitConns(src, dst);
    if (conns.isEmpty()) continue;
    const { protocol, port } = firstConnection(conns);
    const verdict = reachEnds(
      model,
      { type: "unit", unit: src },
      { type: "unit", unit: dst },
      port,
      protocol,
    );
    return {
      open: true,
      text: `${src.name} can reach ${dst.name} (${conns}): ${verdict.ingress.reason}`,
    };
  }
  // Every cluster-scoped rule that denies a side of either direction; an Admin-tier one first (it is final).
  const denying: { reason: string; by: NonNullable<DirectionVerdict["decidedBy"]> }[] = [];
  for (const [src, dst] of directions) {
    const verdict = reachEnds(model, { type: "unit", unit: src }, { type: "unit", unit: dst }, 80, "TCP");
    for (const side of [verdict.ingress, verdict.egress])
      if (!side.allowed && side.decidedBy) denying.push({ reason: side.reason, by: side.decidedBy });
  }
  const cited = denying.find((d) => d.by.tier === "admin") ?? denying[0];
  if (cited) {
    const { by, reason } = cited;
    return {
      open: false,
      text: reason,
      heldBy: {
        kind: by.kind as ClusterRule["kind"],
        name: by.policy,
        tier: by.tier,
        rule: reason.slice(reason.indexOf(clusterPolicyRef({ kind: by.kind, name: by.policy }))),
      },
    };
  }
  const [src, dst] = directions[0];
  const verdict = reachEnds(model, { type: "unit", unit: src }, { type: "unit", unit: dst }, 80, "TCP");
  return { open: false, text: verdict.allowed ? verdict.egress.reason : verdict.ingress.reason };
}

/** The first connection of a non-empty set: its lowest port of the first protocol it has. */
function firstConnection(conns: ConnSet): { protocol: "TCP" | "UDP" | "SCTP"; port: number } {
  for (const protocol of ["TCP", "UDP", "SCTP"] as const) {
    const ranges = conns.portRanges(protocol);
    if (ranges.length > 0) return { protocol, port: ranges[0]![0] };
  }
  return { protocol: "TCP", port: 80 };
}

/**
 * The label keys the cluster-scoped policies select namespaces (or, `pods`, pods) by: what a tenant would
 * change to leave a subject or a Deny peer, or to enter another tenant's Accept peer. The namespace-name
 * label is left out of the namespaces' (the API server owns it).
 */
export function clusterSelectorKeys(snapshot: Snapshot): { namespaces: string[]; pods: string[] } {
  const namespaces = new Set<string>();
  const pods = new Set<string>();
  const add = (set: Set<string>, s: LabelSelector | undefined) => {
    for (const k of Object.keys(s?.matchLabels ?? {})) set.add(k);
    for (const e of s?.matchExpressions ?? []) set.add(e.key);
  };
  for (const p of snapshot.clusterNetworkPolicies) {
    const spec = p.spec ?? {};
    add(namespaces, spec.subject?.namespaces ?? spec.subject?.pods?.namespaceSelector);
    add(pods, spec.subject?.pods?.podSelector);
    for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])])
      for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) {
        add(namespaces, peer.namespaces ?? peer.pods?.namespaceSelector);
        add(pods, peer.pods?.podSelector);
      }
  }
  namespaces.delete(NAMESPACE_NAME_LABEL);
  return { namespaces: [...namespaces].sort(), pods: [...pods].sort() };
}
