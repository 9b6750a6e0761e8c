/**
 * NetworkPolicy validation as the API server does it, with its messages, so an invalid manifest is reported
 * the way `kubectl apply` would reject it. Mirrors kubernetes/kubernetes
 * pkg/apis/networking/validation/validation.go (ValidateNetworkPolicySpec, ValidateNetworkPolicyPort,
 * ValidateNetworkPolicyPeer, ValidateIPBlock) and util/validation (IsValidPortNum, IsValidPortName). Field
 * errors, label keys and values and label selectors (shared with the manifest sources): src/model/validation.ts.
 * Selectors here check the values of matchExpressions, as current API servers do for new objects.
 */

import { formatIP, parseCIDR } from "../ip.js";
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "../objects.js";
import {
  type FieldError,
  fieldForbidden as forbidden,
  fieldInvalid as invalid,
  maxLenError,
  fieldNotSupported as notSupported,
  fieldRequired as required,
  validateLabelSelector,
} from "../validation.js";

/** A warning the API server would return with a successful create (not a rejection). */
export interface FieldWarning {
  field: string;
  message: string;
}

export interface PolicyValidation {
  errors: FieldError[];
  warnings: FieldWarning[];
}

export function validateNetworkPolicy(policy: NetworkPolicy): PolicyValidation {
  const errors: FieldError[] = [];
  const warnings: FieldWarning[] = [];
  const spec = policy.spec ?? { podSelector: {} };
  errors.push(...validateLabelSelector(spec.podSelector, "spec.podSelector"));
  const directions = [
    ["ingress", spec.ingress ?? [], "from"],
    ["egress", spec.egress ?? [], "to"],
  ] as const;
  for (const [direction, rules, peersField] of directions) {
    rules.forEach((rule, i) => {
      const rulePath = `spec.${direction}[${i}]`;
      (rule.ports ?? []).forEach((port, j) => {
        errors.push(...validatePort(port, `${rulePath}.ports[${j}]`));
      });
      const peers =
        (direction === "ingress"
          ? (rule as { from?: NetworkPolicyPeer[] }).from
          : (rule as { to?: NetworkPolicyPeer[] }).to) ?? [];
      peers.forEach((peer, j) => {
        const peerPath = `${rulePath}.${peersField}[${j}]`;
        errors.push(...validatePeer(peer, peerPath));
        if (peer.ipBlock) warnings.push(...cidrWarnings(peer.ipBlock, `${peerPath}.ipBlock`));
      });
    });
  }
  const types = spec.policyTypes ?? [];
  if (types.length > 2) {
    errors.push({
      field: "spec.policyTypes",
      message: `spec.policyTypes: Invalid value: []networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(", ")}}: may not specify more than two policyTypes`,
    });
  } else {
    types.forEach((type, i) => {
      if (type !== "Ingress" && type !== "Egress")
        errors.push(notSupported(`spec.policyTypes[${i}]`, type, ["Ingress", "Egress"]));
    });
  }
  return { errors: dedupe(errors), warnings };
}

/** ValidateNetworkPolicyPort. */
export function validatePort(port: NetworkPolicyPort, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const protocol = port.protocol;
  if (protocol !== undefined && protocol !== "TCP" && protocol !== "UDP" && protocol !== "SCTP")
    errors.push(notSupported(`${path}.protocol`, protocol, ["TCP", "UDP", "SCTP"]));
  const value = port.port;
  const endPort = port.endPort;
  if (value !== undefined && value !== null) {
    if (typeof value === "number") {
      for (const msg of isValidPortNum(value)) errors.push(invalid(`${path}.port`, value, msg));
      if (endPort !== undefined && endPort !== null) {
        if (endPort < value)
          errors.push(invalid(`${path}.endPort`, endPort, "must be greater than or equal to `port`"));
        for (const msg of isValidPortNum(endPort)) errors.push(invalid(`${path}.endPort`, endPort, msg));
      }
    } else {
      if (endPort !== undefined && endPort !== null)
        errors.push(invalid(`${path}.endPort`, endPort, "may not be specified when `port` is non-numeric"));
      for (const msg of isValidPortName(value)) errors.push(invalid(`${path}.port`, value, msg));
    }
  } else if (endPort !== undefined && endPort !== null) {
    errors.push(invalid(`${path}.endPort`, endPort, "may not be specified when `port` is not specified"));
  }
  return errors;
}

/** ValidateNetworkPolicyPeer. */
export function validatePeer(peer: NetworkPolicyPeer, path: string): FieldError[] {
  const errors: FieldError[] = [];
  let fields = 0;
  if (peer.podSelector) {
    fields++;
    errors.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    fields++;
    errors.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    fields++;
    errors.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`));
  }
  if (fields === 0) errors.push(required(path, "must specify a peer"));
  else if (fields > 1 && peer.ipBlock)
    errors.push(forbidden(path, "may not specify both ipBlock and another peer"));
  return errors;
}

/** ValidateIPBlock (non-strict CIDR parsing: the StrictIPCIDRValidation gate is off by default). */
export function validateIPBlock(block: { cidr: string; except?: string[] }, path: string): FieldError[] {
  if (!block.cidr) return [required(`${path}.cidr`, "")];
  const cidr = parseCIDR(block.cidr);
  if (!cidr) return [invalid(`${path}.cidr`, block.cidr, CIDR_MESSAGE)];
  const errors: FieldError[] = [];
  (block.except ?? []).forEach((text, i) => {
    const except = parseCIDR(text);
    if (!except) {
      errors.push(invalid(`${path}.except[${i}]`, text, CIDR_MESSAGE));
      return;
    }
    const contained =
      except.family === cidr.family && cidr.first <= except.first && except.first <= cidr.last;
    if (!contained || cidr.prefix >= except.prefix)
      errors.push(invalid(`${path}.except[${i}]`, text, "must be a strict subset of `cidr`"));
  });
  return errors;
}

const CIDR_MESSAGE = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/** GetWarningsForCIDR: host bits set beyond the prefix make the value ambiguous. */
function cidrWarnings(block: { cidr: string; except?: string[] }, path: string): FieldWarning[] {
  const out: FieldWarning[] = [];
  const check = (text: string, field: string) => {
    const cidr = parseCIDR(text);
    if (cidr?.hostBitsSet) {
      const ip = text.slice(0, text.indexOf("/"));
      const network = `${formatIP(cidr.family, cidr.first)}/${cidr.prefix}`;
      out.push({
        field,
        message: `${field}: CIDR value ${JSON.stringify(text)} is ambiguous in this context (should be ${JSON.stringify(network)} or ${JSON.stringify(`${ip}/${cidr.family === 4 ? 32 : 128}`)}?)`,
      });
    }
  };
  check(block.cidr, `${path}.cidr`);
  (block.except ?? []).forEach((text, i) => {
    check(text, `${path}.except[${i}]`);
  });
  return out;
}

/** IsValidPortNum. */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535
    ? []
    : ["must be between 1 and 65535, inclusive"];
}

/** IsValidPortName (IANA_SVC_NAME). */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port))
    errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(port)) errs.push("must contain at least one letter (a-z)");
  if (port.includes("--")) errs.push("must not contain consecutive hyphens");
  if (port.length > 0 && (port.startsWith("-") || port.endsWith("-")))
    errs.push("must not begin or end with a hyphen");
  return errs;
}

/** field.ErrorList.ToAggregate drops duplicate messages. */
function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (seen.has(e.message)) return false;
    seen.add(e.message);
    return true;
  });
}
