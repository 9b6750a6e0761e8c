/**
 * The registry: every guardrail, in the order their messages appear. Adding one is a new file plus a line
 * here; guardrails know nothing about each other. Modes (enforce/warn/audit) are applied by decide.ts.
 */
import type { Guardrail } from "../guardrail.js";
import { clusterRoleBindings } from "./cluster-role-bindings.js";
import { namespacePodSecurity } from "./namespace-pod-security.js";
import { namespaceTenant } from "./namespace-tenant.js";
import { networkPolicyCrossTenant } from "./network-policy-cross-tenant.js";
import { networkPolicyManaged } from "./network-policy-managed.js";
import { nodeEscape } from "./node-escape.js";
import { podSecurity } from "./pod-security.js";
import { rbacAggregation } from "./rbac-aggregation.js";
import { rbacCrossTenant } from "./rbac-cross-tenant.js";
import { serviceExposure } from "./service-exposure.js";

export const GUARDRAILS: readonly Guardrail[] = [
  podSecurity,
  nodeEscape,
  clusterRoleBindings,
  rbacAggregation,
  rbacCrossTenant,
  namespaceTenant,
  namespacePodSecurity,
  networkPolicyManaged,
  networkPolicyCrossTenant,
  serviceExposure,
];

export const GUARDRAIL_IDS: readonly string[] = GUARDRAILS.map((g) => g.id);
