/**
 * One admission decision: who asks, where, which guardrails apply, and what their modes make of the
 * failures — a denial (enforce), a warning kubectl prints (warn) or an audit annotation and a log line
 * (audit). Platform administrators and the platform's namespaces pass without any guardrail running.
 * The object is read through the same boundary as every source (src/model/admission/admit.ts), so guardrails and
 * engines see exactly the typed, defaulted objects `kubefence audit` sees.
 */

import { admit } from "../model/admission/admit.js";
import { kindInfo } from "../model/kinds.js";
import type { KubeObject } from "../model/objects.js";
import type { Origin } from "../model/origin.js";
import { PLATFORM } from "../tenancy/tenants.js";
import type { AdmissionContext } from "./context.js";
import { type Guardrail, type GuardrailRequest, guardrailMessage } from "./guardrail.js";
import { GUARDRAILS } from "./guardrails/index.js";
import type { Mode } from "./mode.js";
import type { AdmissionRequest, AdmissionResponse } from "./review.js";
import { modeOf } from "./settings.js";

export interface GuardrailOutcome {
  id: string;
  mode: Mode;
  allowed: boolean;
  message?: string;
}

export interface Decision {
  allowed: boolean;
  /** Status of a denial: 403 Forbidden for a guardrail, 400 BadRequest for an object kubefence cannot read. */
  status?: { code: number; reason: string; message: string };
  warnings: string[];
  auditAnnotations: Record<string, string>;
  /** One per guardrail that ran. */
  outcomes: GuardrailOutcome[];
  /** Why no guardrail ran: platform-user, platform-namespace, subresource, not-guarded. */
  skipped?: string;
  /** The tenant of the request's namespace, when it has one. */
  tenant?: string;
}

const ORIGIN: Origin = { cluster: "admission request" };

export function decide(
  request: AdmissionRequest,
  context: AdmissionContext,
  guardrails: readonly Guardrail[] = GUARDRAILS,
): Decision {
  const pass = (skipped: string, tenant?: string): Decision => ({
    allowed: true,
    warnings: [],
    auditAnnotations: {},
    outcomes: [],
    skipped,
    tenant,
  });
  const kind = request.kind.kind;
  const info = kindInfo(kind);
  const applicable = guardrails.filter(
    (g) => g.kinds.includes(info?.kind as never) && g.operations.includes(request.operation),
  );
  if (!info || info.group !== request.kind.group || applicable.length === 0) return pass("not-guarded");
  if (request.subResource) return pass("subresource");
  if (context.isPlatformUser(request.userInfo)) return pass("platform-user");

  const namespace = request.namespace ?? "";
  const read = (raw: unknown): KubeObject | string | undefined => {
    if (raw === undefined) return undefined;
    const result = admit(
      { value: raw, origin: ORIGIN, locate: () => ORIGIN },
      { defaultNamespace: namespace || undefined },
    );
    if (result.type === "object") return result.object;
    if (result.type === "rejected")
      return result.diagnostics.map((d) => d.message.replace(/; document skipped$/, "")).join("; ");
    return `expected ${kind}, got ${result.type === "unknown" ? result.apiVersionKind : "a List"}`;
  };
  const object = read(request.object);
  const oldObject = read(request.oldObject);
  const unreadable = [object, oldObject].find((o): o is string => typeof o === "string");
  if (unreadable !== undefined)
    return {
      allowed: false,
      status: {
        code: 400,
        reason: "BadRequest",
        message: `[kubefence] cannot read the ${kind}: ${unreadable}`,
      },
      warnings: [],
      auditAnnotations: {},
      outcomes: [],
    };
  const after = object as KubeObject | undefined;
  const before = oldObject as KubeObject | undefined;

  let tenant: string | undefined;
  if (kind === "Namespace") {
    const ns = after ?? before;
    if (ns) tenant = context.tenantOfNamespace(ns.metadata.name, ns.metadata.labels ?? {});
  } else if (info.namespaced && namespace) {
    tenant = context.tenantOfNamespace(namespace);
    if (tenant === PLATFORM) return pass("platform-namespace", tenant);
  }

  const guardrailRequest: GuardrailRequest = {
    review: request,
    object: after,
    oldObject: before,
    tenant,
    requesterTenants: context.tenantsOfUser(request.userInfo),
  };
  const denials: string[] = [];
  const warnings: string[] = [];
  const auditAnnotations: Record<string, string> = {};
  const outcomes: GuardrailOutcome[] = [];
  for (const guardrail of applicable) {
    const mode = modeOf(context.settings, guardrail.id);
    const verdict = guardrail.check(guardrailRequest, context);
    warnings.push(...(verdict.warnings ?? []));
    if (verdict.allowed) {
      outcomes.push({ id: guardrail.id, mode, allowed: true });
      continue;
    }
    const message = guardrailMessage(guardrail.id, verdict);
    outcomes.push({ id: guardrail.id, mode, allowed: false, message });
    if (mode === "enforce") denials.push(message);
    else if (mode === "warn") warnings.push(message);
    // prototype-safe: guardrail ids are kubefence's own constants
    else auditAnnotations[guardrail.id] = message;
  }
  if (denials.length > 0)
    return {
      allowed: false,
      status: { code: 403, reason: "Forbidden", message: denials.join("\n") },
      warnings,
      auditAnnotations,
      outcomes,
      tenant,
    };
  return { allowed: true, warnings, auditAnnotations, outcomes, tenant };
}

export function admissionResponse(uid: string, decision: Decision): AdmissionResponse {
  const response: AdmissionResponse = { uid, allowed: decision.allowed };
  if (decision.status) response.status = decision.status;
  if (decision.warnings.length > 0) response.warnings = decision.warnings;
  if (Object.keys(decision.auditAnnotations).length > 0)
    response.auditAnnotations = decision.auditAnnotations;
  return response;
}
