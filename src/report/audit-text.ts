/** The audit report for people: a one-screen summary, the tenant × tenant matrix, then findings by severity. */
import type { Finding, Plane, Severity } from "../model/finding.js";
import { formatOrigin } from "../model/origin.js";
import type { AuditReport } from "../tenancy/audit.js";
import { NO_TENANT, PLANES } from "../tenancy/matrix.js";
import { renderTable } from "./table.js";

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
        return [plane, String(s.breaches), String(s.tenantsAffected), `${s.score}%`];
      }),
    ),
  );

  const columns = report.tenants.map((t) => t.name);
  const rows = [...new Set(report.matrix.map((c) => c.from))];
  const cell = new Map<string, string>();
  for (const c of report.matrix) {
    if (c.verdict !== "breach") continue;
    const key = `${c.from}\u0000${c.to}`;
    cell.set(key, `${cell.get(key) ?? ""}${PLANE_LETTER[c.plane]}`);
  }
  out.push(
    "Tenant isolation matrix: the row reaches the column through A = API, N = network, X = node (. = isolated)",
  );
  const grid = renderTable(
    ["FROM \\ TO", ...columns],
    rows.map((from) => [
      from,
      ...columns.map((to) => (from === to ? "-" : (cell.get(`${from}\u0000${to}`) ?? "."))),
    ]),
    { upperCaseHeaders: false },
  );
  out.push(
    grid
      .split("\n")
      .map((line, i) => (i === 0 ? line : line.replace(/(?<=\s)([ANX]+)(?=\s|$)/g, (m) => colors.red(m))))
      .join("\n"),
  );
  if (rows.includes(NO_TENANT))
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

function renderFinding(f: Finding, colors: Colors): string {
  const severity = f.severity.toUpperCase().padEnd(8);
  const painted =
    f.severity === "critical" || f.severity === "high"
      ? colors.red(severity)
      : f.severity === "medium"
        ? colors.yellow(severity)
        : severity;
  const lines = [`${painted} ${f.id}  ${colors.bold(f.subject)} -> ${f.object}`, `         ${f.message}`];
  for (const e of f.evidence) lines.push(colors.dim(`         - ${e}`));
  lines.push(`         fix: ${f.remediation}`);
  if (f.origin) lines.push(colors.dim(`         at ${formatOrigin(f.origin)}`));
  return `${lines.join("\n")}\n`;
}
