/**
 * The admission webhook: AdmissionReview in, the engines' decision out. Pure parts (decide, guardrails,
 * settings, manifests, and the guardrails as ValidatingAdmissionPolicies in vap/) and the I/O parts (server,
 * cache, TLS reload) are separate files. The cluster cache
 * (./cache.js) is not re-exported here: it loads @kubernetes/client-node, which takes most of a second.
 */
export { DEFAULT_CACHED_KINDS } from "./cached-kinds.js";
export { type AdmissionContext, admissionContext } from "./context.js";
export { admissionResponse, type Decision, decide, type GuardrailOutcome } from "./decide.js";
export type { Guardrail, GuardrailRequest, Verdict } from "./guardrail.js";
export { GUARDRAIL_IDS, GUARDRAILS } from "./guardrails/index.js";
export {
  type ManifestOptions,
  validatingWebhookConfiguration,
  WEBHOOK_NAME,
  webhookManifests,
} from "./manifests.js";
export { webhookMetrics } from "./metrics.js";
export { MODES, type Mode } from "./mode.js";
export {
  type AdmissionRequest,
  type AdmissionResponse,
  parseAdmissionReview,
  reviewResponse,
} from "./review.js";
export {
  MAX_BODY_BYTES,
  startWebhookServer,
  type WebhookServer,
  type WebhookServerOptions,
} from "./server.js";
export { defaultSettings, modeOf, type WebhookSettings } from "./settings.js";
export {
  type AdmissionPolicies,
  admissionPolicies,
  POLICY_GUARDRAILS,
  type PolicyGuardrail,
  type PolicyNote,
} from "./vap/index.js";
