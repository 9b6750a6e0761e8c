/**
 * A namespace's Pod Security policy: its labels over the configured defaults, and whether it is exempt.
 * Upstream: api/helpers.go PolicyToEvaluate, admission/admission.go exemptNamespace.
 */
import { atLeast, formatKubeVersion, type KubeVersion } from "../model/kube-version.js";
import type { Namespace } from "../model/objects.js";
import type { PodSecurityAdmissionProbe } from "../model/snapshot.js";
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

/**
 * Whether a server of this version runs Pod Security admission by default, so that namespace labels are
 * enforced at all: alpha (off by default) in 1.22, beta and on by default from 1.23, GA in 1.25. Before it,
 * the labels are plain labels. (A 1.22 server with the PodSecurity feature gate enabled is not assumed.)
 * A live server's own answer to the probe (src/sources/pod-security-probe.ts) overrides the version.
 */
export function podSecurityAdmissionOf(
  version: KubeVersion,
  probe?: PodSecurityAdmissionProbe,
): { enforced: true } | { enforced: false; reason: string } {
  if (probe?.active === true) return { enforced: true };
  if (probe?.active === false) return { enforced: false, reason: probe.how };
  if (atLeast(version, 23)) return { enforced: true };
  const state = atLeast(version, 22) ? "alpha and off by default in" : "not part of";
  return {
    enforced: false,
    reason: `Pod Security admission is ${state} Kubernetes ${formatKubeVersion(version)} (on by default from 1.23)`,
  };
}
