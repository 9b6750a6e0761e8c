/**
 * The node plane's finding rules, in the order they run: per pod or workload (a node takeover, else each kind
 * of escape; control-plane placement; enforce-level violations), then per namespace. A new rule: one file in
 * this directory, one line here.
 */
import type { FindingRule, RuleInfo } from "../../model/rule.js";
import { type AdmissionInput, admissionEnforced } from "./admission-enforced.js";
import { admissionNotModelled } from "./admission-not-modelled.js";
import { capability } from "./capability.js";
import { controlPlane } from "./control-plane.js";
import { enforceCanTighten } from "./enforce-can-tighten.js";
import { enforcePrivileged } from "./enforce-privileged.js";
import { enforceViolation } from "./enforce-violation.js";
import { hostNamespace } from "./host-namespace.js";
import { hostPath } from "./host-path.js";
import { hostProcess } from "./host-process.js";
import type { NamespaceReport, SubjectInput } from "./input.js";
import { invalidPolicyLabel } from "./invalid-policy-label.js";
import { namespaceExempt } from "./namespace-exempt.js";
import { noEnforce } from "./no-enforce.js";
import { podSecurityNotEnforced } from "./pod-security-not-enforced.js";
import { privileged } from "./privileged.js";
import { procMount } from "./proc-mount.js";
import { runtimeSocket } from "./runtime-socket.js";
import { takeover } from "./takeover.js";

export const SUBJECT_RULES: readonly FindingRule<SubjectInput>[] = [
  takeover,
  privileged,
  hostProcess,
  capability,
  runtimeSocket,
  hostPath,
  hostNamespace,
  procMount,
  controlPlane,
  enforceViolation,
];

export const NAMESPACE_RULES: readonly FindingRule<NamespaceReport>[] = [
  invalidPolicyLabel,
  namespaceExempt,
  enforcePrivileged,
  noEnforce,
  enforceCanTighten,
];

/** What the cluster enforces at admission besides Pod Security (tenancy/enforcement.ts), said once each. */
export const ADMISSION_RULES: readonly FindingRule<AdmissionInput>[] = [
  admissionEnforced,
  admissionNotModelled,
];

/** Every node rule, as listings show them. */
export const NODE_RULES: readonly RuleInfo[] = [
  ...SUBJECT_RULES,
  ...NAMESPACE_RULES,
  podSecurityNotEnforced,
  ...ADMISSION_RULES,
];

export { podSecurityNotEnforced };
