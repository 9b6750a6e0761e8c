/**
 * The registry of guardrails as ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1, GA since
 * Kubernetes 1.30): enforcement with nothing to operate — no server, certificate or network hop — for the
 * guardrails CEL can express. One policy and one binding per guardrail; the binding's validationActions are
 * the guardrail's mode (enforce → Deny, warn → Warn, audit → Audit). Like the webhook, the policies let
 * platform users and the platform's namespaces through (matchConditions) and leave kube-system alone.
 * Pure: the tenants file (WebhookSettings) in, objects and notes out.
 */
import { kindInfo } from "../../model/kinds.js";
import type { Mode } from "../mode.js";
import { modeOf, type WebhookSettings } from "../settings.js";
import { NAMESPACE_LABELS, platformUserCel, tenantOfCel } from "./cel.js";
import { namespacePodSecurityPolicy } from "./policies/namespace-pod-security.js";
import { namespaceTenantPolicy } from "./policies/namespace-tenant.js";
import { networkPolicyCrossTenantPolicy } from "./policies/network-policy-cross-tenant.js";
import { networkPolicyManagedPolicy } from "./policies/network-policy-managed.js";
import { nodeEscapePolicy } from "./policies/node-escape.js";
import { rbacAggregationPolicy } from "./policies/rbac-aggregation.js";
import { rbacClusterBindingsPolicy } from "./policies/rbac-cluster-bindings.js";
import { rbacCrossTenantPolicy } from "./policies/rbac-cross-tenant.js";
import { serviceExposurePolicy } from "./policies/service-exposure.js";
import type { PolicyGuardrail } from "./policy.js";

export type { CelValidation, CelVariable, PolicyGuardrail } from "./policy.js";

export const POLICY_GUARDRAILS: readonly PolicyGuardrail[] = [
  nodeEscapePolicy,
  rbacClusterBindingsPolicy,
  rbacAggregationPolicy,
  rbacCrossTenantPolicy,
  namespaceTenantPolicy,
  namespacePodSecurityPolicy,
  networkPolicyManagedPolicy,
  networkPolicyCrossTenantPolicy,
  serviceExposurePolicy,
];

/** Webhook guardrails with no policy, and why. */
export const WITHOUT_POLICY: ReadonlyMap<string, string> = new Map([
  [
    "pod-security",
    "Pod Security itself stays with Pod Security Admission: the namespaces' pod-security.kubernetes.io labels (kubefence tenant init writes them); the webhook also holds pod templates to the tenant's level, which no policy does",
  ],
]);

import { POLICY_PREFIX } from "../../tenancy/guardrails.js";

export { POLICY_PREFIX };
/** Namespaces no policy looks at, as the webhook's registration leaves kube-system out. */
export const EXCLUDED_NAMESPACES: readonly string[] = ["kube-system"];

const ACTIONS: Record<Mode, string> = { enforce: "Deny", warn: "Warn", audit: "Audit" };

type Manifest = Record<string, unknown>;

export interface PolicyNote {
  id: string;
  fidelity: "exact" | "partial" | "none";
  mode?: Mode;
  /** What the webhook checks and the policy does not (partial), or why there is no policy (none). */
  limits: string[];
}

export interface AdmissionPolicies {
  /** ValidatingAdmissionPolicy, then its ValidatingAdmissionPolicyBinding, per guardrail. */
  objects: Manifest[];
  /** One per webhook guardrail, in the webhook's order. */
  notes: PolicyNote[];
}

export function admissionPolicies(
  settings: WebhookSettings,
  guardrails: readonly PolicyGuardrail[] = POLICY_GUARDRAILS,
): AdmissionPolicies {
  const objects: Manifest[] = [];
  const notes: PolicyNote[] = [];
  for (const policy of guardrails) {
    const { id } = policy.guardrail;
    const mode = modeOf(settings, id);
    const fidelity = policy.fidelity(settings);
    notes.push({ id, fidelity, mode, limits: policy.limits(settings) });
    objects.push(policyObject(policy, settings, fidelity), bindingObject(id, mode));
  }
  for (const [id, reason] of WITHOUT_POLICY) notes.push({ id, fidelity: "none", limits: [reason] });
  return { objects, notes };
}

function policyObject(policy: PolicyGuardrail, settings: WebhookSettings, fidelity: string): Manifest {
  const { guardrail } = policy;
  const kinds = (policy.kinds ?? guardrail.kinds).map((k) => kindInfo(k)!);
  const byGroup = new Map<string, string[]>();
  for (const info of kinds) byGroup.set(info.group, [...(byGroup.get(info.group) ?? []), info.plural]);
  const namespaced = kinds.some((k) => k.namespaced);
  const matchConditions = [{ name: "not-platform-user", expression: `!(${platformUserCel(settings)})` }];
  // namespaceObject is not offered to matchConditions: the platform's namespaces pass in every validation.
  const variables = namespaced
    ? [
        { name: "requestNamespace", expression: 'has(request.namespace) ? request.namespace : ""' },
        {
          name: "tenant",
          expression: `variables.requestNamespace == "" ? "" : ${tenantOfCel(settings, "variables.requestNamespace", NAMESPACE_LABELS)}`,
        },
      ]
    : [];
  variables.push(...policy.variables(settings));
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicy",
    metadata: {
      name: `${POLICY_PREFIX}${guardrail.id}`,
      labels: { "app.kubernetes.io/part-of": "kubefence", "kubefence.io/guardrail": guardrail.id },
      annotations: {
        "kubefence.io/summary": guardrail.summary,
        "kubefence.io/fidelity": fidelity,
        ...(fidelity === "partial" ? { "kubefence.io/not-checked": policy.limits(settings).join("\n") } : {}),
      },
    },
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        matchPolicy: "Equivalent",
        resourceRules: [...byGroup].map(([group, resources]) => ({
          apiGroups: [group],
          apiVersions: ["*"],
          operations: [...guardrail.operations],
          resources,
        })),
      },
      matchConditions,
      variables,
      validations: policy.validations(settings).map((v) => ({
        expression: namespaced ? `variables.tenant == "platform" || (${v.expression})` : v.expression,
        messageExpression: v.messageExpression,
        // The API server drops a message over 5 KiB or with a line break (validating/validator.go); then this.
        message: fallbackMessage(guardrail.id, guardrail.summary),
        reason: "Forbidden",
      })),
    },
  };
}

/** Said instead of the webhook's message when that one is too long (or not one line) for a policy. */
export function fallbackMessage(id: string, summary: string): string {
  return `[kubefence:${id}] denied: ${summary} (the details exceed what a ValidatingAdmissionPolicy message may hold: one line of at most 5 KiB)`;
}

/** The most a policy's evaluated message may hold (celconfig.MaxEvaluatedMessageExpressionSizeBytes). */
export const MAX_MESSAGE_BYTES = 5 * 1024;

function bindingObject(id: string, mode: Mode): Manifest {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicyBinding",
    metadata: {
      name: `${POLICY_PREFIX}${id}`,
      labels: { "app.kubernetes.io/part-of": "kubefence", "kubefence.io/guardrail": id },
    },
    spec: {
      policyName: `${POLICY_PREFIX}${id}`,
      validationActions: [ACTIONS[mode]],
      matchResources: {
        namespaceSelector: {
          matchExpressions: [
            { key: "kubernetes.io/metadata.name", operator: "NotIn", values: [...EXCLUDED_NAMESPACES] },
          ],
        },
      },
    },
  };
}

/** One line per note, for a YAML comment or stderr: `node-escape: exact, Deny`; partial ones say what is left out. */
export function noteLines(notes: readonly PolicyNote[]): string[] {
  return notes.flatMap((n) =>
    n.fidelity === "none"
      ? [`${n.id}: no policy — ${n.limits.join("; ")}`]
      : [
          `${n.id}: ${n.fidelity}, ${ACTIONS[n.mode ?? "enforce"]}`,
          ...n.limits.map((l) => `  ${n.id} differs from the webhook: ${l}`),
        ],
  );
}
