/**
 * A guardrail: one rule that keeps tenants apart, as data plus a pure check (the shape of upstream Pod
 * Security Admission's checks). It names the kinds and operations it looks at; the registry
 * (guardrails/index.ts) lists them; decide.ts runs the ones that apply and turns failures into a denial, a
 * warning or an audit note according to the guardrail's mode.
 */
import type { Kind, KubeObject } from "../model/objects.js";
import type { AdmissionContext } from "./context.js";
import type { AdmissionRequest, Operation } from "./review.js";

export interface GuardrailRequest {
  review: AdmissionRequest;
  /** The object after the change, typed and defaulted as every source's objects are (absent on DELETE). */
  object?: KubeObject;
  /** The object before the change (UPDATE, DELETE). */
  oldObject?: KubeObject;
  /** The tenant owning the request's namespace (for a Namespace: the namespace itself, after the change). */
  tenant?: string;
  /** Tenants the requesting identity belongs to. */
  requesterTenants: ReadonlySet<string>;
}

export interface Verdict {
  allowed: boolean;
  /** Why it is not allowed (set when not allowed). */
  reason?: string;
  /** What the user can do instead (set when not allowed). */
  comply?: string;
  /** Said to the client even when allowed (e.g. "ipBlock may match pods of other tenants"). */
  warnings?: string[];
}

export interface Guardrail {
  /** Stable id: used in messages, metrics, logs and the tenants file's `guardrails:` section. */
  id: string;
  /** One line for docs and `--help`. */
  summary: string;
  kinds: readonly Kind[];
  operations: readonly Operation[];
  check(request: GuardrailRequest, context: AdmissionContext): Verdict;
}

export const ALLOW: Verdict = { allowed: true };

export function deny(reason: string, comply: string): Verdict {
  return { allowed: false, reason, comply };
}

/** The text a user reads (kubectl prints it after `admission webhook "…" denied the request:`). */
export function guardrailMessage(id: string, verdict: Verdict): string {
  return `[kubefence:${id}] ${verdict.reason ?? "not allowed"}; to comply: ${verdict.comply ?? "ask a platform administrator"}`;
}
