/** `kubefence podsec` for people: each pod and workload's verdict, or each namespace's levels and violations. */
import { formatOrigin } from "../model/origin.js";
import type { NamespaceReport, SubjectVerdict } from "../podsecurity/analyze.js";
import { LATEST, type Level, levelVersionString, type Version } from "../podsecurity/api.js";
import { strictestSafeLevel } from "../podsecurity/index.js";
import { renderTable } from "./table.js";

/** The verdicts table, then each denial's message, then the MEETS note. */
export function renderSubjects(verdicts: readonly SubjectVerdict[]): string {
  if (verdicts.length === 0) return "No pods or workloads found.\n";
  const rows = verdicts.map((v) => [
    v.namespace,
    v.kind,
    v.name,
    levelVersionString(v.policy),
    v.exempt ? `exempt (${v.exempt})` : v.allowed ? "yes" : "no",
    strictestSafeLevel([v.subject], v.policy.version),
    v.reasons.map((r) => r.reason).join(", "),
  ]);
  let out = renderTable(["namespace", "kind", "name", "policy", "allowed", "meets", "reasons"], rows);
  const denied = verdicts.filter((v) => !v.allowed);
  if (denied.length > 0) {
    out += "\n";
    for (const v of denied) out += `${v.display} (${formatOrigin(v.origin)}):\n  ${v.message}\n`;
  }
  out += "\nMEETS is the strictest level each passes (at the policy's version).\n";
  return out;
}

/** The namespaces table (with a column for `--level`, when given), then each namespace's problems. */
export function renderNamespaces(
  reports: readonly NamespaceReport[],
  atLevel: readonly SubjectVerdict[],
  level?: Level,
  version?: Version,
): string {
  const mode = (r: (typeof reports)[number], m: "enforce" | "audit" | "warn") =>
    r.policy.exempt ? "exempt" : levelVersionString(r[m].policy);
  const headers = ["namespace", "enforce", "audit", "warn", "pods", "violations", "strictest safe"];
  if (level) headers.push(`violates ${levelVersionString({ level, version: version ?? LATEST })}`);
  const rows = reports.map((r) => {
    const row = [
      r.name,
      mode(r, "enforce") + (r.policy.enforceLabelled || r.policy.exempt ? "" : " (unset)"),
      mode(r, "audit"),
      mode(r, "warn"),
      String(r.subjects),
      `${r.enforce.violations.length}/${r.audit.violations.length}/${r.warn.violations.length}`,
      r.strictestSafeLevel,
    ];
    if (level) row.push(String(atLevel.filter((v) => v.namespace === r.name).length));
    return row;
  });
  let out = renderTable(headers, rows);
  out += "\nVIOLATIONS counts pods and workloads violating enforce/audit/warn.\n";
  for (const r of reports) {
    const lines: string[] = [];
    for (const error of r.policy.errors)
      lines.push(`  invalid label ${error.label}="${error.value}": ${error.message}`);
    for (const m of ["enforce", "audit", "warn"] as const)
      for (const v of r[m].violations) lines.push(`  ${m}: ${v.display}: ${v.message}`);
    for (const b of r.blockers) lines.push(`  ${b.level} would reject: ${b.subjects.join(", ")}`);
    if (lines.length > 0) out += `\n${r.name}:\n${lines.join("\n")}\n`;
  }
  return out;
}
