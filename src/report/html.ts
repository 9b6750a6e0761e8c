/**
 * The audit report as one self-contained HTML file: no network access, no external scripts or fonts.
 * A heat-map of the tenant matrix (click a cell for its evidence chains) and a filterable findings table.
 */
import type { AuditReport } from "../tenancy/audit.js";

/** Above this many tenants the page shows no heat-map, so it carries no matrix cells (they can be millions). */
const HEATMAP_MAX_TENANTS = 150;

export function renderHtml(report: AuditReport, title = "kubefence audit"): string {
  const heatMap = report.tenants.length <= HEATMAP_MAX_TENANTS;
  const shown = {
    apiVersion: report.apiVersion,
    kind: report.kind,
    tenants: report.tenants,
    summary: report.summary,
    rows: report.rows,
    matrixForm: report.matrixForm,
    matrix: heatMap ? report.matrix.list() : [],
    findings: report.findings,
    acceptances: report.acceptances,
  };
  // `<` is escaped so no string inside the report can close the script element.
  const data = JSON.stringify(shown).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p id="summary"></p></header>
<section><h2>Planes</h2><table id="planes"></table></section>
<section>
  <h2>Tenant isolation matrix</h2>
  <p class="hint">Row reaches column. A = API (RBAC), N = network, X = node. Click a cell for the evidence.</p>
  <div class="scroll"><table id="matrix"></table></div>
  <div id="evidence" hidden></div>
</section>
<section>
  <h2>Findings</h2>
  <p><input id="filter" type="search" placeholder="Filter findings (id, plane, severity, subject, text)" aria-label="Filter findings">
  <select id="severity" aria-label="Minimum severity"><option value="0">all severities</option><option value="1">low and above</option><option value="2">medium and above</option><option value="3">high and above</option><option value="4">critical</option></select></p>
  <table id="findings"><thead><tr><th>Severity</th><th>Plane</th><th>Finding</th><th>Subject</th><th>Object</th><th>Status</th><th>Message</th></tr></thead><tbody></tbody></table>
</section>
<section>
  <h2>Accepted risks</h2>
  <table id="acceptances"><thead><tr><th>Finding</th><th>Scope</th><th>Status</th><th>Findings</th><th>Owner</th><th>Expires</th><th>Reason</th></tr></thead><tbody></tbody></table>
</section>
<script id="report" type="application/json">${data}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 2rem 3rem;color:#1d2330;background:#fafbfc}
h1{margin:1.2rem 0 .2rem;font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;background:#fff}th,td{border:1px solid #d8dde6;padding:.3rem .55rem;text-align:left;vertical-align:top}
th{background:#eef1f6;font-weight:600}.scroll{overflow:auto;max-width:100%}
#matrix td.cell{text-align:center;font-family:ui-monospace,monospace;cursor:pointer;min-width:3.2rem}
#matrix td.iso{background:#e7f6ea;color:#5b7a62}#matrix td.b1{background:#fbd9c9}#matrix td.b2{background:#f6a58a}#matrix td.b3{background:#e0573b;color:#fff}
#matrix td.self{background:#f1f1f1;color:#aaa;cursor:default}#matrix td.selected{outline:3px solid #1d2330}
#evidence{margin-top:1rem;padding:.8rem 1rem;background:#fff;border:1px solid #d8dde6;max-width:70rem}
#evidence ol{margin:.3rem 0 .8rem}.hint{color:#5d6778}
.accepted{color:#1e7b34;font-weight:600}.expired{color:#b3261e;font-weight:600}
.sev-critical,.sev-high{color:#b3261e;font-weight:600}.sev-medium{color:#a15c00;font-weight:600}.sev-low,.sev-info{color:#5d6778}
#findings td{max-width:40rem}#filter{width:28rem;padding:.3rem}
`;

const SCRIPT = `
const report = JSON.parse(document.getElementById("report").textContent);
const el = (tag, attrs = {}, ...children) => { const e = document.createElement(tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); for (const c of children) e.append(c); return e; };
const letter = { api: "A", network: "N", node: "X" };
const counts = report.summary.findings;
document.getElementById("summary").textContent = report.tenants.length + " tenants, " + report.findings.length + " findings (" + ["critical","high","medium","low","info"].filter(s => counts[s]).map(s => counts[s] + " " + s).join(", ") + ")" + (report.summary.acceptance.accepted ? "; " + report.summary.acceptance.accepted + " accepted" : "") + (report.summary.acceptance.expired ? "; " + report.summary.acceptance.expired + " whose acceptance expired" : "");
const planes = document.getElementById("planes");
planes.append(el("tr", {}, el("th", {}, "Plane"), el("th", {}, "Breaches"), el("th", {}, "Tenants affected"), el("th", {}, "Isolation")));
for (const [plane, s] of Object.entries(report.summary.planes)) planes.append(el("tr", {}, el("td", {}, plane), el("td", {}, String(s.breaches)), el("td", {}, String(s.tenantsAffected)), el("td", {}, s.unreadKinds.length ? "unknown" : s.incomplete ? "incomplete: " + s.incomplete : s.score === null ? "nothing to judge" : s.score + "%")));
const columns = report.tenants.map(t => t.name);
const rows = report.rows;
// In the "breaches" form an end may be "*": every row (never "(no tenant)") or every column.
const stored = new Map();
for (const c of report.matrix) { const k = c.from + "\\u0000" + c.to + "\\u0000" + c.plane; stored.set(k, c); }
function cellsOf(from, to) {
  return ["api", "network", "node"].map(plane => {
    if (report.matrixForm === "full") return stored.get(from + "\\u0000" + to + "\\u0000" + plane);
    const everyone = from === "(no tenant)" ? [] : ["*"];
    for (const f of [from, ...everyone]) for (const t of [to, "*"]) {
      const c = stored.get(f + "\\u0000" + t + "\\u0000" + plane);
      if (c) return { ...c, from, to };
    }
    return { from, to, plane, verdict: "isolated", evidence: [] };
  }).filter(Boolean);
}
const matrix = document.getElementById("matrix");
if (columns.length > ${HEATMAP_MAX_TENANTS}) {
  matrix.append(el("tr", {}, el("td", {}, columns.length + " tenants: too many for a heat-map; the findings below and -o json list every breach.")));
} else {
  matrix.append(el("tr", {}, el("th", {}, "from \\\\ to"), ...columns.map(c => el("th", {}, c))));
  for (const from of rows) {
    const tr = el("tr", {}, el("th", {}, from));
    for (const to of columns) {
      if (from === to) { tr.append(el("td", { class: "cell self" }, "-")); continue; }
      const list = cellsOf(from, to);
      const breaches = list.filter(c => c.verdict === "breach");
      const td = el("td", { class: "cell " + (breaches.length ? "b" + breaches.length : "iso"), "data-from": from, "data-to": to, title: from + " -> " + to }, (breaches.map(c => letter[c.plane]).join("") || ".") + (list.some(c => c.incomplete) ? "?" : ""));
      td.addEventListener("click", () => show(td, from, to, list));
      tr.append(td);
    }
    matrix.append(tr);
  }
}
function show(td, from, to, list) {
  for (const s of document.querySelectorAll("#matrix td.selected")) s.classList.remove("selected");
  td.classList.add("selected");
  const box = document.getElementById("evidence");
  box.hidden = false; box.replaceChildren(el("h3", {}, from + " \\u2192 " + to));
  for (const c of list) {
    box.append(el("p", {}, el("strong", {}, c.plane + ": "), c.verdict + (c.incomplete ? " (incomplete: " + c.incomplete + ")" : "")));
    if (c.evidence.length) box.append(el("ol", {}, ...c.evidence.map(e => el("li", {}, e))));
  }
}
const rank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const tbody = document.querySelector("#findings tbody");
function renderFindings() {
  const q = document.getElementById("filter").value.toLowerCase();
  const min = Number(document.getElementById("severity").value);
  tbody.replaceChildren(...report.findings.filter(f => rank[f.severity] >= min && JSON.stringify(f).toLowerCase().includes(q)).map(f => {
    const details = el("details", {}, el("summary", {}, f.message), el("ul", {}, ...f.evidence.map(e => el("li", {}, e))), el("p", {}, "Fix: " + f.remediation));
    const a = f.acceptance;
    if (a) details.append(el("p", {}, (a.status === "expired" ? "Acceptance expired " + a.expires : "Accepted" + (a.expires ? " until " + a.expires : "")) + ": " + a.reason + " (owner " + a.owner + ")"));
    const status = a ? el("td", { class: a.status }, a.status === "expired" ? "acceptance expired" : "accepted") : el("td", {}, "open");
    return el("tr", { class: "finding" }, el("td", { class: "sev-" + f.severity }, f.severity), el("td", {}, f.plane), el("td", {}, f.id), el("td", {}, f.subject), el("td", {}, f.object), status, el("td", {}, details));
  }));
}
const scope = a => [a.tenant !== undefined ? "tenant " + a.tenant : "", a.namespace !== undefined ? "namespace " + a.namespace : "", a.resource ? a.resource.kind + " " + (a.resource.namespace ? a.resource.namespace + "/" : "") + a.resource.name : ""].filter(Boolean).join(", ") || "every finding of the id";
document.querySelector("#acceptances tbody").replaceChildren(...(report.acceptances.length ? report.acceptances.map(a => el("tr", { class: "acceptance" }, el("td", {}, a.id), el("td", {}, scope(a)), el("td", { class: a.status === "accepted" ? "accepted" : "expired" }, a.status), el("td", {}, String(a.findings)), el("td", {}, a.owner), el("td", {}, a.expires || "-"), el("td", {}, a.status === "invalid" ? a.problem : a.reason))) : [el("tr", {}, el("td", { colspan: "7" }, "No accepted risks."))]));
document.getElementById("filter").addEventListener("input", renderFindings);
document.getElementById("severity").addEventListener("change", renderFindings);
renderFindings();
`;
