/** The audit report for people: a one-screen summary, the tenant × tenant matrix, then findings by severity. */
import type { Finding, Plane, Severity } from "../model/finding.js";
import { formatOrigin } from "../model/origin.js";
import { formatAcceptanceSource, formatObjectRef } from "../tenancy/acceptance.js";
import type { AuditReport } from "../tenancy/audit.js";
import { ALL_TENANTS, NO_TENANT, PLANES } from "../tenancy/matrix.js";
import { renderTable } from "./table.js";
import { terminalSafe, terminalSafeText } from "./terminal.js";
import { clampLines, truncateLine, wrapText } from "./wrap.js";

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

export interface AuditTextOptions {
  colors?: Colors;
  /** The terminal's width in columns; lines are wrapped to it (100 when unknown). */
  width?: number;
  /** Every finding with its evidence, fix and origin (`--details`); otherwise the first few of each severity. */
  details?: boolean;
  /** The planes shown (`--plane`; every plane by default). */
  planes?: readonly Plane[];
  /** When findings were filtered (`--severity`, `--plane`): what the filter was, for the headline. */
  filtered?: string;
  /** Lines after the findings: hints, and what to do next. */
  notes?: string[];
  /** `--show-accepted`: a table of every acceptance and its status after the findings. */
  showAccepted?: boolean;
}

/** Without --details, this many findings of each severity are shown. */
export const FINDINGS_PER_SEVERITY = 5;
export const DEFAULT_WIDTH = 100;

export function renderAuditText(report: AuditReport, options: AuditTextOptions = {}): string {
  const colors = options.colors ?? NO_COLORS;
  const columns = options.width ?? DEFAULT_WIDTH;
  const planes = options.planes ?? PLANES;
  const out: string[] = [];
  const counts = report.summary.findings;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const bySeverity = SEVERITY_ORDER.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(", ");
  const { accepted, expired } = report.summary.acceptance;
  const acceptance = [
    accepted > 0 ? `${accepted} accepted` : "",
    expired > 0 ? `${expired} whose acceptance expired` : "",
  ]
    .filter(Boolean)
    .join(", ");
  const headline = `kubefence audit: ${plural(report.tenants.length, "tenant")}, ${plural(total, "finding")}${bySeverity ? ` (${bySeverity})` : ""}${acceptance ? `; ${acceptance}` : ""}${options.filtered ? `; showing ${report.findings.length}: ${options.filtered}` : ""}`;
  out.push(...wrapText(headline, columns).map(colors.bold), "");
  out.push(
    renderTable(
      ["plane", "breaches", "tenants affected", "isolation"],
      planes.map((plane) => {
        const s = report.summary.planes[plane];
        return [plane, String(s.breaches), String(s.tenantsAffected), isolationOf(s)];
      }),
    ),
  );

  for (const plane of planes) {
    const unread = report.summary.planes[plane].unreadKinds;
    if (unread.length > 0)
      out.push(
        ...wrapText(
          `The ${plane} plane is incomplete: ${terminalSafe(unread.join(", "))} could not be read, so its "isolated" verdicts may be wrong.`,
          columns,
        ).map(colors.yellow),
      );
  }
  for (const plane of planes) {
    const note = report.summary.planes[plane].incomplete;
    if (note)
      out.push(
        ...wrapText(
          `The ${plane} plane is incomplete: ${terminalSafe(note)}, so the verdicts marked ? in the matrix may be wrong.`,
          columns,
        ).map(colors.yellow),
      );
  }
  const tenants = report.tenants.map((t) => t.name);
  if (tenants.length <= MAX_GRID_COLUMNS) out.push(renderGrid(report, tenants, planes, columns, colors));
  else out.push(renderBreachList(report, planes, columns, colors));
  if (report.rows.includes(NO_TENANT))
    out.push(
      ...wrapText(
        `${NO_TENANT}: identities bound outside every tenant that are not platform administrators.`,
        columns,
      ),
      "",
    );

  if (report.findings.length === 0) {
    out.push(colors.green(options.filtered ? "No findings match." : "No findings."));
  } else if (options.details) {
    out.push(colors.bold("Findings"), "");
    for (const f of report.findings) out.push(renderFinding(f, columns, colors));
  } else {
    out.push(...renderFindingSummary(report.findings, columns, colors));
  }
  if (options.showAccepted) out.push("", renderAcceptances(report, columns, colors));
  if (options.notes?.length) {
    out.push("");
    for (const note of options.notes) out.push(...wrapText(terminalSafe(note), columns));
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** A plane's isolation: a percentage only of what was read, and only when there was something to judge. */
function isolationOf(s: AuditReport["summary"]["planes"][Plane]): string {
  if (s.unreadKinds.length > 0) return "unknown";
  if (s.incomplete) return "incomplete";
  if (s.score === null) return "nothing to judge";
  return `${s.score}%`;
}

/** Wider than this, a grid no longer fits a screen: breaches are listed instead. */
const MAX_GRID_COLUMNS = 12;
const MAX_LISTED_BREACHES = 40;

function renderGrid(
  report: AuditReport,
  columns: string[],
  planes: readonly Plane[],
  width: number,
  colors: Colors,
): string {
  let unsure = false;
  // Each pair's cells on the planes shown, whatever form the matrix is stored in.
  const text = (from: string, to: string) => {
    const cells = report.matrix.pair(from, to).filter((c) => planes.includes(c.plane));
    const letters =
      cells
        .filter((c) => c.verdict === "breach")
        .map((c) => PLANE_LETTER[c.plane])
        .join("") || ".";
    const incomplete = cells.some((c) => c.incomplete);
    if (incomplete) unsure = true;
    return `${letters}${incomplete ? "?" : ""}`;
  };
  const grid = renderTable(
    ["FROM \\ TO", ...columns],
    report.rows.map((from) => [from, ...columns.map((to) => (from === to ? "-" : text(from, to)))]),
    { upperCaseHeaders: false },
  );
  const painted = grid
    .split("\n")
    .map((line, i) => (i === 0 ? line : line.replace(/(?<=\s)([ANX]+)(?=\s|\?|$)/g, (m) => colors.red(m))))
    .join("\n");
  const legend = unsure ? ", ? = incomplete" : "";
  const title = wrapText(
    `Tenant isolation matrix: the row reaches the column by A = API, N = network, X = node (. = isolated${legend})`,
    width,
  );
  return `${title.join("\n")}\n${painted}`;
}

function renderBreachList(
  report: AuditReport,
  planes: readonly Plane[],
  columns: number,
  colors: Colors,
): string {
  const { cells, total } = report.matrix.breaches(MAX_LISTED_BREACHES, planes);
  if (total === 0) return `${colors.green("Every tenant pair is isolated on every plane.")}\n`;
  const name = (end: string) => (end === ALL_TENANTS ? "every tenant" : end);
  const rows = cells.map((c) => [
    name(c.from),
    name(c.to),
    c.plane,
    c.evidence[c.evidence.length > 1 ? 1 : 0] ?? "",
  ]);
  const more = total > cells.length ? `… and ${total - cells.length} more (-o json lists all)\n` : "";
  const table = renderTable(["from", "to", "plane", "via"], rows)
    .split("\n")
    .map((line) => truncateLine(line, columns))
    .join("\n");
  return `Breaches between tenants (${report.tenants.length} tenants: too many for a grid)\n${table}${more}`;
}

/** The severity word, padded and painted: red for critical and high, yellow for medium. */
function severityLabel(severity: Severity, colors: Colors): string {
  const label = severity.toUpperCase().padEnd(8);
  if (severity === "critical" || severity === "high") return colors.red(label);
  return severity === "medium" ? colors.yellow(label) : label;
}

const INDENT = " ".repeat(9);

/** Without --details: each severity's first findings, two lines each, and how many more there are. */
function renderFindingSummary(findings: Finding[], columns: number, colors: Colors): string[] {
  const out = [
    colors.bold("Findings"),
    ...wrapText(
      `The first ${FINDINGS_PER_SEVERITY} of each severity, without evidence: --details shows every finding with its evidence and fix, -o json all of it.`,
      columns,
    ).map(colors.dim),
    "",
  ];
  for (const severity of SEVERITY_ORDER) {
    const ofSeverity = findings.filter((f) => f.severity === severity);
    for (const f of ofSeverity.slice(0, FINDINGS_PER_SEVERITY)) {
      const [head, ...tail] = headLines(f, columns);
      out.push(
        `${severityLabel(severity, colors)} ${paintStatus(head!.slice(INDENT.length), colors)}`,
        ...tail,
      );
      out.push(...clampLines(wrapText(terminalSafe(f.message), columns, INDENT), 2, columns));
      out.push(...acceptanceLines(f, columns));
    }
    const more = ofSeverity.length - FINDINGS_PER_SEVERITY;
    if (more > 0) out.push(colors.dim(`${INDENT}… and ${more} more ${severity}: --details, or -o json`));
  }
  return out;
}

/** A finding's first line(s): id, subject -> object, and whether an acceptance covers it. */
function headLines(f: Finding, columns: number): string[] {
  const status =
    f.acceptance?.status === "accepted"
      ? "  ACCEPTED"
      : f.acceptance?.status === "expired"
        ? "  ACCEPTANCE EXPIRED"
        : "";
  // The marker's two spaces may fall at a line break: no line ends in a space.
  return wrapText(
    `${f.id}  ${terminalSafe(f.subject)} -> ${terminalSafe(f.object)}${status}`,
    columns,
    INDENT,
    INDENT,
  ).map((line) => line.trimEnd());
}

function paintStatus(line: string, colors: Colors): string {
  return line
    .replace(/ {2}ACCEPTED$/, (m) => colors.green(m))
    .replace(/ {2}ACCEPTANCE EXPIRED$/, (m) => colors.red(m));
}

/** The acceptance of a finding: why, by whom, until when, declared where. */
function acceptanceLines(f: Finding, columns: number): string[] {
  const a = f.acceptance;
  if (!a) return [];
  const until =
    a.expires === undefined ? "no expiry" : `${a.status === "expired" ? "expired" : "until"} ${a.expires}`;
  return wrapText(
    `${a.status === "expired" ? "acceptance expired" : "accepted"}: ${terminalSafe(a.reason)} (owner ${terminalSafe(a.owner)}, ${terminalSafe(until)}; ${terminalSafe(formatAcceptanceSource(a.source))})`,
    columns,
    INDENT,
    `${INDENT}  `,
  );
}

/**
 * `--show-accepted`: every acceptance, what it covers and whether it still holds, laid out like a finding:
 * status and id, then the reason (or why it cannot be used), then owner, expiry, matches and where declared.
 */
function renderAcceptances(report: AuditReport, columns: number, colors: Colors): string {
  if (report.acceptances.length === 0) return "No accepted risks.\n";
  const out = [colors.bold("Accepted risks"), ""];
  for (const a of report.acceptances) {
    const scope =
      [
        a.tenant !== undefined ? `tenant ${a.tenant}` : "",
        a.namespace !== undefined ? `namespace ${a.namespace}` : "",
        a.resource ? formatObjectRef(a.resource) : "",
      ]
        .filter(Boolean)
        .join(", ") || "every finding of the id";
    const label = a.status.toUpperCase().padEnd(8);
    const painted = a.status === "accepted" ? colors.green(label) : colors.red(label);
    const [head, ...tail] = wrapText(`${a.id}  ${terminalSafe(scope)}`, columns, INDENT, INDENT);
    out.push(`${painted} ${head!.slice(INDENT.length)}`, ...tail);
    out.push(
      ...wrapText(
        terminalSafe(a.status === "invalid" ? `cannot be used: ${a.problem}` : a.reason),
        columns,
        INDENT,
      ),
    );
    const facts = [
      a.owner ? `owner ${a.owner}` : "",
      a.expires === undefined
        ? "no expiry"
        : `${a.status === "expired" ? "expired" : "expires"} ${a.expires}`,
      `${plural(a.findings, "finding")}`,
      `declared in ${formatAcceptanceSource(a.source)}`,
    ].filter(Boolean);
    out.push(...wrapText(terminalSafe(facts.join(", ")), columns, INDENT).map(colors.dim));
  }
  return `${out.join("\n")}\n`;
}

function renderFinding(f: Finding, columns: number, colors: Colors): string {
  const [head, ...tail] = headLines(f, columns);
  const lines = [
    `${severityLabel(f.severity, colors)} ${paintStatus(head!.slice(INDENT.length), colors)}`,
    ...tail,
  ];
  lines.push(...wrapText(terminalSafe(f.message), columns, INDENT));
  for (const e of f.evidence)
    lines.push(...wrapText(terminalSafe(e), columns, `${INDENT}- `, `${INDENT}  `).map(colors.dim));
  // A multi-line remediation (a manifest to apply) stays as it is, under the finding; its prose is wrapped.
  const [first, ...rest] = terminalSafeText(f.remediation.trimEnd()).split("\n");
  lines.push(...wrapText(first!, columns, `${INDENT}fix: `, `${INDENT}     `));
  for (const line of rest)
    lines.push(
      ...(/^\s|^[\w./-]+:(\s|$)/.test(line)
        ? [`${INDENT}     ${line}`]
        : wrapText(line, columns, `${INDENT}     `)),
    );
  if (f.origin) lines.push(colors.dim(`${INDENT}at ${terminalSafe(formatOrigin(f.origin))}`));
  lines.push(...acceptanceLines(f, columns));
  return `${lines.join("\n")}\n`;
}
