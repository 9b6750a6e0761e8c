/**
 * A risky permission as a rule: the requests that prove it (checked with the exact matcher, `ruleAllows`,
 * never by string membership — `pods/*` grants no exec), the severity when a ClusterRoleBinding (everywhere)
 * or a RoleBinding (one namespace) grants it, and what to do. One file per risk uses this.
 */
import type { Severity } from "../../model/finding.js";
import type { Draft, FindingRule, RuleInfo } from "../../model/rule.js";
import {
  type BindingContext,
  type RiskRequest,
  type RiskRequests,
  subjectLabel,
  subjectText,
} from "./context.js";

export interface Risk extends RiskRequests, Omit<RuleInfo, "plane" | "severity" | "help"> {
  /** Namespaced requests count in RoleBindings too; cluster-scoped ones only in ClusterRoleBindings. */
  namespaced: boolean;
  severity: { cluster: Severity; namespace?: Severity };
  /** `read secrets (…)`: completes "User bob can …". */
  what: string;
}

export type RiskRule = FindingRule<BindingContext> & RiskRequests;

export function riskRule(risk: Risk): RiskRule {
  const find = (ctx: BindingContext): Draft[] => {
    if (!ctx.role.ok || (ctx.namespace && !risk.namespaced)) return [];
    const rule = ctx.carries(risk);
    if (!rule) return [];
    const chain = [ctx.bindingLine, ctx.role.line, ctx.ruleLine(rule)];
    const severity = ctx.namespace
      ? (risk.severity.namespace ?? risk.severity.cluster)
      : risk.severity.cluster;
    return ctx.subjects.map((subject) => ({
      severity,
      subject: subjectLabel(subject, ctx.namespace),
      object: ctx.namespace ? `namespace ${ctx.namespace}` : "cluster",
      message: `${subjectText(subject, ctx.namespace)} can ${risk.what} ${ctx.where}`,
      evidence: chain,
      remediation: risk.remediation,
      resource: ctx.resource,
      origin: ctx.origin,
    }));
  };
  return {
    id: risk.id,
    plane: "api",
    severity: risk.severity.cluster,
    title: risk.title,
    description: risk.description,
    help: risk.remediation,
    remediation: risk.remediation,
    references: risk.references,
    anyOf: risk.anyOf,
    ...(risk.allOf ? { allOf: risk.allOf } : {}),
    find,
  };
}

export const core = (
  verb: string,
  resource: string,
  subresource?: string,
  name: RiskRequest["name"] = "some",
): RiskRequest => ({
  verb,
  group: "",
  resource,
  ...(subresource ? { subresource } : {}),
  name,
});

export const rbac = (verb: string, resource: string): RiskRequest => ({
  verb,
  group: "rbac.authorization.k8s.io",
  resource,
  name: "some",
});
