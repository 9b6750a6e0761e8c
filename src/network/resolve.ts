/**
 * Names to ends: `ns/pod`, `ns/Kind/name` (a workload, or a Service judged by its endpoint pods), or an IP.
 */

import { parseIP } from "../model/ip.js";
import { selectorFromMap } from "../model/selector.js";
import type { Protocol } from "./conns.js";
import type { NetworkModel } from "./model.js";
import { type End, type ReachVerdict, reachEnds } from "./reach.js";
import type { Unit } from "./units.js";

/** What a name refers to: ends to judge, and how a Service maps its port to each endpoint's target port. */
export interface Resolved {
  name: string;
  ends: End[];
  /** For a Service: the endpoint port for each end (undefined: the service has no such port). */
  targetPort?: (end: End, port: number, protocol: Protocol) => number | undefined;
}

export class ResolveError extends Error {}

const KIND_ALIASES: Record<string, string> = {
  pod: "Pod",
  pods: "Pod",
  po: "Pod",
  deployment: "Deployment",
  deployments: "Deployment",
  deploy: "Deployment",
  replicaset: "ReplicaSet",
  replicasets: "ReplicaSet",
  rs: "ReplicaSet",
  statefulset: "StatefulSet",
  statefulsets: "StatefulSet",
  sts: "StatefulSet",
  daemonset: "DaemonSet",
  daemonsets: "DaemonSet",
  ds: "DaemonSet",
  job: "Job",
  jobs: "Job",
  cronjob: "CronJob",
  cronjobs: "CronJob",
  cj: "CronJob",
  replicationcontroller: "ReplicationController",
  replicationcontrollers: "ReplicationController",
  rc: "ReplicationController",
  service: "Service",
  services: "Service",
  svc: "Service",
};

export function resolveEnd(model: NetworkModel, ref: string, defaultNamespace = "default"): Resolved {
  const ip = parseIP(ref);
  if (ip) {
    const unit =
      model.units.find((u) => u.ipText === ref && !u.hostNetwork && !u.syntheticIP) ??
      model.units.find((u) => u.ipText === ref && !u.syntheticIP);
    if (unit) return { name: unit.name, ends: [{ type: "unit", unit }] };
    // A Service's cluster IP is rewritten to an endpoint's address (kube-proxy's DNAT) before any policy sees
    // the packet: it is the Service, not an address outside the cluster.
    const service = model.snapshot.services.find((s) =>
      [s.spec?.clusterIP, ...(s.spec?.clusterIPs ?? [])].some(
        (clusterIP) => clusterIP && sameIP(clusterIP, ip),
      ),
    );
    if (service) return resolveService(model, service.metadata.namespace, service.metadata.name);
    const atom = model.table.atoms.atomOf(ip.family, ip.value);
    return { name: `${ref}[External]`, ends: [{ type: "external", atom, ip: ref }] };
  }
  const parts = ref.split("/");
  let namespace = defaultNamespace;
  let kind = "Pod";
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) [namespace, name] = parts as [string, string];
  else if (parts.length === 3) {
    namespace = parts[0]!;
    name = parts[2]!;
    const typed = parts[1]!.toLowerCase();
    const alias = Object.hasOwn(KIND_ALIASES, typed) ? KIND_ALIASES[typed] : undefined;
    if (!alias) throw new ResolveError(`the server doesn't have a resource type "${parts[1]}"`);
    kind = alias;
  } else
    throw new ResolveError(
      `invalid reference ${JSON.stringify(ref)}: use NAMESPACE/POD, NAMESPACE/KIND/NAME or an IP`,
    );
  if (!name)
    throw new ResolveError(
      `invalid reference ${JSON.stringify(ref)}: use NAMESPACE/POD, NAMESPACE/KIND/NAME or an IP`,
    );

  if (kind === "Service") return resolveService(model, namespace, name);
  if (kind === "Pod") {
    const unit = model.units.find(
      (u) => u.object.kind === "Pod" && u.namespace === namespace && u.object.metadata.name === name,
    );
    if (!unit) throw new ResolveError(`pods "${name}" not found in namespace "${namespace}"`);
    return { name: unit.name, ends: [{ type: "unit", unit }] };
  }
  const peerName = `${namespace}/${name}[${kind}]`;
  const peer = model.peers.find((p) => p.name === peerName);
  if (peer) return { name: peer.name, ends: peer.units.map((unit) => ({ type: "unit", unit })) };
  // A workload owned by another (a Deployment's ReplicaSet): its pods belong to the owner's peer.
  const units = model.units.filter(
    (u) =>
      u.namespace === namespace &&
      u.object.kind === "Pod" &&
      (u.object.metadata.ownerReferences ?? []).some((o) => o.kind === kind && o.name === name),
  );
  if (units.length > 0) return { name: peerName, ends: units.map((unit) => ({ type: "unit", unit })) };
  const exists = model.snapshot.workloads.some(
    (w) => w.kind === kind && w.metadata.namespace === namespace && w.metadata.name === name,
  );
  const plural = `${kind.toLowerCase()}s`;
  if (exists)
    throw new ResolveError(
      `${plural}.${groupOf(kind)} "${name}" in namespace "${namespace}" has no pod template to analyse`,
    );
  throw new ResolveError(
    `${plural}${groupOf(kind) ? `.${groupOf(kind)}` : ""} "${name}" not found in namespace "${namespace}"`,
  );
}

function sameIP(text: string, ip: NonNullable<ReturnType<typeof parseIP>>): boolean {
  const other = parseIP(text);
  return other !== undefined && other.family === ip.family && other.value === ip.value;
}

function groupOf(kind: string): string {
  if (kind === "Job" || kind === "CronJob") return "batch";
  if (kind === "ReplicationController") return "";
  return "apps";
}

function resolveService(model: NetworkModel, namespace: string, name: string): Resolved {
  const service = model.snapshot.services.find(
    (s) => s.metadata.namespace === namespace && s.metadata.name === name,
  );
  if (!service) throw new ResolveError(`services "${name}" not found in namespace "${namespace}"`);
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0)
    throw new ResolveError(
      `service ${namespace}/${name} has no selector: its endpoints are managed by hand, which kubefence does not read`,
    );
  const matches = selectorFromMap(selector);
  const units = model.units.filter((u) => u.namespace === namespace && matches.matches(u.labels));
  return {
    name: `${namespace}/${name}[Service]`,
    ends: units.map((unit) => ({ type: "unit", unit })),
    targetPort: (end, port, protocol) => {
      const entry = (service.spec?.ports ?? []).find(
        (p) => p.port === port && (p.protocol ?? "TCP") === protocol,
      );
      if (!entry || end.type !== "unit") return undefined;
      const target = entry.targetPort ?? entry.port;
      if (typeof target === "number") return target;
      if (/^[0-9]+$/.test(target)) return Number(target);
      return end.unit.ports.find((p: Unit["ports"][number]) => p.name === target && p.protocol === protocol)
        ?.port;
    },
  };
}

export interface ReachAnswer extends ReachVerdict {
  /** When an end stands for several pods or a Service: the verdict for each pair judged. */
  pairs?: ReachVerdict[];
}

/**
 * Judge SRC → DST on a port: allowed when some pod pair is allowed (a Service: some endpoint). For a Service
 * the port is the Service's; each endpoint is judged on the target port it maps to.
 */
export function reach(
  model: NetworkModel,
  src: Resolved,
  dst: Resolved,
  port: number,
  protocol: Protocol,
): ReachAnswer {
  if (src.ends.length === 0) throw new ResolveError(`${src.name} has no pods`);
  if (dst.ends.length === 0)
    throw new ResolveError(`${dst.name} has no endpoints: no pod matches its selector`);
  const verdicts: ReachVerdict[] = [];
  const seen = new Set<string>();
  for (const d of dst.ends) {
    // A Service routes only to endpoints its port maps onto (a named targetPort the pod lacks: not an endpoint).
    const target = dst.targetPort ? dst.targetPort(d, port, protocol) : port;
    if (target === undefined) continue;
    for (const s of src.ends) {
      const sc = s.type === "unit" ? `${model.table.classOfUnit[s.unit.index]}${s.unit.node}` : `x${s.atom}`;
      const dc = d.type === "unit" ? `${model.table.classOfUnit[d.unit.index]}${d.unit.node}` : `x${d.atom}`;
      const key = `${sc}>${dc}>${target}`;
      if (seen.has(key) && !(s.type === "unit" && d.type === "unit" && s.unit === d.unit)) continue;
      seen.add(key);
      verdicts.push(reachEnds(model, s, d, target, protocol));
    }
  }
  if (verdicts.length === 0) throw new ResolveError(`${dst.name} has no port ${port}/${protocol}`);
  const chosen = verdicts.find((v) => v.allowed) ?? verdicts[0]!;
  const answer: ReachAnswer = { ...chosen, source: src.name, destination: dst.name, port, protocol };
  if (verdicts.length > 1) answer.pairs = verdicts;
  return answer;
}
