/** The audit report for people: a one-screen summary, the tenant × tenant matrix, then findings by severity. */
import type { Finding, Plane, Severity } from "../model/finding.js";
import { formatOrigin } from "../model/origin.js";
import type { AuditReport } from "../tenancy/audit.js";
import { ALL_TENANTS, NO_TENANT, PLANES } from "../tenancy/matrix.js";
import { renderTable } from "./table.js";
import { terminalSafe, terminalSafeText } from "./terminal.js";

export interface Colors {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

export const NO_COLORS: Colors = { red: id, yellow: id, green: id, bold: id, dim: id };

function id(text: string): string {
  return text;
}

const PLANE_LETTER: Record<Plane, string> = { api: "A", network: "N", node: "X" };

export function renderAuditText(report: AuditReport, colors: Colors = NO_COLORS): string {
  const out: string[] = [];
  const counts = report.summary.findings;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const bySeverity = (["critical", "high", "medium", "low", "info"] as Severity[])
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(", ");
  out.push(
    colors.bold(
      `kubefence audit: ${report.tenants.length} tenant${report.tenants.length === 1 ? "" : "s"}, ${total} finding${total === 1 ? "" : "s"}${bySeverity ? ` (${bySeverity})` : ""}`,
    ),
    "",
  );
  out.push(
    renderTable(
      ["plane", "breaches", "tenants affected", "isolation"],
      PLANES.map((plane) => {
        const s = report.summary.planes[plane];
        // Unread kinds: the score counts only what was seen, so no percentage is claimed.
        return [
          plane,
          String(s.breaches),
          String(s.tenantsAffected),
          s.unreadKinds.length > 0 ? "unknown" : `${s.score}%`,
        ];
      }),
    ),
  );

  for (const plane of PLANES) {
    const unread = report.summary.planes[plane].unreadKinds;
    if (unread.length > 0)
      out.push(
        colors.yellow(
          `The ${plane} plane is incomplete: ${terminalSafe(unread.join(", "))} could not be read, so its "isolated" verdicts may be wrong.`,
        ),
      );
  }
  const columns = report.tenants.map((t) => t.name);
  if (columns.length <= MAX_GRID_COLUMNS) out.push(renderGrid(report, columns, colors));
  else out.push(renderBreachList(report, colors));
  if (report.rows.includes(NO_TENANT))
    out.push(`${NO_TENANT}: identities bound outside every tenant that are not platform administrators.`, "");

  if (report.findings.length === 0) {
    out.push(colors.green("No findings."));
  } else {
    out.push(colors.bold("Findings"), "");
    for (const f of report.findings) out.push(renderFinding(f, colors));
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

/** Wider than this, a grid no longer fits a screen: breaches are listed instead. */
const MAX_GRID_COLUMNS = 12;
const MAX_LISTED_BREACHES = 40;

function renderGrid(report: AuditReport, columns: string[], colors: Colors): string {
  const letters = (from: string, to: string) =>
    report.matrix
      .pair(from, to)
      .filter((c) => c.verdict === "breach")
      .map((c) => PLANE_LETTER[c.plane])
      .join("") || ".";
  const grid = renderTable(
    ["FROM \\ TO", ...columns],
    report.rows.map((from) => [from, ...columns.map((to) => (from === to ? "-" : letters(from, to)))]),
    { upperCaseHeaders: false },
  );
  const painted = grid
    .split("\n")
    .map((line, i) => (i === 0 ? line : line.replace(/(?<=\s)([ANX]+)(?=\s|$)/g, (m) => colors.red(m))))
    .join("\n");
  return `Tenant isolation matrix: the row reaches the column through A = API, N = network, X = node (. = isolated)\n${painted}`;
}

function renderBreachList(report: AuditReport, colors: Colors): string {
  const { cells, total } = report.matrix.breaches(MAX_LISTED_BREACHES);
  if (total === 0) return `${colors.green("Every tenant pair is isolated on every plane.")}\n`;
  const name = (end: string) => (end === ALL_TENANTS ? "every tenant" : end);
  const rows = cells.map((c) => [
    name(c.from),
    name(c.to),
    c.plane,
    c.evidence[c.evidence.length > 1 ? 1 : 0] ?? "",
  ]);
  const more = total > cells.length ? `… and ${total - cells.length} more (-o json lists all)\n` : "";
  return `Breaches between tenants (${report.tenants.length} tenants: too many for a grid)\n${renderTable(["from", "to", "plane", "via"], rows)}${more}`;
}

function renderFinding(f: Finding, colors: Colors): string {
  const severity = f.severity.toUpperCase().padEnd(8);
  const painted =
    f.severity === "critical" || f.severity === "high"
      ? colors.red(severity)
      : f.severity === "medium"
        ? colors.yellow(severity)
        : severity;
  const lines = [
    `${painted} ${f.id}  ${colors.bold(terminalSafe(f.subject))} -> ${terminalSafe(f.object)}`,
    `         ${terminalSafe(f.message)}`,
  ];
  for (const e of f.evidence) lines.push(colors.dim(`         - ${terminalSafe(e)}`));
  // Multi-line remediations (a manifest to apply) stay under the finding.
  lines.push(`         fix: ${terminalSafeText(f.remediation.trimEnd()).replace(/\n/g, "\n              ")}`);
  if (f.origin) lines.push(colors.dim(`         at ${terminalSafe(formatOrigin(f.origin))}`));
  return `${lines.join("\n")}\n`;
}
