/**
 * A namespace's Pod Security policy: its labels over the configured defaults, and whether it is exempt.
 * Upstream: api/helpers.go PolicyToEvaluate, admission/admission.go exemptNamespace.
 */
import type { Namespace } from "../model/objects.js";
import { type Policy, type PolicyError, policyToEvaluate } from "./api.js";
import { DEFAULT_CONFIG, type PodSecurityConfig } from "./config.js";

export interface NamespacePolicy extends Policy {
  /** Labels PSA could not parse, with the value it fell back to. */
  errors: PolicyError[];
  /** Named in the configuration's exemptions.namespaces: nothing is evaluated there. */
  exempt: boolean;
  /** The namespace sets no pod-security.kubernetes.io/enforce label (so the default applies). */
  enforceLabelled: boolean;
}

export function namespacePolicy(
  namespace: Pick<Namespace, "metadata">,
  config: PodSecurityConfig = DEFAULT_CONFIG,
): NamespacePolicy {
  const labels = namespace.metadata.labels;
  const { policy, errors } = policyToEvaluate(labels, config.defaults);
  return {
    ...policy,
    errors,
    exempt: config.exemptions.namespaces.includes(namespace.metadata.name),
    enforceLabelled: labels !== undefined && Object.hasOwn(labels, "pod-security.kubernetes.io/enforce"),
  };
}
