/**
 * NetworkPolicies compiled once for evaluation: selectors compiled (src/model/selector.ts), ipBlocks parsed,
 * ports normalized. Invalid policies (validate.ts) are left out, with a diagnostic each, exactly as the API
 * server would never have admitted them. Semantics: k8s.io/api networking/v1 types.go field comments.
 */

import { validateNetworkPolicy } from "../model/admission/network-policy.js";
import type { Diagnostic } from "../model/diagnostic.js";
import { type CIDR, parseCIDR } from "../model/ip.js";
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "../model/objects.js";
import { originOf } from "../model/origin.js";
import { type CompiledSelector, selectorOrNothing } from "../model/selector.js";
import type { Protocol } from "./conns.js";

export type Direction = "Ingress" | "Egress";

export type CompiledPeer =
  | {
      type: "selector";
      /** Absent: the policy's own namespace. */
      namespaceSelector?: CompiledSelector;
      namespaceSelectorSource?: LabelSelector;
      /** Absent (namespaceSelector alone): every pod of the selected namespaces. */
      podSelector?: CompiledSelector;
      podSelectorSource?: LabelSelector;
      /** The policy's namespace, which a podSelector alone is scoped to. */
      policyNamespace: string;
      /** A stable identity for caching the peer's matches. */
      key: string;
      text: string;
    }
  | { type: "ipBlock"; cidr: CIDR; except: CIDR[]; key: string; text: string };

export interface CompiledPort {
  protocol: Protocol;
  /** Absent: every port of the protocol. */
  port?: number | string;
  endPort?: number;
}

export interface CompiledRule {
  /** Index of the rule in spec.ingress / spec.egress. */
  index: number;
  /** Undefined: `from`/`to` empty or missing — every peer, external ones included. */
  peers?: CompiledPeer[];
  /** Empty: every port and protocol. */
  ports: CompiledPort[];
}

export interface CompiledPolicy {
  /** Position in the list of valid policies. */
  id: number;
  policy: NetworkPolicy;
  namespace: string;
  name: string;
  podSelector: CompiledSelector;
  podSelectorSource: LabelSelector;
  affectsIngress: boolean;
  affectsEgress: boolean;
  ingress: CompiledRule[];
  egress: CompiledRule[];
}

export interface CompiledPolicies {
  policies: CompiledPolicy[];
  /** Invalid policies (excluded) and warnings about valid ones. */
  diagnostics: Diagnostic[];
  /** Every CIDR the valid policies use (cidr and except), for splitting the address space. */
  cidrs: CIDR[];
  /** Policies the API server would reject, with its messages. */
  invalid: { policy: NetworkPolicy; errors: string[] }[];
}

export function compilePolicies(input: readonly NetworkPolicy[]): CompiledPolicies {
  const policies: CompiledPolicy[] = [];
  const diagnostics: Diagnostic[] = [];
  const cidrs: CIDR[] = [];
  const invalid: { policy: NetworkPolicy; errors: string[] }[] = [];
  for (const policy of input) {
    const where = `NetworkPolicy ${policy.metadata.namespace}/${policy.metadata.name}`;
    const { errors, warnings } = validateNetworkPolicy(policy);
    for (const w of warnings)
      diagnostics.push({
        severity: "warning",
        message: `${where}: ${w.message}`,
        origin: originOf(policy),
        field: w.field,
      });
    if (errors.length > 0) {
      invalid.push({ policy, errors: errors.map((e) => e.message) });
      diagnostics.push({
        severity: "error",
        message: `${apiServerRejection(
          policy.metadata.name,
          errors.map((e) => e.message),
        )} (namespace ${policy.metadata.namespace}); left out of the analysis`,
        origin: originOf(policy),
        field: errors[0]!.field,
      });
      continue;
    }
    const compiled = compilePolicy(policy, policies.length);
    for (const rule of compiled.egress) {
      for (const port of rule.ports) {
        if (typeof port.port === "string" && rule.peers?.some((p) => p.type === "ipBlock"))
          diagnostics.push({
            severity: "warning",
            message: `${where}: egress rule ${rule.index} names port ${JSON.stringify(port.port)} toward an ipBlock: a named port resolves only against a pod's container ports, never an external IP`,
            origin: originOf(policy),
            field: `spec.egress[${rule.index}].ports`,
          });
      }
    }
    for (const rule of [...compiled.ingress, ...compiled.egress])
      for (const peer of rule.peers ?? []) if (peer.type === "ipBlock") cidrs.push(peer.cidr, ...peer.except);
    policies.push(compiled);
  }
  return { policies, diagnostics, cidrs, invalid };
}

function compilePolicy(policy: NetworkPolicy, id: number): CompiledPolicy {
  const spec = policy.spec ?? { podSelector: {} };
  const namespace = policy.metadata.namespace;
  const types = spec.policyTypes ?? ["Ingress"];
  const rules = (list: { ports?: NetworkPolicyPort[]; peers?: NetworkPolicyPeer[] }[]): CompiledRule[] =>
    list.map((rule, index) => ({
      index,
      peers:
        rule.peers && rule.peers.length > 0
          ? rule.peers.map((peer) => compilePeer(peer, namespace))
          : undefined,
      ports: (rule.ports ?? []).map(compilePort),
    }));
  return {
    id,
    policy,
    namespace,
    name: policy.metadata.name,
    podSelector: selectorOrNothing(spec.podSelector ?? {}),
    podSelectorSource: spec.podSelector ?? {},
    affectsIngress: types.includes("Ingress"),
    affectsEgress: types.includes("Egress"),
    ingress: rules((spec.ingress ?? []).map((r) => ({ ports: r.ports, peers: r.from }))),
    egress: rules((spec.egress ?? []).map((r) => ({ ports: r.ports, peers: r.to }))),
  };
}

function compilePort(port: NetworkPolicyPort): CompiledPort {
  const out: CompiledPort = { protocol: (port.protocol ?? "TCP") as Protocol };
  if (port.port !== undefined && port.port !== null) out.port = port.port;
  if (typeof port.port === "number" && port.endPort !== undefined && port.endPort !== null)
    out.endPort = port.endPort;
  return out;
}

function compilePeer(peer: NetworkPolicyPeer, policyNamespace: string): CompiledPeer {
  if (peer.ipBlock) {
    const cidr = parseCIDR(peer.ipBlock.cidr)!;
    const except = (peer.ipBlock.except ?? []).map((e) => parseCIDR(e)!);
    const text = `ipBlock ${peer.ipBlock.cidr}${except.length > 0 ? ` except ${(peer.ipBlock.except ?? []).join(",")}` : ""}`;
    return { type: "ipBlock", cidr, except, key: text, text };
  }
  const namespaceSelector = peer.namespaceSelector ? selectorOrNothing(peer.namespaceSelector) : undefined;
  const podSelector = peer.podSelector ? selectorOrNothing(peer.podSelector) : undefined;
  const nsText = namespaceSelector
    ? namespaceSelector.everything
      ? "all namespaces"
      : `namespaces {${namespaceSelector.text}}`
    : `namespace ${policyNamespace}`;
  const podText = podSelector
    ? podSelector.everything
      ? "all pods"
      : `pods {${podSelector.text}}`
    : "all pods";
  const nsKey = namespaceSelector
    ? `ns:${namespaceSelector.text}${namespaceSelector.everything ? "*" : ""}`
    : `own:${policyNamespace}`;
  const podKey = podSelector ? `pod:${podSelector.text}${podSelector.everything ? "*" : ""}` : "pod:*";
  return {
    type: "selector",
    namespaceSelector,
    namespaceSelectorSource: peer.namespaceSelector ?? undefined,
    podSelector,
    podSelectorSource: peer.podSelector ?? undefined,
    policyNamespace,
    key: `${nsKey}|${podKey}`,
    text: `${podText} in ${nsText}`,
  };
}

/**
 * The API server's words for a rejected object (apimachinery errors.NewInvalid with
 * field.ErrorList.ToAggregate): one error bare, several in brackets.
 */
export function apiServerRejection(name: string, errors: string[]): string {
  const detail = errors.length === 1 ? errors[0]! : `[${errors.join(", ")}]`;
  return `NetworkPolicy.networking.k8s.io ${JSON.stringify(name)} is invalid: ${detail}`;
}
