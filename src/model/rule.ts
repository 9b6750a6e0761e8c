/**
 * A finding rule, as a Pod Security check is a check: one small file holding the rule's documentation and the
 * pure function that finds it. An engine's registry (`<engine>/rules/index.ts`) alone decides which rules run
 * and in which order; the audit's registry (src/tenancy/rules.ts) joins the engines' and is what SARIF's rule
 * metadata, `kubefence rules` and the README's tables are made from. A rule knows nothing about the others.
 */
import type { Finding, ObjectRef, Plane, Severity } from "./finding.js";
import type { Origin } from "./origin.js";

export interface RuleInfo {
  /** Stable id, `<plane>.<name>`: what `--fail-on`, SARIF and acceptances name. */
  id: string;
  plane: Plane;
  /** The severity most findings of the rule have; a finding may say otherwise (the scope decides). */
  severity: Severity;
  /** A few words: `ClusterRoleBinding reaches every namespace`. */
  title: string;
  /** What the rule detects and why that breaks isolation, in a sentence or two. */
  description: string;
  /** What a person does about it, in general; each finding carries its own, concrete remediation. */
  help: string;
  /** The shape of a finding's remediation, with `<placeholders>` for what each finding fills in. */
  remediation: string;
  /** Upstream documentation and sources the rule follows. */
  references: readonly string[];
  /** Runs only where Pod Security admission enforces namespace labels (the audit drops it otherwise). */
  needsPodSecurityAdmission?: boolean;
}

/** What a rule's function reports; the rule supplies id and plane, and its severity when the draft names none. */
export interface Draft {
  severity?: Severity;
  subject: string;
  object: string;
  message: string;
  evidence: string[];
  remediation: string;
  resource?: ObjectRef;
  origin?: Origin;
}

export interface FindingRule<Input> extends RuleInfo {
  find(input: Input): Draft[];
}

/** A draft as the rule's finding, fields in the Finding order (JSON reads id first). */
export function toFinding(rule: RuleInfo, draft: Draft): Finding {
  const finding: Finding = {
    id: rule.id,
    plane: rule.plane,
    severity: draft.severity ?? rule.severity,
    subject: draft.subject,
    object: draft.object,
    message: draft.message,
    evidence: draft.evidence,
    remediation: draft.remediation,
  };
  if (draft.resource) finding.resource = draft.resource;
  if (draft.origin) finding.origin = draft.origin;
  return finding;
}

/** Every rule in registry order, each finding stamped with its rule. */
export function runRules<Input>(
  rules: readonly FindingRule<Input>[],
  input: Input,
  out: Finding[] = [],
): Finding[] {
  for (const rule of rules) for (const draft of rule.find(input)) out.push(toFinding(rule, draft));
  return out;
}

/** The rule's metadata alone, as listings and SARIF show it. */
export function ruleInfo(rule: RuleInfo): RuleInfo {
  const { id, plane, severity, title, description, help, remediation, references } = rule;
  return { id, plane, severity, title, description, help, remediation, references };
}
