/**
 * The tenants file: who the tenants are, which namespaces each owns, who owns each tenant, and who the
 * platform administrators are. Parsed from text (the CLI reads the file), validated with file:line errors.
 *
 *   apiVersion: kubefence.io/v1alpha1
 *   kind: TenantConfig
 *   platform:
 *     namespaces: [kube-system, kube-public, kube-node-lease, ingress-nginx]   # default: every kube-* namespace
 *     admins: [{kind: Group, name: system:masters}, {kind: User, name: ops-admin}]
 *     services:                                       # platform pods every tenant may reach (default: cluster DNS)
 *       - {namespace: kube-system, podSelector: {matchLabels: {k8s-app: kube-dns}}, ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]}
 *   tenants:
 *     - name: team-a
 *       namespaces: [team-a, team-a-dev]                  # by name, and/or
 *       namespaceSelector: {matchLabels: {tenant: team-a}} # by label
 *       owners:
 *         - {kind: User, name: alice}
 *         - {kind: Group, name: team-a-devs}
 *         - {kind: ServiceAccount, namespace: team-a, name: deployer}
 *       podSecurity: baseline                             # privileged | baseline | restricted (default baseline)
 *       allowFrom: [team-b]                               # tenants whose traffic team-a accepts
 *       services: {nodePort: false, loadBalancer: false, externalIPs: false}
 *   guardrails: {pod-security: enforce, service-exposure: warn}   # webhook modes, read by src/webhook/settings.ts
 */
import type { Diagnostic } from "../model/diagnostic.js";
import type { LabelSelector } from "../model/objects.js";
import { compileSelector } from "../model/selector.js";
import type { Path } from "../sources/documents.js";
import { parseDocuments } from "../sources/documents.js";

export interface SubjectRef {
  kind: "User" | "Group" | "ServiceAccount";
  name: string;
  /** ServiceAccount only. */
  namespace?: string;
}

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export interface TenantSpec {
  name: string;
  namespaces: string[];
  namespaceSelector?: LabelSelector;
  owners: SubjectRef[];
  podSecurity: PodSecurityLevel;
  allowFrom: string[];
  services: { nodePort: boolean; loadBalancer: boolean; externalIPs: boolean };
}

/** Platform pods that every tenant may reach on these ports (cluster DNS, an ingress controller's webhook…). */
export interface PlatformService {
  namespace: string;
  podSelector: LabelSelector;
  ports: { protocol: "TCP" | "UDP" | "SCTP"; port: number }[];
}

export const DEFAULT_PLATFORM_SERVICES: PlatformService[] = [
  {
    namespace: "kube-system",
    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ],
  },
];

export interface TenantConfig {
  /** Platform namespaces by name; undefined means every `kube-*` namespace. */
  platformNamespaces?: string[];
  /** What tenants may reach in the platform without it being a breach. */
  platformServices: PlatformService[];
  /** Identities never reported: they administer the platform. */
  admins: SubjectRef[];
  tenants: TenantSpec[];
}

export const DEFAULT_ADMINS: SubjectRef[] = [{ kind: "Group", name: "system:masters" }];

export function defaultTenantConfig(): TenantConfig {
  return { admins: DEFAULT_ADMINS, platformServices: DEFAULT_PLATFORM_SERVICES, tenants: [] };
}

export function parseTenantConfig(
  text: string,
  file: string,
): { config?: TenantConfig; diagnostics: Diagnostic[] } {
  const { documents, diagnostics } = parseDocuments(text, file);
  if (diagnostics.length > 0) return { diagnostics };
  const doc = documents[0];
  if (!doc || documents.length > 1)
    return {
      diagnostics: [
        {
          severity: "error",
          message: "a tenants file holds exactly one TenantConfig document",
          origin: { file, line: 1, column: 1 },
        },
      ],
    };
  const errors: Diagnostic[] = [];
  const fail = (path: Path, message: string) => {
    errors.push({ severity: "error", message, origin: doc.locate(path), field: path.join(".") });
  };
  const root = doc.value as Record<string, unknown>;
  if (typeof root !== "object" || root === null || Array.isArray(root)) {
    fail([], "a tenants file must be a TenantConfig object");
    return { diagnostics: errors };
  }
  if (root.kind !== "TenantConfig")
    fail(["kind"], `kind must be TenantConfig (got ${JSON.stringify(root.kind)})`);

  const platform = (root.platform ?? {}) as Record<string, unknown>;
  const platformNamespaces =
    platform.namespaces === undefined
      ? undefined
      : strings(platform.namespaces, ["platform", "namespaces"], fail);
  const admins =
    platform.admins === undefined ? DEFAULT_ADMINS : subjects(platform.admins, ["platform", "admins"], fail);
  const platformServices =
    platform.services === undefined
      ? DEFAULT_PLATFORM_SERVICES
      : services(platform.services, ["platform", "services"], fail);

  const tenants: TenantSpec[] = [];
  const names = new Set<string>();
  const list = root.tenants ?? [];
  if (!Array.isArray(list)) fail(["tenants"], "tenants must be a list");
  else
    for (const [i, raw] of list.entries()) {
      const tenant = parseTenant(raw, ["tenants", i], fail);
      if (!tenant) continue;
      if (names.has(tenant.name))
        fail(["tenants", i, "name"], `tenant ${JSON.stringify(tenant.name)} is declared twice`);
      names.add(tenant.name);
      tenants.push(tenant);
    }
  tenants.forEach((t, i) => {
    for (const other of t.allowFrom)
      if (!names.has(other))
        fail(["tenants", i, "allowFrom"], `allowFrom names unknown tenant ${JSON.stringify(other)}`);
  });
  if (errors.length > 0) return { diagnostics: errors };
  return { config: { platformNamespaces, admins, platformServices, tenants }, diagnostics: [] };
}

function parseTenant(
  raw: unknown,
  path: Path,
  fail: (path: Path, message: string) => void,
): TenantSpec | undefined {
  if (typeof raw !== "object" || raw === null) {
    fail(path, "a tenant must be an object");
    return undefined;
  }
  const t = raw as Record<string, unknown>;
  if (
    typeof t.name !== "string" ||
    !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(t.name) ||
    t.name === "platform"
  ) {
    fail(
      [...path, "name"],
      "name must be a DNS label (lower-case letters, digits, '-') other than \"platform\"",
    );
    return undefined;
  }
  let namespaceSelector: LabelSelector | undefined;
  if (t.namespaceSelector !== undefined) {
    const compiled = compileSelector(t.namespaceSelector as LabelSelector);
    if (!compiled.ok) fail([...path, "namespaceSelector"], compiled.error);
    else namespaceSelector = t.namespaceSelector as LabelSelector;
  }
  const namespaces = t.namespaces === undefined ? [] : strings(t.namespaces, [...path, "namespaces"], fail);
  if (namespaces.length === 0 && !namespaceSelector)
    fail(path, `tenant ${JSON.stringify(t.name)} needs namespaces or a namespaceSelector`);
  const podSecurity = (t.podSecurity ?? "baseline") as PodSecurityLevel;
  if (!["privileged", "baseline", "restricted"].includes(podSecurity))
    fail([...path, "podSecurity"], "podSecurity must be privileged, baseline or restricted");
  const services = (t.services ?? {}) as Record<string, unknown>;
  return {
    name: t.name,
    namespaces,
    namespaceSelector,
    owners: t.owners === undefined ? [] : subjects(t.owners, [...path, "owners"], fail),
    podSecurity,
    allowFrom: t.allowFrom === undefined ? [] : strings(t.allowFrom, [...path, "allowFrom"], fail),
    services: {
      nodePort: services.nodePort === true,
      loadBalancer: services.loadBalancer === true,
      externalIPs: services.externalIPs === true,
    },
  };
}

function services(
  value: unknown,
  path: Path,
  fail: (path: Path, message: string) => void,
): PlatformService[] {
  if (!Array.isArray(value)) {
    fail(path, "must be a list of {namespace, podSelector, ports}");
    return [];
  }
  const out: PlatformService[] = [];
  for (const [i, raw] of value.entries()) {
    const s = (raw ?? {}) as Record<string, unknown>;
    const selector = compileSelector(s.podSelector as LabelSelector);
    const ports = Array.isArray(s.ports) ? (s.ports as { protocol?: unknown; port?: unknown }[]) : [];
    const portsValid = ports.every(
      (p) =>
        ["TCP", "UDP", "SCTP"].includes((p.protocol ?? "TCP") as string) &&
        Number.isInteger(p.port) &&
        (p.port as number) >= 1 &&
        (p.port as number) <= 65535,
    );
    if (
      typeof s.namespace !== "string" ||
      s.podSelector === undefined ||
      !selector.ok ||
      ports.length === 0 ||
      !portsValid
    ) {
      fail(
        [...path, i],
        selector.ok
          ? "a platform service needs namespace, podSelector and ports [{protocol, port}]"
          : selector.error,
      );
      continue;
    }
    out.push({
      namespace: s.namespace,
      podSelector: s.podSelector as LabelSelector,
      ports: ports.map((p) => ({
        protocol: (p.protocol ?? "TCP") as "TCP" | "UDP" | "SCTP",
        port: p.port as number,
      })),
    });
  }
  return out;
}

function strings(value: unknown, path: Path, fail: (path: Path, message: string) => void): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    fail(path, "must be a list of strings");
    return [];
  }
  return value as string[];
}

function subjects(value: unknown, path: Path, fail: (path: Path, message: string) => void): SubjectRef[] {
  if (!Array.isArray(value)) {
    fail(path, "must be a list of subjects ({kind, name[, namespace]})");
    return [];
  }
  const out: SubjectRef[] = [];
  for (const [i, raw] of value.entries()) {
    const s = raw as Record<string, unknown> | null;
    if (!s || typeof s.name !== "string" || !["User", "Group", "ServiceAccount"].includes(s.kind as string)) {
      fail([...path, i], "a subject needs kind User, Group or ServiceAccount and a name");
      continue;
    }
    if (s.kind === "ServiceAccount" && typeof s.namespace !== "string") {
      fail([...path, i], "a ServiceAccount subject needs a namespace");
      continue;
    }
    out.push({
      kind: s.kind as SubjectRef["kind"],
      name: s.name,
      ...(s.kind === "ServiceAccount" ? { namespace: s.namespace as string } : {}),
    });
  }
  return out;
}

/** `User:alice`, `Group:devs`, `ServiceAccount:ns:name` — the form used on the command line and in reports. */
export function formatSubject(subject: SubjectRef): string {
  return subject.kind === "ServiceAccount"
    ? `ServiceAccount:${subject.namespace}:${subject.name}`
    : `${subject.kind}:${subject.name}`;
}

export function parseSubject(text: string): SubjectRef | undefined {
  const [kind, a, b] = text.split(":");
  if (kind === "User" || kind === "Group") return a ? { kind, name: text.slice(kind.length + 1) } : undefined;
  if (kind === "ServiceAccount" && a && b) return { kind, namespace: a, name: b };
  return undefined;
}
