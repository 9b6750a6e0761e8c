/**
 * `reach`: is a connection allowed, and why — per direction, which policies isolate each side and which rule
 * (policy and rule index) admits the connection, or why none does.
 */
import { ConnSet, type Protocol } from "./conns.js";
import type { NetworkModel } from "./model.js";
import type { Direction } from "./policies.js";
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
  return { ...base, allowed: egress.allowed && ingress.allowed, egress, ingress };
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
  if (policies.length === 0)
    return exempt(
      `no NetworkPolicy in namespace ${unit.namespace} selects ${subjectName} for ${direction}: all ${word} is allowed`,
    );
  if (direction === "Ingress" && other.type === "unit" && model.nodeLocal(other.unit, unit))
    return exempt(
      `${otherName} uses hostNetwork on ${unit.node}, the node of ${subjectName}: traffic from a pod's own node is always allowed, whatever its policies (${policies.map((p) => `${p.namespace}/${p.name}`).join(", ")})`,
    );
  const otherClass = classIndex(model, other);
  const dstClass = model.table.classes[direction === "Egress" ? otherClass : cls.index]!;
  const allowedBy: RuleRef[] = [];
  const rejectedBy: RuleMiss[] = [];
  const connection = `${protocol}/${port}`;
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
          `its ${direction === "Egress" ? "to" : "from"} (${(rule.peers ?? []).map((p) => p.text).join("; ")}) does not select ${otherName}`,
        );
      if (!ports.has(protocol, port))
        why.push(portsMiss(rule.ports, ports, connection, dstClass.kind === "pod"));
      rejectedBy.push({ policy: ref, rule: rule.index, why: why.join(", and ") });
    }
  }
  const names = policies.map((p) => `${p.namespace}/${p.name}`);
  const isolatedBy = `${subjectName} is isolated for ${word} by ${names.join(", ")}`;
  if (allowedBy.length > 0)
    return {
      allowed: true,
      evaluated: true,
      isolated: true,
      policies: names,
      allowedBy,
      rejectedBy: [],
      reason: `${isolatedBy}; ${connection} ${direction === "Egress" ? "to" : "from"} ${otherName} is allowed by ${allowedBy.map((r) => `${r.policy} ${word} rule ${r.rule}`).join(", ")}`,
    };
  return {
    allowed: false,
    evaluated: true,
    isolated: true,
    policies: names,
    allowedBy: [],
    rejectedBy,
    reason: `${isolatedBy}; no ${word} rule allows ${connection} ${direction === "Egress" ? "to" : "from"} ${otherName}${rejectedBy.length === 0 ? ` (the policies have no ${word} rules: deny all)` : ""}`,
  };
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
