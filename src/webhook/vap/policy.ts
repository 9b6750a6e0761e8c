/**
 * A guardrail as a ValidatingAdmissionPolicy: the CEL twin of one webhook guardrail (src/webhook/guardrails),
 * as data. `validations` hold when the request is allowed; each messageExpression builds the webhook's
 * denial message word for word (guardrailMessage in src/webhook/guardrail.ts). What CEL cannot see — other
 * objects in the cluster, the RBAC state — is listed in `limits`, and the generator prints it; a guardrail
 * whose CEL twin leaves something out is `partial`, never silently approximated.
 */
import type { Kind } from "../../model/objects.js";
import type { Guardrail } from "../guardrail.js";
import type { WebhookSettings } from "../settings.js";

export interface CelVariable {
  name: string;
  expression: string;
}

export interface CelValidation {
  expression: string;
  messageExpression: string;
  /** What the check decides on, for a reader of the policy (not sent to the API server). */
  why?: string;
}

export interface PolicyGuardrail {
  /** The webhook guardrail this one mirrors: id, summary, kinds and operations. */
  guardrail: Guardrail;
  /** The kinds the policy matches, when fewer than the guardrail's (only those CEL decides anything for). */
  kinds?: readonly Kind[];
  /** exact: the same decision and message as the webhook for every request; partial: see limits. */
  fidelity(settings: WebhookSettings): "exact" | "partial";
  /** What the policy does not check that the webhook does (empty when exact). */
  limits(settings: WebhookSettings): string[];
  variables(settings: WebhookSettings): CelVariable[];
  validations(settings: WebhookSettings): CelValidation[];
}

/** `"[kubefence:ID] " + reason + "; to comply: " + comply` — guardrailMessage, in CEL. */
export function messageCel(id: string, reason: string, comply: string): string {
  return `${JSON.stringify(`[kubefence:${id}] `)} + ${reason} + "; to comply: " + ${comply}`;
}
