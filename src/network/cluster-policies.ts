/**
 * The cluster-scoped network policies compiled once for evaluation (sigs.k8s.io/network-policy-api v0.3.0,
 * apis/v1alpha1 and apis/v1alpha2 *_types.go): AdminNetworkPolicy and ClusterNetworkPolicy tier Admin form
 * the admin tier, the BaselineAdminNetworkPolicy and ClusterNetworkPolicy tier Baseline the baseline tier
 * (./tiers/cluster-policy.ts evaluates them). v1alpha1 is mapped onto v1alpha2: Allow is Accept, `ports`
 * become `protocols`.
 *
 * What the CRDs' schemas and CEL rules reject is validated here, in their words, and the policy is left out
 * with a diagnostic, as the API server would never have stored it: priority 0–1000, subject and peers with
 * exactly one field, the rule / peer / port / CIDR limits (25 in v1alpha2, 100 rules and ports in v1alpha1),
 * actions per kind, port ranges with start < end, CIDRs, domain names, named ports only toward pods, and a
 * BaselineAdminNetworkPolicy named `default`. A peer whose fields are all unknown to this version (a newer
 * CRD) is kept and fails closed: matches nothing in an Accept rule, makes a Deny or Pass rule deny all.
 */

import type { Diagnostic } from "../model/diagnostic.js";
import { type CIDR, formatRange, parseCIDR } from "../model/ip.js";
import type {
  AdminPolicyPort,
  ClusterPolicyPeer,
  ClusterPolicyProtocol,
  ClusterPolicyRule,
  ClusterScopedNetworkPolicy,
  LabelSelector,
  NamespacedPodSelector,
} from "../model/objects.js";
import { originOf } from "../model/origin.js";
import { type CompiledSelector, compileSelector, selectorOrNothing } from "../model/selector.js";
import type { Protocol } from "./conns.js";
import type { CompiledPeer, Direction } from "./policies.js";

export type ClusterTier = "admin" | "baseline";
export type ClusterAction = "Accept" | "Deny" | "Pass";

export type ClusterPeer =
  /** namespaces or pods: the same shape as a NetworkPolicy selector peer (../peers.ts). */
  | { type: "selector"; peer: Extract<CompiledPeer, { type: "selector" }>; text: string }
  | { type: "networks"; cidrs: CIDR[]; peers: CompiledPeer[]; text: string }
  | { type: "nodes"; selector: CompiledSelector; source: LabelSelector; text: string }
  | { type: "domainNames"; names: string[]; text: string }
  /** No field this version knows: fail closed. */
  | { type: "unknown"; text: string };

export type ClusterPort =
  | { type: "number"; protocol: Protocol; from: number; to: number }
  | { type: "named"; name: string };

export interface CompiledClusterRule {
  /** Index in spec.ingress / spec.egress. */
  index: number;
  name?: string;
  /** The action as the policy's kind spells it (Allow in v1alpha1). */
  word: string;
  action: ClusterAction;
  peers: ClusterPeer[];
  /** Undefined: every port and protocol. */
  ports?: ClusterPort[];
  /** A peer with no known field: the rule matches nothing (Accept) or denies everything (Deny, Pass). */
  failClosed: boolean;
}

export interface CompiledClusterPolicy {
  /** Position in the list of valid cluster policies. */
  id: number;
  object: ClusterScopedNetworkPolicy;
  kind: ClusterScopedNetworkPolicy["kind"];
  name: string;
  tier: ClusterTier;
  /** BaselineAdminNetworkPolicy has none: evaluated after every Baseline ClusterNetworkPolicy. */
  priority?: number;
  namespaceSelector: CompiledSelector;
  namespaceSelectorSource: LabelSelector;
  /** Absent: `subject.namespaces` (every pod of the namespaces). */
  podSelector?: CompiledSelector;
  podSelectorSource?: LabelSelector;
  ingress: CompiledClusterRule[];
  egress: CompiledClusterRule[];
}

export interface CompiledClusterPolicies {
  policies: CompiledClusterPolicy[];
  diagnostics: Diagnostic[];
  /** Every CIDR of a networks peer, for splitting the address space. */
  cidrs: CIDR[];
  invalid: { policy: ClusterScopedNetworkPolicy; errors: string[] }[];
}

/** `AdminNetworkPolicy "tenant-isolation"`: how every output names a cluster policy. */
export function clusterPolicyRef(p: { kind: string; name: string }): string {
  return `${p.kind} ${JSON.stringify(p.name)}`;
}

/** `AdminNetworkPolicy "tenant-isolation" egress rule 2 (Deny)`, with the rule's name when it has one. */
export function clusterRuleRef(
  p: { kind: string; name: string },
  direction: Direction,
  rule: CompiledClusterRule,
): string {
  const named = rule.name ? ` ${JSON.stringify(rule.name)}` : "";
  return `${clusterPolicyRef(p)} ${direction === "Egress" ? "egress" : "ingress"} rule ${rule.index}${named} (${rule.word})`;
}

const DOMAIN_NAME =
  /^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$/;

export function compileClusterPolicies(
  input: readonly ClusterScopedNetworkPolicy[],
): CompiledClusterPolicies {
  const policies: CompiledClusterPolicy[] = [];
  const diagnostics: Diagnostic[] = [];
  const cidrs: CIDR[] = [];
  const invalid: { policy: ClusterScopedNetworkPolicy; errors: string[] }[] = [];
  for (const object of input) {
    const errors = validateClusterPolicy(object);
    if (errors.length > 0) {
      invalid.push({ policy: object, errors });
      const detail = errors.length === 1 ? errors[0]! : `[${errors.join(", ")}]`;
      diagnostics.push({
        severity: "error",
        message: `${object.kind}.policy.networking.k8s.io ${JSON.stringify(object.metadata.name)} is invalid: ${detail}; left out of the analysis`,
        origin: originOf(object),
      });
      continue;
    }
    const compiled = compile(object, policies.length);
    for (const [word, rules] of [
      ["ingress", compiled.ingress],
      ["egress", compiled.egress],
    ] as const)
      for (const rule of rules) {
        for (const peer of rule.peers) if (peer.type === "networks") cidrs.push(...peer.cidrs);
        if (rule.failClosed)
          diagnostics.push({
            severity: "warning",
            message: `${clusterPolicyRef(compiled)}: a peer of ${word} rule ${rule.index} sets no field this version of kubefence knows (a newer CRD?): it fails closed, as the API says: ${rule.action === "Accept" ? "the rule matches nothing" : "the rule denies everything"}`,
            origin: originOf(object),
          });
      }
    policies.push(compiled);
  }
  return { policies, diagnostics, cidrs, invalid };
}

function compile(object: ClusterScopedNetworkPolicy, id: number): CompiledClusterPolicy {
  const spec = object.spec ?? {};
  const subject = spec.subject ?? {};
  const tier: ClusterTier =
    object.kind === "AdminNetworkPolicy"
      ? "admin"
      : object.kind === "BaselineAdminNetworkPolicy"
        ? "baseline"
        : spec.tier === "Admin"
          ? "admin"
          : "baseline";
  const nsSource = subject.pods ? (subject.pods.namespaceSelector ?? {}) : (subject.namespaces ?? {});
  const rules = (list: ClusterPolicyRule[] | undefined, direction: Direction): CompiledClusterRule[] =>
    (list ?? []).map((rule, index) => {
      const peers = ((direction === "Ingress" ? rule.from : rule.to) ?? []).map(compilePeer);
      const action = rule.action === "Allow" ? "Accept" : (rule.action as ClusterAction);
      const ports = compilePorts(
        object.kind === "ClusterNetworkPolicy" ? rule.protocols : undefined,
        object.kind === "ClusterNetworkPolicy" ? undefined : rule.ports,
      );
      return {
        index,
        name: rule.name || undefined,
        word: rule.action ?? "",
        action,
        peers,
        ports,
        failClosed: peers.some((p) => p.type === "unknown"),
      };
    });
  return {
    id,
    object,
    kind: object.kind,
    name: object.metadata.name,
    tier,
    priority: object.kind === "BaselineAdminNetworkPolicy" ? undefined : spec.priority,
    namespaceSelector: selectorOrNothing(nsSource),
    namespaceSelectorSource: nsSource,
    podSelector: subject.pods ? selectorOrNothing(subject.pods.podSelector ?? {}) : undefined,
    podSelectorSource: subject.pods ? (subject.pods.podSelector ?? {}) : undefined,
    ingress: rules(spec.ingress, "Ingress"),
    egress: rules(spec.egress, "Egress"),
  };
}

function selectorText(s: CompiledSelector, what: string): string {
  return s.everything ? `all ${what}` : `${what} {${s.text}}`;
}

function selectorPeer(namespaces: LabelSelector, pods: LabelSelector | undefined): ClusterPeer {
  const ns = selectorOrNothing(namespaces);
  const pod = pods ? selectorOrNothing(pods) : undefined;
  const text = `${pod ? selectorText(pod, "pods") : "all pods"} in ${selectorText(ns, "namespaces")}`;
  return {
    type: "selector",
    text,
    peer: {
      type: "selector",
      namespaceSelector: ns,
      namespaceSelectorSource: namespaces,
      podSelector: pod,
      podSelectorSource: pods,
      policyNamespace: "",
      key: `ns:${ns.text}${ns.everything ? "*" : ""}|${pod ? `pod:${pod.text}${pod.everything ? "*" : ""}` : "pod:*"}`,
      text,
    },
  };
}

function compilePeer(peer: ClusterPolicyPeer): ClusterPeer {
  if (peer.namespaces) return selectorPeer(peer.namespaces, undefined);
  if (peer.pods) return selectorPeer(peer.pods.namespaceSelector ?? {}, peer.pods.podSelector ?? {});
  if (peer.networks) {
    const cidrs = peer.networks.map((n) => parseCIDR(n)!);
    const text = `networks ${peer.networks.join(", ")}`;
    return {
      type: "networks",
      cidrs,
      text,
      peers: cidrs.map((cidr) => ({ type: "ipBlock", cidr, except: [], key: formatRange(cidr), text })),
    };
  }
  if (peer.nodes) {
    const selector = selectorOrNothing(peer.nodes);
    return { type: "nodes", selector, source: peer.nodes, text: selectorText(selector, "nodes") };
  }
  if (peer.domainNames)
    return {
      type: "domainNames",
      names: peer.domainNames,
      text: `domainNames ${peer.domainNames.join(", ")}`,
    };
  return {
    type: "unknown",
    text: `a peer with fields unknown to kubefence (${Object.keys(peer).join(", ") || "none"})`,
  };
}

const PROTOCOL_FIELDS = [
  ["tcp", "TCP"],
  ["udp", "UDP"],
  ["sctp", "SCTP"],
] as const;

function compilePorts(
  protocols: ClusterPolicyProtocol[] | undefined,
  ports: AdminPolicyPort[] | undefined,
): ClusterPort[] | undefined {
  if (protocols) {
    const out: ClusterPort[] = [];
    for (const p of protocols) {
      if (p.destinationNamedPort) out.push({ type: "named", name: p.destinationNamedPort });
      for (const [field, protocol] of PROTOCOL_FIELDS) {
        const entry = p[field];
        if (!entry) continue;
        const d = entry.destinationPort;
        if (!d) out.push({ type: "number", protocol, from: 1, to: 65535 });
        else if (d.range) out.push({ type: "number", protocol, from: d.range.start!, to: d.range.end! });
        else out.push({ type: "number", protocol, from: d.number!, to: d.number! });
      }
    }
    return out;
  }
  if (ports) {
    const out: ClusterPort[] = [];
    for (const p of ports) {
      if (p.namedPort) out.push({ type: "named", name: p.namedPort });
      else if (p.portNumber)
        out.push({
          type: "number",
          protocol: (p.portNumber.protocol || "TCP") as Protocol,
          from: p.portNumber.port!,
          to: p.portNumber.port!,
        });
      else if (p.portRange)
        out.push({
          type: "number",
          protocol: (p.portRange.protocol || "TCP") as Protocol,
          from: p.portRange.start!,
          to: p.portRange.end!,
        });
    }
    return out;
  }
  return undefined;
}

/** The text of a rule's ports (`TCP/80, UDP/53-54, named web`), or "every port". */
export function clusterPortsText(ports: ClusterPort[] | undefined): string {
  if (!ports) return "every port";
  return ports
    .map((p) =>
      p.type === "named"
        ? `named port ${p.name}`
        : `${p.protocol}${p.from === 1 && p.to === 65535 ? "" : `/${p.from}${p.to !== p.from ? `-${p.to}` : ""}`}`,
    )
    .join(", ");
}

// --- validation, in the words of the CRD's OpenAPI schema and CEL rules --------------------------------

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The errors the API server would reject the object with (empty: valid). */
export function validateClusterPolicy(object: ClusterScopedNetworkPolicy): string[] {
  const errors: string[] = [];
  /** CEL rule failures: the server runs CEL only when the schema errors do not block it. */
  const cel: string[] = [];
  let blocking = false;
  const kind = object.kind;
  const v2 = kind === "ClusterNetworkPolicy";
  const maxRules = v2 ? 25 : 100;
  const maxPeers = v2 ? 25 : 100;
  const maxPorts = v2 ? 25 : 100;
  const spec = (object.spec ?? {}) as Rec;
  const type = (path: string, v: unknown, want: "object" | "array" | "string" | "integer"): boolean => {
    const ok =
      want === "object"
        ? isRec(v)
        : want === "array"
          ? Array.isArray(v)
          : want === "string"
            ? typeof v === "string"
            : Number.isInteger(v);
    if (!ok) {
      blocking = true;
      errors.push(
        `${path}: Invalid value: "${describe(v)}": ${path} in body must be of type ${want}: "${describe(v)}"`,
      );
    }
    return ok;
  };
  const required = (path: string) => errors.push(`${path}: Required value`);
  const tooMany = (path: string, n: number, max: number) => {
    blocking = true;
    errors.push(`${path}: Too many: ${n}: must have at most ${max} item${max === 1 ? "" : "s"}`);
  };
  const unsupported = (path: string, v: unknown, values: string[]) => {
    blocking = true;
    errors.push(
      `${path}: Unsupported value: ${JSON.stringify(v)}: supported values: ${values.map((a) => JSON.stringify(a)).join(", ")}`,
    );
  };
  const minItems = (path: string, list: unknown[]) => {
    if (list.length < 1)
      errors.push(`${path}: Invalid value: ${list.length}: ${path} in body should have at least 1 items`);
  };
  const oneOf = (path: string, v: Rec): boolean => {
    const n = Object.keys(v).length;
    if (n > 1) tooMany(path, n, 1);
    if (n < 1) errors.push(`${path}: Invalid value: 0: ${path} in body should have at least 1 properties`);
    return n === 1;
  };
  const selector = (path: string, v: unknown) => {
    if (!type(path, v, "object")) return;
    const r = compileSelector(v as LabelSelector);
    if (!r.ok) errors.push(`${path}: Invalid value: ${r.error}`);
  };
  const namespacedPod = (path: string, v: unknown) => {
    if (!type(path, v, "object")) return;
    const p = v as NamespacedPodSelector & Rec;
    if (p.namespaceSelector !== undefined) selector(`${path}.namespaceSelector`, p.namespaceSelector);
    if (p.podSelector === undefined) required(`${path}.podSelector`);
    else selector(`${path}.podSelector`, p.podSelector);
  };
  const port = (path: string, v: unknown) => {
    if (!type(path, v, "integer")) return;
    const n = v as number;
    if (n < 1)
      errors.push(`${path}: Invalid value: ${n}: ${path} in body should be greater than or equal to 1`);
    if (n > 65535)
      errors.push(`${path}: Invalid value: ${n}: ${path} in body should be less than or equal to 65535`);
  };
  const protocolEnum = (path: string, v: unknown) => {
    if (v === undefined) return;
    if (v !== "TCP" && v !== "UDP" && v !== "SCTP") unsupported(path, v, ["TCP", "UDP", "SCTP"]);
  };
  const range = (path: string, r: Rec) => {
    let ok = true;
    for (const [f, value] of [
      ["start", r.start],
      ["end", r.end],
    ] as const) {
      if (value === undefined) {
        required(`${path}.${f}`);
        ok = false;
      } else port(`${path}.${f}`, value);
    }
    if (
      ok &&
      Number.isInteger(r.start) &&
      Number.isInteger(r.end) &&
      !((r.start as number) < (r.end as number))
    )
      cel.push(`${path}: Invalid value: Start port must be less than End port`);
  };

  if (kind === "BaselineAdminNetworkPolicy" && object.metadata.name !== "default")
    cel.push(
      `<nil>: Invalid value: Only one baseline admin network policy with metadata.name="default" can be created in the cluster`,
    );
  if (v2) {
    if (spec.tier === undefined) required("spec.tier");
    else if (spec.tier !== "Admin" && spec.tier !== "Baseline")
      unsupported("spec.tier", spec.tier, ["Admin", "Baseline"]);
  }
  if (kind !== "BaselineAdminNetworkPolicy") {
    if (spec.priority === undefined) required("spec.priority");
    else if (type("spec.priority", spec.priority, "integer")) {
      const p = spec.priority as number;
      if (p < 0)
        errors.push(
          `spec.priority: Invalid value: ${p}: spec.priority in body should be greater than or equal to 0`,
        );
      if (p > 1000)
        errors.push(
          `spec.priority: Invalid value: ${p}: spec.priority in body should be less than or equal to 1000`,
        );
    }
  }
  if (spec.subject === undefined) required("spec.subject");
  else if (type("spec.subject", spec.subject, "object") && oneOf("spec.subject", spec.subject as Rec)) {
    const s = spec.subject as Rec;
    if (s.namespaces !== undefined) selector("spec.subject.namespaces", s.namespaces);
    else if (s.pods !== undefined) namespacedPod("spec.subject.pods", s.pods);
  }
  const actions = v2
    ? ["Accept", "Deny", "Pass"]
    : kind === "AdminNetworkPolicy"
      ? ["Allow", "Deny", "Pass"]
      : ["Allow", "Deny"];
  for (const direction of ["ingress", "egress"] as const) {
    const list = spec[direction];
    if (list === undefined) continue;
    if (!type(`spec.${direction}`, list, "array")) continue;
    const rules = list as unknown[];
    if (rules.length > maxRules) tooMany(`spec.${direction}`, rules.length, maxRules);
    rules.forEach((rule, i) => {
      const at = `spec.${direction}[${i}]`;
      if (!type(at, rule, "object")) return;
      const r = rule as Rec;
      if (r.name !== undefined && type(`${at}.name`, r.name, "string") && (r.name as string).length > 100)
        errors.push(`${at}.name: Too long: may not be more than 100 bytes`);
      if (r.action === undefined) required(`${at}.action`);
      else if (!actions.includes(r.action as string)) unsupported(`${at}.action`, r.action, actions);
      const peersField = direction === "ingress" ? "from" : "to";
      let towardNonPods = false;
      const peers = direction === "ingress" ? r.from : r.to;
      if (peers === undefined) required(`${at}.${peersField}`);
      else if (type(`${at}.${peersField}`, peers, "array")) {
        const list = peers as unknown[];
        minItems(`${at}.${peersField}`, list);
        if (list.length > maxPeers) tooMany(`${at}.${peersField}`, list.length, maxPeers);
        list.forEach((peer, j) => {
          const pat = `${at}.${peersField}[${j}]`;
          if (!type(pat, peer, "object")) return;
          const p = peer as Rec;
          const known = Object.keys(p).filter((k) =>
            direction === "ingress"
              ? k === "namespaces" || k === "pods"
              : [
                  "namespaces",
                  "pods",
                  "nodes",
                  "networks",
                  ...(kind === "BaselineAdminNetworkPolicy" ? [] : ["domainNames"]),
                ].includes(k),
          );
          // Unknown fields alone: a newer CRD's peer, kept to fail closed (the API server prunes them).
          if (known.length === 0 && Object.keys(p).length > 0) return;
          if (!oneOf(pat, p)) return;
          if (p.namespaces !== undefined) selector(`${pat}.namespaces`, p.namespaces);
          if (p.pods !== undefined) namespacedPod(`${pat}.pods`, p.pods);
          if (p.nodes !== undefined) {
            towardNonPods = true;
            selector(`${pat}.nodes`, p.nodes);
          }
          if (p.networks !== undefined && type(`${pat}.networks`, p.networks, "array")) {
            towardNonPods = true;
            const nets = p.networks as unknown[];
            minItems(`${pat}.networks`, nets);
            if (nets.length > 25) tooMany(`${pat}.networks`, nets.length, 25);
            nets.forEach((n, k) => {
              const nat = `${pat}.networks[${k}]`;
              if (!type(nat, n, "string")) return;
              if ((n as string).length > 43) errors.push(`${nat}: Too long: may not be more than 43 bytes`);
              const c = parseCIDR(n as string);
              // v1alpha1 also requires the CIDR masked (cidr(self) == cidr(self).masked()).
              if (!c || (!v2 && c.hostBitsSet))
                cel.push(`${nat}: Invalid value: ${JSON.stringify(n)}: Invalid CIDR format provided`);
            });
          }
          if (p.domainNames !== undefined && type(`${pat}.domainNames`, p.domainNames, "array")) {
            towardNonPods = true;
            const names = p.domainNames as unknown[];
            minItems(`${pat}.domainNames`, names);
            if (names.length > 25) tooMany(`${pat}.domainNames`, names.length, 25);
            names.forEach((n, k) => {
              const nat = `${pat}.domainNames[${k}]`;
              if (type(nat, n, "string") && !DOMAIN_NAME.test(n as string))
                errors.push(
                  `${nat}: Invalid value: ${JSON.stringify(n)}: ${nat} in body should match '${DOMAIN_NAME.source}'`,
                );
            });
          }
        });
      }
      const portsField = v2 ? "protocols" : "ports";
      const ports = v2 ? r.protocols : r.ports;
      let named = false;
      if (ports !== undefined && type(`${at}.${portsField}`, ports, "array")) {
        const list = ports as unknown[];
        minItems(`${at}.${portsField}`, list);
        if (list.length > maxPorts) tooMany(`${at}.${portsField}`, list.length, maxPorts);
        list.forEach((entry, j) => {
          const pat = `${at}.${portsField}[${j}]`;
          if (!type(pat, entry, "object") || !oneOf(pat, entry as Rec)) return;
          const e = entry as Rec;
          if (v2) {
            if (e.destinationNamedPort !== undefined) {
              named = true;
              type(`${pat}.destinationNamedPort`, e.destinationNamedPort, "string");
            }
            for (const [field] of PROTOCOL_FIELDS) {
              const proto = e[field];
              if (proto === undefined || !type(`${pat}.${field}`, proto, "object")) continue;
              const d = (proto as Rec).destinationPort;
              if (d === undefined) {
                if (Object.keys(proto as Rec).length < 1)
                  errors.push(
                    `${pat}.${field}: Invalid value: 0: ${pat}.${field} in body should have at least 1 properties`,
                  );
                continue;
              }
              const dat = `${pat}.${field}.destinationPort`;
              if (!type(dat, d, "object") || !oneOf(dat, d as Rec)) continue;
              const dp = d as Rec;
              if (dp.number !== undefined) port(`${dat}.number`, dp.number);
              if (dp.range !== undefined && type(`${dat}.range`, dp.range, "object"))
                range(`${dat}.range`, dp.range as Rec);
            }
          } else {
            if (e.namedPort !== undefined) {
              named = true;
              type(`${pat}.namedPort`, e.namedPort, "string");
            }
            if (e.portNumber !== undefined && type(`${pat}.portNumber`, e.portNumber, "object")) {
              const pn = e.portNumber as Rec;
              protocolEnum(`${pat}.portNumber.protocol`, pn.protocol);
              if (pn.port === undefined) required(`${pat}.portNumber.port`);
              else port(`${pat}.portNumber.port`, pn.port);
            }
            if (e.portRange !== undefined && type(`${pat}.portRange`, e.portRange, "object")) {
              const pr = e.portRange as Rec;
              protocolEnum(`${pat}.portRange.protocol`, pr.protocol);
              range(`${pat}.portRange`, pr);
            }
          }
        });
      }
      if (direction === "egress" && named && towardNonPods)
        cel.push(
          kind === "BaselineAdminNetworkPolicy"
            ? `${at}: Invalid value: networks/nodes peer cannot be set with namedPorts since there are no namedPorts for networks/nodes`
            : `${at}: Invalid value: networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames`,
        );
    });
  }
  // apiextensions: schema errors of these types keep the CEL rules from running, which the server says.
  if (blocking)
    return [
      ...errors,
      "<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
    ];
  return [...errors, ...cel];
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "object" ? "object" : typeof v;
}
