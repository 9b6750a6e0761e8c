/**
 * The tenants file (its shape: src/tenancy/config.ts) read from text: one TenantConfig document, validated
 * with file:line errors; and the webhook's settings, which are the same file plus a `guardrails:` section of
 * guardrail modes (src/webhook/settings.ts).
 */
import type { Diagnostic } from "../model/diagnostic.js";
import type { Path } from "../model/document.js";
import type { LabelSelector } from "../model/objects.js";
import type { Origin } from "../model/origin.js";
import { compileSelector } from "../model/selector.js";
import { expiryInstant } from "../tenancy/acceptance.js";
import {
  type Acceptance,
  DEFAULT_ADMINS,
  DEFAULT_PLATFORM_SERVICES,
  type PlatformService,
  type PodSecurityLevel,
  type SubjectRef,
  type TenantConfig,
  type TenantSpec,
} from "../tenancy/config.js";
import { ruleOf } from "../tenancy/rules.js";
import { isMode, MODES, type Mode } from "../webhook/mode.js";
import type { WebhookSettings } from "../webhook/settings.js";
import { parseDocuments } from "./documents.js";

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
  const accepted =
    root.accepted === undefined ? [] : acceptances(root.accepted, new Set([...names, "platform"]), doc, fail);
  if (errors.length > 0) return { diagnostics: errors };
  return { config: { platformNamespaces, admins, platformServices, tenants, accepted }, diagnostics: [] };
}

const ACCEPTANCE_KEYS = new Set(["id", "tenant", "namespace", "resource", "reason", "owner", "expires"]);

/** The `accepted:` section: each entry a finding id, an optional scope, a reason, an owner, an expiry. */
function acceptances(
  value: unknown,
  tenantNames: ReadonlySet<string>,
  doc: { locate(path: Path): Origin },
  fail: (path: Path, message: string) => void,
): Acceptance[] {
  if (!Array.isArray(value)) {
    fail(
      ["accepted"],
      "accepted must be a list of {id, reason, owner[, expires, tenant, namespace, resource]}",
    );
    return [];
  }
  const out: Acceptance[] = [];
  for (const [i, raw] of value.entries()) {
    const path: Path = ["accepted", i];
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      fail(path, "an accepted risk must be an object");
      continue;
    }
    const a = raw as Record<string, unknown>;
    let ok = true;
    const bad = (field: string, message: string) => {
      fail([...path, field], message);
      ok = false;
    };
    for (const key of Object.keys(a))
      if (!ACCEPTANCE_KEYS.has(key))
        bad(
          key,
          `unknown field ${JSON.stringify(key)}; an accepted risk has ${[...ACCEPTANCE_KEYS].join(", ")}`,
        );
    if (typeof a.id !== "string" || !ruleOf(a.id))
      bad("id", `id must be a finding id (kubefence rules lists them), got ${JSON.stringify(a.id)}`);
    for (const field of ["reason", "owner"] as const)
      if (typeof a[field] !== "string" || (a[field] as string).trim() === "")
        bad(field, `${field} is required: an accepted risk says why, and who answers for it`);
    if (a.tenant !== undefined && (typeof a.tenant !== "string" || !tenantNames.has(a.tenant)))
      bad("tenant", `tenant ${JSON.stringify(a.tenant)} is not a tenant of this file (nor "platform")`);
    if (a.namespace !== undefined && typeof a.namespace !== "string")
      bad("namespace", "namespace must be a string");
    const resource = a.resource as Record<string, unknown> | undefined;
    if (
      resource !== undefined &&
      (typeof resource !== "object" ||
        resource === null ||
        typeof resource.kind !== "string" ||
        typeof resource.name !== "string" ||
        (resource.namespace !== undefined && typeof resource.namespace !== "string"))
    )
      bad("resource", "resource must be {kind, name[, namespace]}");
    if (a.expires !== undefined && (typeof a.expires !== "string" || !expiryInstant(a.expires)))
      bad(
        "expires",
        `expires must be an RFC 3339 date (2027-06-30) or date-time (2027-06-30T12:00:00Z), got ${JSON.stringify(a.expires)}`,
      );
    if (!ok) continue;
    out.push({
      id: a.id as string,
      ...(a.tenant !== undefined ? { tenant: a.tenant as string } : {}),
      ...(a.namespace !== undefined ? { namespace: a.namespace as string } : {}),
      ...(resource
        ? {
            resource: {
              kind: resource.kind as string,
              ...(resource.namespace !== undefined ? { namespace: resource.namespace as string } : {}),
              name: resource.name as string,
            },
          }
        : {}),
      reason: (a.reason as string).trim(),
      owner: (a.owner as string).trim(),
      ...(a.expires !== undefined ? { expires: a.expires as string } : {}),
      source: { kind: "tenants-file", origin: doc.locate(path) },
    });
  }
  return out;
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

/** Parses a tenants file; `guardrailIds` are the ids a `guardrails:` entry may name. */
export function parseWebhookSettings(
  text: string,
  file: string,
  guardrailIds: readonly string[],
): { settings?: WebhookSettings; diagnostics: Diagnostic[] } {
  const { config, diagnostics } = parseTenantConfig(text, file);
  if (!config) return { diagnostics };
  const doc = parseDocuments(text, file).documents[0]!;
  const section = (doc.value as Record<string, unknown>).guardrails;
  const modes = new Map<string, Mode>();
  const errors: Diagnostic[] = [];
  if (section !== undefined) {
    if (typeof section !== "object" || section === null || Array.isArray(section))
      errors.push({
        severity: "error",
        message: "guardrails must be a map of guardrail id to mode",
        origin: doc.locate(["guardrails"]),
        field: "guardrails",
      });
    else
      for (const [id, mode] of Object.entries(section)) {
        const field = ["guardrails", id];
        if (!guardrailIds.includes(id))
          errors.push({
            severity: "error",
            message: `unknown guardrail ${JSON.stringify(id)}; known: ${guardrailIds.join(", ")}`,
            origin: doc.locate(field),
            field: field.join("."),
          });
        else if (!isMode(mode))
          errors.push({
            severity: "error",
            message: `guardrail ${JSON.stringify(id)}: mode must be ${MODES.join(", ")} (got ${JSON.stringify(mode)})`,
            origin: doc.locate(field),
            field: field.join("."),
          });
        else modes.set(id, mode);
      }
  }
  if (errors.length > 0) return { diagnostics: [...diagnostics, ...errors] };
  return { settings: { config, fromFile: true, modes, defaultPodSecurity: "baseline" }, diagnostics };
}
