/**
 * `reach`: is a connection allowed, and why — per direction, which policies isolate each side and which rule
 * (policy and rule index) admits the connection, or why none does.
 */
import { clusterPolicyRef, clusterRuleRef } from "./cluster-policies.js";
import { ConnSet, type Protocol } from "./conns.js";
import type { NetworkModel } from "./model.js";
import type { Direction } from "./policies.js";
import type { ClusterPolicyTier } from "./tiers/cluster-policy.js";
import type { Unit } from "./units.js";

/** One end of a connection: a unit (pod, or a workload's template) or an external address. */
export type End = { type: "unit"; unit: Unit } | { type: "external"; atom: number; ip: string };

export interface RuleRef {
  /** `ns/name` of the NetworkPolicy. */
  policy: string;
  /** Index in spec.ingress / spec.egress. */
  rule: number;
}

export interface RuleMiss extends RuleRef {
  why: string;
}

/** One tier's word on the connection, in the order they are asked (`reach --explain` prints the walk). */
export interface TierStep {
  tier: "admin" | "networkpolicy" | "baseline" | "default";
  /** NotSelected: no policy of the tier applies to this side for the direction. */
  verdict: "Allow" | "Deny" | "Pass" | "NoMatch" | "NotSelected";
  /** The rule that gave the verdict (`AdminNetworkPolicy "x" egress rule 2 (Deny)`). */
  by?: string;
  text: string;
}

/** The cluster-scoped policy rule that decided a direction. */
export interface ClusterRuleRef {
  tier: "admin" | "baseline";
  kind: string;
  policy: string;
  rule: number;
  name?: string;
  action: string;
}

export interface DirectionVerdict {
  allowed: boolean;
  /** False when this side is not subject to NetworkPolicy (outside the cluster, a node, or exempt). */
  evaluated: boolean;
  isolated: boolean;
  /** Policies that isolate this side for the direction (`ns/name`). */
  policies: string[];
  /** Rules that admit the connection. */
  allowedBy: RuleRef[];
  /** For a denied connection: each rule of the isolating policies and why it does not admit it. */
  rejectedBy: RuleMiss[];
  /** Set when an AdminNetworkPolicy / BaselineAdminNetworkPolicy / ClusterNetworkPolicy rule decided. */
  decidedBy?: ClusterRuleRef;
  /** The tier walk (only when some cluster-scoped policy is in the model). */
  tiers?: TierStep[];
  reason: string;
}

export interface ReachVerdict {
  allowed: boolean;
  source: string;
  destination: string;
  port: number;
  protocol: Protocol;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
  /** Set when Cilium / Calico policies kubefence does not model may change this verdict. */
  incomplete?: string;
}

export function endName(_model: NetworkModel, end: End): string {
  return end.type === "unit" ? end.unit.name : `${end.ip}[External]`;
}

function classIndex(model: NetworkModel, end: End): number {
  return end.type === "unit"
    ? model.table.classOfUnit[end.unit.index]!
    : model.table.externalStart + end.atom;
}

export function reachEnds(
  model: NetworkModel,
  src: End,
  dst: End,
  port: number,
  protocol: Protocol,
): ReachVerdict {
  const source = endName(model, src);
  const destination = endName(model, dst);
  const base = { source, destination, port, protocol };
  if (src.type === "unit" && dst.type === "unit" && src.unit === dst.unit) {
    const self = exempt(
      'a pod can always reach itself (the concept page: "a pod cannot block access to itself")',
    );
    return { ...base, allowed: true, egress: self, ingress: self };
  }
  const egress = side(model, "Egress", src, dst, port, protocol);
  const ingress = side(model, "Ingress", dst, src, port, protocol);
  const nsOf = (end: End) => (end.type === "unit" ? end.unit.namespace : undefined);
  const incomplete = model.unmodelled?.mayChange(nsOf(src), nsOf(dst)) ? model.unmodelled.note : undefined;
  return {
    ...base,
    allowed: egress.allowed && ingress.allowed,
    egress,
    ingress,
    ...(incomplete ? { incomplete } : {}),
  };
}

function exempt(reason: string): DirectionVerdict {
  return {
    allowed: true,
    evaluated: false,
    isolated: false,
    policies: [],
    allowedBy: [],
    rejectedBy: [],
    reason,
  };
}

/** One direction: `subject`'s egress toward `other`, or `subject`'s ingress from `other`. */
function side(
  model: NetworkModel,
  direction: Direction,
  subject: End,
  other: End,
  port: number,
  protocol: Protocol,
): DirectionVerdict {
  const word = direction === "Egress" ? "egress" : "ingress";
  const subjectName = endName(model, subject);
  const otherName = endName(model, other);
  if (subject.type === "external")
    return exempt(`${subjectName} is outside the cluster: its ${word} is not subject to NetworkPolicy`);
  const unit = subject.unit;
  const cls = model.classOf(unit);
  if (cls.kind === "host")
    return exempt(
      `${subjectName} uses hostNetwork: NetworkPolicy treats it as its node${unit.node ? ` ${unit.node}` : ""} (${unit.syntheticIP ? `its address was not read; ${unit.ipText} stands for it here` : unit.ipText}), which no policy selects`,
    );
  const evaluator = model.evaluator;
  const policies = evaluator.applying(cls.index, direction);
  const tiered = evaluator.admin !== undefined || evaluator.baseline !== undefined;
  const to = direction === "Egress" ? "to" : "from";
  const connection = `${protocol}/${port}`;
  const clusterApplying = [evaluator.admin, evaluator.baseline].flatMap((t) =>
    t ? t.applying(cls.index, direction).map(clusterPolicyRef) : [],
  );
  const npNames = policies.map((p) => `${p.namespace}/${p.name}`);
  if (
    direction === "Ingress" &&
    other.type === "unit" &&
    (policies.length > 0 || clusterApplying.length > 0) &&
    model.nodeLocal(other.unit, unit)
  )
    return exempt(
      `${otherName} uses hostNetwork on ${unit.node}, the node of ${subjectName}: traffic from a pod's own node is always allowed, whatever its policies (${[...clusterApplying, ...npNames].join(", ")})`,
    );
  const otherClass = classIndex(model, other);
  const steps: TierStep[] = [];
  const passed: string[] = [];
  const withWalk = (v: DirectionVerdict): DirectionVerdict => (tiered ? { ...v, tiers: steps } : v);

  const clusterTier = (tier: ClusterPolicyTier | undefined): DirectionVerdict | undefined => {
    if (!tier) return undefined;
    const name = tier.name as "admin" | "baseline";
    const applying = tier.applying(cls.index, direction);
    if (applying.length === 0) {
      steps.push({
        tier: name,
        verdict: "NotSelected",
        text: `no ${name} policy selects ${subjectName} for ${word}`,
      });
      return undefined;
    }
    const step = tier.walk(direction, cls.index, otherClass, protocol, port);
    if (!step) {
      steps.push({
        tier: name,
        verdict: "NoMatch",
        text: `${applying.map(clusterPolicyRef).join(", ")} select${applying.length === 1 ? "s" : ""} ${subjectName}; no ${word} rule matches ${connection} ${to} ${otherName}`,
      });
      return undefined;
    }
    const ref = clusterRuleRef(step.policy, direction, step.rule);
    if (step.verdict === "Pass") {
      steps.push({
        tier: name,
        verdict: "Pass",
        by: ref,
        text: `${ref} passes ${connection} ${to} ${otherName} to the next tier`,
      });
      passed.push(`${ref} passes it on`);
      return undefined;
    }
    const allowed = step.verdict === "Allow";
    const text = `${connection} ${to} ${otherName} is ${allowed ? "accepted" : "denied"} by ${ref}${step.rule.failClosed ? " (a peer it cannot read fails closed)" : ""}`;
    steps.push({ tier: name, verdict: step.verdict, by: ref, text });
    return withWalk({
      allowed,
      evaluated: true,
      isolated: true,
      policies: applying.map(clusterPolicyRef),
      allowedBy: [],
      rejectedBy: [],
      decidedBy: {
        tier: name,
        kind: step.policy.kind,
        policy: step.policy.name,
        rule: step.rule.index,
        ...(step.rule.name ? { name: step.rule.name } : {}),
        action: step.rule.word,
      },
      reason: [...passed, text].join("; "),
    });
  };

  const admin = clusterTier(evaluator.admin);
  if (admin) return admin;

  if (policies.length === 0) {
    const text = `no NetworkPolicy in namespace ${unit.namespace} selects ${subjectName} for ${direction}`;
    steps.push({ tier: "networkpolicy", verdict: "NotSelected", text });
    const baseline = clusterTier(evaluator.baseline);
    if (baseline) return baseline;
    if (!tiered) return exempt(`${text}: all ${word} is allowed`);
    steps.push({ tier: "default", verdict: "Allow", text: "no tier decided: the default allows it" });
    return withWalk({
      ...exempt(
        `${[...passed, text].join("; ")}${evaluator.baseline?.applying(cls.index, direction).length ? "; no baseline rule matches it" : ""}: the default allows it`,
      ),
      evaluated: clusterApplying.length > 0,
    });
  }
  const dstClass = model.table.classes[direction === "Egress" ? otherClass : cls.index]!;
  const allowedBy: RuleRef[] = [];
  const rejectedBy: RuleMiss[] = [];
  for (const policy of policies) {
    const ref = `${policy.namespace}/${policy.name}`;
    const rules = direction === "Egress" ? policy.egress : policy.ingress;
    if (rules.length === 0) continue;
    for (const rule of rules) {
      const peersMatch = evaluator.ruleMatches(rule, otherClass);
      const ports = evaluator.ruleConns(rule, dstClass);
      if (peersMatch && ports.has(protocol, port)) {
        allowedBy.push({ policy: ref, rule: rule.index });
        continue;
      }
      const why: string[] = [];
      if (!peersMatch)
        why.push(
          `its ${to} (${(rule.peers ?? []).map((p) => p.text).join("; ")}) does not select ${otherName}`,
        );
      if (!ports.has(protocol, port))
        why.push(portsMiss(rule.ports, ports, connection, dstClass.kind === "pod"));
      rejectedBy.push({ policy: ref, rule: rule.index, why: why.join(", and ") });
    }
  }
  const isolatedBy = `${subjectName} is isolated for ${word} by ${npNames.join(", ")}`;
  const prefix = passed.length > 0 ? `${passed.join("; ")}; ` : "";
  if (allowedBy.length > 0) {
    const reason = `${prefix}${isolatedBy}; ${connection} ${to} ${otherName} is allowed by ${allowedBy.map((r) => `${r.policy} ${word} rule ${r.rule}`).join(", ")}`;
    steps.push({
      tier: "networkpolicy",
      verdict: "Allow",
      by: allowedBy.map((r) => `NetworkPolicy ${r.policy} ${word} rule ${r.rule}`).join(", "),
      text: reason.slice(prefix.length),
    });
    return withWalk({
      allowed: true,
      evaluated: true,
      isolated: true,
      policies: npNames,
      allowedBy,
      rejectedBy: [],
      reason,
    });
  }
  const reason = `${prefix}${isolatedBy}; no ${word} rule allows ${connection} ${to} ${otherName}${rejectedBy.length === 0 ? ` (the policies have no ${word} rules: deny all)` : ""}`;
  steps.push({ tier: "networkpolicy", verdict: "Deny", text: reason.slice(prefix.length) });
  return withWalk({
    allowed: false,
    evaluated: true,
    isolated: true,
    policies: npNames,
    allowedBy: [],
    rejectedBy,
    reason,
  });
}

function portsMiss(
  ports: { protocol: Protocol; port?: number | string; endPort?: number }[],
  resolved: ConnSet,
  connection: string,
  dstIsPod: boolean,
): string {
  const named = ports.filter((p) => typeof p.port === "string");
  const listed = ports
    .map(
      (p) =>
        `${p.protocol}${p.port === undefined ? "" : `/${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ""}`}`,
    )
    .join(", ");
  let text = `its ports (${listed}) do not include ${connection}`;
  if (named.length > 0) {
    text += dstIsPod
      ? ` (named ports resolve to ${resolved.isEmpty() ? "nothing" : resolved.toString()} on the destination pod)`
      : " (a named port never matches a destination outside the pod network)";
  }
  return text;
}

export { ConnSet };
