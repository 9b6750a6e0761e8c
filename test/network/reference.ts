/**
 * A deliberately simple reference evaluator: one connection at a time, straight from the Snapshot — every
 * policy, every rule, every peer, no classes, no indexes, no caching — written from the types.go comments.
 * The optimized engine must give the same answers (property tests); it is slow on purpose.
 */
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Pod } from "../../src/model/objects.js";
import { selectorOrNothing } from "../../src/model/selector.js";
import type { Snapshot } from "../../src/model/snapshot.js";

export interface RefOptions {
  ipBlockMatchesPods: boolean;
  hostNetworkAsNode: boolean;
  nodeLocalAllowed: boolean;
}

export const REF_DEFAULTS: RefOptions = {
  ipBlockMatchesPods: true,
  hostNetworkAsNode: true,
  nodeLocalAllowed: true,
};

export type RefEnd = { pod: Pod } | { ip: string };

export function refAllowed(
  snapshot: Snapshot,
  src: RefEnd,
  dst: RefEnd,
  port: number,
  protocol: string,
  options: RefOptions = REF_DEFAULTS,
): boolean {
  if ("pod" in src && "pod" in dst && src.pod === dst.pod) return true;
  return (
    refEgress(snapshot, src, dst, port, protocol, options) &&
    refIngress(snapshot, src, dst, port, protocol, options)
  );
}

const isHost = (end: RefEnd, o: RefOptions) =>
  "pod" in end && o.hostNetworkAsNode && end.pod.spec?.hostNetwork === true;

export function refEgress(
  s: Snapshot,
  src: RefEnd,
  dst: RefEnd,
  port: number,
  protocol: string,
  o: RefOptions,
): boolean {
  if (!("pod" in src) || isHost(src, o)) return true;
  const policies = s.networkPolicies.filter((p) => applies(p, src.pod, "Egress"));
  if (policies.length === 0) return true;
  return policies.some((p) =>
    (p.spec?.egress ?? []).some(
      (rule) =>
        peersMatch(s, rule.to, p.metadata.namespace, dst, o) &&
        portsMatch(rule.ports, dst, port, protocol, o),
    ),
  );
}

export function refIngress(
  s: Snapshot,
  src: RefEnd,
  dst: RefEnd,
  port: number,
  protocol: string,
  o: RefOptions,
): boolean {
  if (!("pod" in dst) || isHost(dst, o)) return true;
  const policies = s.networkPolicies.filter((p) => applies(p, dst.pod, "Ingress"));
  if (policies.length === 0) return true;
  if (
    o.nodeLocalAllowed &&
    "pod" in src &&
    isHost(src, o) &&
    src.pod.spec?.nodeName &&
    src.pod.spec.nodeName === dst.pod.spec?.nodeName
  )
    return true;
  return policies.some((p) =>
    (p.spec?.ingress ?? []).some(
      (rule) =>
        peersMatch(s, rule.from, p.metadata.namespace, src, o) &&
        portsMatch(rule.ports, dst, port, protocol, o),
    ),
  );
}

function applies(policy: NetworkPolicy, pod: Pod, direction: "Ingress" | "Egress"): boolean {
  return (
    policy.metadata.namespace === pod.metadata.namespace &&
    selectorOrNothing(policy.spec?.podSelector ?? {}).matches(pod.metadata.labels) &&
    (policy.spec?.policyTypes ?? []).includes(direction)
  );
}

function peersMatch(
  s: Snapshot,
  peers: NetworkPolicyPeer[] | undefined,
  policyNs: string,
  end: RefEnd,
  o: RefOptions,
): boolean {
  if (!peers || peers.length === 0) return true;
  return peers.some((peer) => {
    if (peer.ipBlock) {
      if ("pod" in end && !isHost(end, o) && !o.ipBlockMatchesPods) return false;
      const ip = endIP(s, end, o);
      return (
        ip !== undefined &&
        inCIDR(ip, peer.ipBlock.cidr) &&
        !(peer.ipBlock.except ?? []).some((e) => inCIDR(ip, e))
      );
    }
    if (!("pod" in end) || isHost(end, o)) return false;
    const pod = end.pod;
    const nsOk = peer.namespaceSelector
      ? selectorOrNothing(peer.namespaceSelector).matches(
          s.namespaces.find((n) => n.metadata.name === pod.metadata.namespace)?.metadata.labels ?? {
            "kubernetes.io/metadata.name": pod.metadata.namespace,
          },
        )
      : pod.metadata.namespace === policyNs;
    const podOk = peer.podSelector ? selectorOrNothing(peer.podSelector).matches(pod.metadata.labels) : true;
    return nsOk && podOk;
  });
}

function portsMatch(
  ports: NetworkPolicyPort[] | undefined,
  dst: RefEnd,
  port: number,
  protocol: string,
  o: RefOptions,
): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === "number") return p.port <= port && port <= (p.endPort ?? p.port);
    if (!("pod" in dst) || isHost(dst, o)) return false;
    return (dst.pod.spec?.containers ?? []).some((c) =>
      (c.ports ?? []).some(
        (cp) => cp.name === p.port && (cp.protocol ?? "TCP") === protocol && cp.containerPort === port,
      ),
    );
  });
}

export function endIP(s: Snapshot, end: RefEnd, o: RefOptions): string | undefined {
  if ("ip" in end) return end.ip;
  if (isHost(end, o)) {
    const node = s.nodes.find((n) => n.metadata.name === end.pod.spec?.nodeName);
    return node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
  }
  return end.pod.status?.podIP;
}

/** IPv4 only: the property tests and fixtures use IPv4. */
export function inCIDR(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const n = Number(bits);
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  return (v4(ip) & mask) >>> 0 === (v4(base!) & mask) >>> 0;
}

function v4(ip: string): number {
  return ip.split(".").reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
}
