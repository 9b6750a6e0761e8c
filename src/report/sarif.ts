/**
 * SARIF 2.1.0 for code-scanning UIs: one result per finding; findings on manifests carry file:line so the
 * right line is annotated; live-cluster findings name the object as a logical location.
 */
import { isAbsolute, relative, sep } from "node:path";
import type { Finding, Severity } from "../model/finding.js";
import type { RuleInfo } from "../model/rule.js";
import { formatAcceptanceSource } from "../tenancy/acceptance.js";
import { ruleOf } from "../tenancy/rules.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

/**
 * A rule's reportingDescriptor, from its registry entry: the title as shortDescription, the description as
 * fullDescription, help with the remediation template and references. An id no registry holds (a finding
 * made outside the audit) is described by its first finding.
 */
function sarifRule(id: string, example: Finding): Record<string, unknown> {
  const rule: RuleInfo | undefined = ruleOf(id);
  if (!rule)
    return {
      id,
      name: id,
      shortDescription: { text: id },
      help: { text: example.remediation },
      defaultConfiguration: { level: LEVEL[example.severity] },
      properties: {
        tags: ["security", `plane:${example.plane}`],
        "security-severity": SECURITY_SEVERITY[example.severity],
      },
    };
  const references = rule.references.map((r) => `- ${r}`).join("\n");
  return {
    id,
    name: id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: {
      text: `${rule.help}\n\nRemediation: ${rule.remediation}${references ? `\n\nReferences:\n${references}` : ""}`,
      markdown: `${rule.help}\n\n**Remediation:** ${rule.remediation}${references ? `\n\n**References:**\n${references}` : ""}`,
    },
    ...(rule.references[0] ? { helpUri: rule.references[0] } : {}),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ["security", `plane:${rule.plane}`],
      precision: "very-high",
      "security-severity": SECURITY_SEVERITY[rule.severity],
    },
  };
}

/** GitHub code scanning reads `security-severity` (0–10) to rank security results. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "0.0",
};

export interface SarifOptions {
  version: string;
  /** Directory file URIs are made relative to (the repository root in CI). */
  baseDir: string;
}

export function renderSarif(findings: Finding[], options: SarifOptions): string {
  const rules = new Map<string, Finding>();
  for (const finding of findings) if (!rules.has(finding.id)) rules.set(finding.id, finding);
  const ruleIds = [...rules.keys()].sort();
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "kubefence",
            version: options.version,
            informationUri: "https://github.com/kubefence/kubefence",
            rules: ruleIds.map((id) => sarifRule(id, rules.get(id)!)),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.id,
          ruleIndex: ruleIds.indexOf(f.id),
          level: LEVEL[f.severity],
          message: {
            text: `${f.message}${f.acceptance?.status === "expired" ? `\n\nAcceptance expired ${f.acceptance.expires}: ${f.acceptance.reason} (owner ${f.acceptance.owner}; ${formatAcceptanceSource(f.acceptance.source)})` : ""}\n\nEvidence:\n${f.evidence.map((e) => `- ${e}`).join("\n")}\n\nFix: ${f.remediation}`,
          },
          locations: [location(f, options.baseDir)],
          properties: {
            plane: f.plane,
            severity: f.severity,
            "security-severity": SECURITY_SEVERITY[f.severity],
            subject: f.subject,
            object: f.object,
            evidence: f.evidence,
            ...(f.acceptance ? { acceptance: acceptanceProperties(f) } : {}),
          },
          // An accepted finding is suppressed (§3.27.23), not dropped: code scanning shows it as dismissed with
          // the justification. An expired acceptance suppresses nothing; the result says it expired.
          ...(f.acceptance?.status === "accepted"
            ? {
                suppressions: [
                  {
                    kind: "external",
                    status: "accepted",
                    justification: f.acceptance.reason,
                    properties: acceptanceProperties(f),
                  },
                ],
              }
            : {}),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function acceptanceProperties(f: Finding): Record<string, unknown> {
  const a = f.acceptance!;
  return {
    status: a.status,
    reason: a.reason,
    owner: a.owner,
    ...(a.expires !== undefined ? { expires: a.expires } : {}),
    declared: formatAcceptanceSource(a.source),
  };
}

function location(f: Finding, baseDir: string): Record<string, unknown> {
  const logical = f.resource
    ? [
        {
          name: f.resource.name,
          fullyQualifiedName: [f.resource.kind, f.resource.namespace, f.resource.name]
            .filter(Boolean)
            .join("/"),
          kind: "resource",
        },
      ]
    : undefined;
  if (f.origin && "file" in f.origin && f.origin.line > 0 && !f.origin.file.startsWith("<")) {
    const file = isAbsolute(f.origin.file) ? relative(baseDir, f.origin.file) : f.origin.file;
    return {
      physicalLocation: {
        artifactLocation: { uri: file.split(sep).join("/"), uriBaseId: "%SRCROOT%" },
        region: { startLine: f.origin.line, startColumn: f.origin.column },
      },
      ...(logical ? { logicalLocations: logical } : {}),
    };
  }
  return { logicalLocations: logical ?? [{ name: f.object, kind: "resource" }] };
}
