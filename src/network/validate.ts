/**
 * NetworkPolicy validation as the API server does it, with its messages, so an invalid manifest is reported
 * the way `kubectl apply` would reject it. Mirrors kubernetes/kubernetes
 * pkg/apis/networking/validation/validation.go (ValidateNetworkPolicySpec, ValidateNetworkPolicyPort,
 * ValidateNetworkPolicyPeer, ValidateIPBlock), apimachinery meta/v1/validation (ValidateLabelSelector) and
 * util/validation (IsValidPortNum, IsValidPortName, IsQualifiedName, IsValidLabelValue); error text as
 * util/validation/field/errors.go prints it.
 */
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "../model/objects.js";
import { formatIP, parseCIDR } from "./ip.js";

/** One field error, e.g. `spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: …`. */
export interface FieldError {
  field: string;
  message: string;
}

/** A warning the API server would return with a successful create (not a rejection). */
export interface FieldWarning {
  field: string;
  message: string;
}

export interface PolicyValidation {
  errors: FieldError[];
  warnings: FieldWarning[];
}

type Value = string | number | boolean | undefined | null;

function quote(value: Value): string {
  if (value === undefined || value === null) return "null";
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

const invalid = (field: string, value: Value, detail: string): FieldError => ({
  field,
  message: `${field}: Invalid value: ${quote(value)}: ${detail}`,
});
const notSupported = (field: string, value: Value, supported: string[]): FieldError => ({
  field,
  message: `${field}: Unsupported value: ${quote(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(", ")}`,
});
const required = (field: string, detail: string): FieldError => ({
  field,
  message: `${field}: Required value${detail ? `: ${detail}` : ""}`,
});
const forbidden = (field: string, detail: string): FieldError => ({
  field,
  message: `${field}: Forbidden: ${detail}`,
});

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

/** ValidateLabelSelector (with label values in expressions checked, as for new objects). */
export function validateLabelSelector(
  selector: LabelSelector | undefined | null,
  path: string,
): FieldError[] {
  if (!selector) return [];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    for (const msg of isQualifiedName(key)) errors.push(invalid(`${path}.matchLabels`, key, msg));
    for (const msg of isValidLabelValue(value)) errors.push(invalid(`${path}.matchLabels`, value, msg));
  }
  (selector.matchExpressions ?? []).forEach((expression, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const values = expression.values ?? [];
    switch (expression.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0)
          errors.push(required(`${at}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0)
          errors.push(
            forbidden(`${at}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
          );
        break;
      default:
        errors.push(invalid(`${at}.operator`, expression.operator, "not a valid selector operator"));
    }
    for (const msg of isQualifiedName(expression.key)) errors.push(invalid(`${at}.key`, expression.key, msg));
    values.forEach((value, j) => {
      for (const msg of isValidLabelValue(value)) errors.push(invalid(`${at}.values[${j}]`, value, msg));
    });
  });
  return errors;
}

function regexError(msg: string, format: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${format}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${format}')`;
}

const maxLenError = (n: number) => `must be no more than ${n} characters`;

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

const QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

/** IsQualifiedName: label keys. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else {
      if (prefix.length > 253) errs.push(`prefix part ${maxLenError(253)}`);
      if (!DNS1123_SUBDOMAIN.test(prefix))
        errs.push(
          `prefix part ${regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, "example.com")}`,
        );
    }
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_NAME.test(name))
    errs.push(
      `name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")}`,
    );
  return errs;
}

/** IsValidLabelValue. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (value.length > 0 && !QUALIFIED_NAME.test(value))
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        `(${QUALIFIED_NAME_FMT})?`,
        "MyValue",
        "my_value",
        "12345",
      ),
    );
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
