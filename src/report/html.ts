/**
 * The audit report as one self-contained HTML file: no network access, no external scripts or fonts.
 * A heat-map of the tenant matrix (click a cell for its evidence chains) and a filterable findings list.
 *
 * Sized for 10 000 tenants: the page's data is gzipped JSON (the browser's own DecompressionStream reads it),
 * the heat-map aggregates tenants into blocks beyond GRID_MAX_TENANTS, the findings and a block's pairs are
 * virtualised lists (only the visible rows are in the DOM), and evidence is drawn from the page's data when
 * asked for, never laid out up front.
 */
import { gzipSync } from "node:zlib";
import type { AuditReport } from "../tenancy/audit.js";
import { ALL_TENANTS, type MatrixCell } from "../tenancy/matrix.js";

/** Up to this many tenants each pair is a cell of the heat-map, carried with its own chains. */
const GRID_MAX_TENANTS = 150;
/**
 * Beyond it, the breaches as stored are carried for the page to aggregate: every row- or column-wide one (at
 * most a few per tenant), and up to this many single pairs per plane.
 */
export const MAX_PAGE_PAIRS_PER_PLANE = 40_000;

export function renderHtml(report: AuditReport, title = "kubefence audit"): string {
  const columns = report.tenants.map((t) => t.name);
  const grid = columns.length <= GRID_MAX_TENANTS;
  // A grid's cells: each breached pair with its own chain. Beyond: the stored breaches, a row-wide one once.
  const { cells, omitted } = grid ? { cells: pairBreaches(report, columns), omitted: 0 } : carried(report);
  // Verdicts CNI policies may change (read, not modelled): marked ? in the grid, with why.
  const incomplete = grid ? incompleteCells(report, columns) : [];
  const shown = {
    apiVersion: report.apiVersion,
    kind: report.kind,
    tenants: report.tenants,
    summary: report.summary,
    rows: report.rows,
    matrixForm: grid ? "pairs" : "breaches",
    matrix: cells.map((c) => [c.from, c.to, c.plane, c.evidence]),
    incomplete: incomplete.map((c) => [c.from, c.to, c.plane, c.incomplete]),
    /** Single-pair breaches left out of the page (beyond MAX_PAGE_PAIRS_PER_PLANE); -o json lists them. */
    omittedBreaches: omitted,
    findings: report.findings,
    acceptances: report.acceptances,
  };
  const data = gzipSync(JSON.stringify(shown), { level: 6 }).toString("base64");
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
<header><h1>${escapeHtml(title)}</h1><p id="summary">Loading the report…</p></header>
<section><h2>Planes</h2><table id="planes"></table></section>
<section>
  <h2>Tenant isolation matrix</h2>
  <p class="hint" id="matrix-hint">Row reaches column. A = API (RBAC), N = network, X = node. Click a cell for the evidence.</p>
  <div class="scroll"><table id="matrix"></table></div>
  <div id="pairs" hidden><p id="pairs-title"></p><div class="vlist" id="pairs-list"><div class="spacer"></div></div></div>
  <div id="evidence" hidden></div>
</section>
<section>
  <h2>Findings</h2>
  <p><input id="filter" type="search" placeholder="Filter findings (id, plane, severity, subject, text)" aria-label="Filter findings">
  <select id="severity" aria-label="Minimum severity"><option value="0">all severities</option><option value="1">low and above</option><option value="2">medium and above</option><option value="3">high and above</option><option value="4">critical</option></select>
  <span id="findings-count"></span></p>
  <div class="row head"><span>Severity</span><span>Plane</span><span>Finding</span><span>Subject</span><span>Object</span><span>Status</span><span>Message</span></div>
  <div class="vlist" id="findings"><div class="spacer"></div></div>
  <div id="finding" hidden></div>
</section>
<section>
  <h2>Accepted risks</h2>
  <table id="acceptances"><thead><tr><th>Finding</th><th>Scope</th><th>Status</th><th>Findings</th><th>Owner</th><th>Expires</th><th>Reason</th></tr></thead><tbody></tbody></table>
</section>
<script id="report" type="application/gzip;base64">${data}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** Every breached pair of the grid on every plane, with that pair's own chain. */
function pairBreaches(report: AuditReport, columns: string[]): MatrixCell[] {
  const out: MatrixCell[] = [];
  for (const from of report.rows)
    for (const to of columns)
      if (from !== to) for (const c of report.matrix.pair(from, to)) if (c.verdict === "breach") out.push(c);
  return out;
}

/** The grid's cells whose verdict may be wrong for what was read but not modelled. */
function incompleteCells(report: AuditReport, columns: string[]): MatrixCell[] {
  if (!Object.values(report.summary.planes).some((p) => p.incomplete)) return [];
  const out: MatrixCell[] = [];
  for (const from of report.rows)
    for (const to of columns)
      if (from !== to) for (const c of report.matrix.pair(from, to)) if (c.incomplete) out.push(c);
  return out;
}

/** The stored breaches the page carries: every "*" one, and the first single pairs of each plane. */
function carried(report: AuditReport): { cells: MatrixCell[]; omitted: number } {
  const cells: MatrixCell[] = [];
  const pairs = new Map<string, number>();
  let omitted = 0;
  for (const c of report.matrix.stored()) {
    if (c.from === ALL_TENANTS || c.to === ALL_TENANTS) {
      cells.push(c);
      continue;
    }
    const taken = pairs.get(c.plane) ?? 0;
    if (taken < MAX_PAGE_PAIRS_PER_PLANE) {
      cells.push(c);
      pairs.set(c.plane, taken + 1);
    } else omitted++;
  }
  return { cells, omitted };
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
#evidence,#finding{margin-top:1rem;padding:.8rem 1rem;background:#fff;border:1px solid #d8dde6;max-width:70rem}
#evidence ol,#finding ul{margin:.3rem 0 .8rem}.hint{color:#5d6778}
.vlist{position:relative;overflow:auto;height:26rem;background:#fff;border:1px solid #d8dde6;max-width:100%}
.vlist .spacer{position:relative}
.row{display:grid;grid-template-columns:6rem 5rem 16rem 14rem 14rem 8rem 1fr;gap:.5rem;height:24px;line-height:24px;padding:0 .4rem;white-space:nowrap;overflow:hidden;box-sizing:border-box;border-bottom:1px solid #eef1f6;cursor:pointer}
.row span{overflow:hidden;text-overflow:ellipsis}.row.head{font-weight:600;background:#eef1f6;cursor:default;max-width:100%}
.vlist .row{position:absolute;left:0;right:0}.vlist .row:hover{background:#f3f6fb}
#pairs .row{grid-template-columns:18rem 18rem 1fr}
.sev-critical,.sev-high{color:#b3261e;font-weight:600}.sev-medium{color:#a15c00;font-weight:600}.sev-low,.sev-info{color:#5d6778}
.accepted{color:#1e7b34;font-weight:600}.expired{color:#b3261e;font-weight:600}
#filter{width:28rem;padding:.3rem}#findings-count{color:#5d6778;margin-left:.6rem}
`;

const SCRIPT = `
const ROW = 24, PLANES = ["api", "network", "node"], letter = { api: "A", network: "N", node: "X" }, NONE = "(no tenant)";
const el = (tag, attrs = {}, ...children) => { const e = document.createElement(tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); for (const c of children) e.append(c); return e; };
/** A list of n rows of which only the visible ones are in the DOM; row(i) makes the i-th. */
function virtualList(box, n, row) {
  const spacer = box.firstElementChild;
  spacer.style.height = n * ROW + "px";
  const draw = () => {
    const first = Math.floor(box.scrollTop / ROW), last = Math.min(n, first + Math.ceil(box.clientHeight / ROW) + 1);
    const rows = [];
    for (let i = first; i < last; i++) { const r = row(i); r.style.top = i * ROW + "px"; rows.push(r); }
    spacer.replaceChildren(...rows);
  };
  box.onscroll = draw; box.scrollTop = 0; draw();
}
async function load() {
  const bytes = Uint8Array.from(atob(document.getElementById("report").textContent), c => c.charCodeAt(0));
  const text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  return JSON.parse(text);
}
load().then(report => {
const counts = report.summary.findings;
document.getElementById("summary").textContent = report.tenants.length + " tenants, " + report.findings.length + " findings (" + ["critical","high","medium","low","info"].filter(s => counts[s]).map(s => counts[s] + " " + s).join(", ") + ")" + (report.summary.acceptance.accepted ? "; " + report.summary.acceptance.accepted + " accepted" : "") + (report.summary.acceptance.expired ? "; " + report.summary.acceptance.expired + " whose acceptance expired" : "");
const planes = document.getElementById("planes");
planes.append(el("tr", {}, el("th", {}, "Plane"), el("th", {}, "Breaches"), el("th", {}, "Tenants affected"), el("th", {}, "Isolation")));
for (const [plane, s] of Object.entries(report.summary.planes)) planes.append(el("tr", {}, el("td", {}, plane), el("td", {}, String(s.breaches)), el("td", {}, String(s.tenantsAffected)), el("td", {}, s.unreadKinds.length ? "unknown" : s.incomplete ? "incomplete: " + s.incomplete : s.score === null ? "nothing to judge" : s.score + "%")));

// The breaches, indexed: exact pairs, whole rows ("*" column), whole columns ("*" row: every tenant row), everything.
const columns = report.tenants.map(t => t.name), rows = report.rows;
const index = Object.fromEntries(PLANES.map(p => [p, { exact: new Map(), row: new Map(), column: new Map(), all: undefined }]));
for (const [from, to, plane, evidence] of report.matrix) {
  const i = index[plane], entry = { from, to, evidence };
  if (from === "*" && to === "*") i.all = entry;
  else if (to === "*") i.row.set(from, entry);
  else if (from === "*") i.column.set(to, entry);
  else i.exact.set(from + "\\u0000" + to, entry);
}
/** The entry that says row reaches column on a plane, if one does. */
function entryOf(plane, from, to) {
  if (from === to) return undefined;
  const i = index[plane], tenantRow = from !== NONE;
  return i.exact.get(from + "\\u0000" + to) ?? i.row.get(from) ?? (tenantRow ? i.column.get(to) ?? i.all : undefined);
}
const unsure = new Map();
for (const [from, to, plane, note] of report.incomplete) unsure.set(from + "\\u0000" + to + "\\u0000" + plane, note);
const noteOf = (plane, from, to) => unsure.get(from + "\\u0000" + to + "\\u0000" + plane);
function show(from, to) {
  const box = document.getElementById("evidence");
  box.hidden = false; box.replaceChildren(el("h3", {}, from + " \\u2192 " + to));
  for (const plane of PLANES) {
    const e = entryOf(plane, from, to);
    const note = noteOf(plane, from, to);
    box.append(el("p", {}, el("strong", {}, plane + ": "), (e ? "breach" : "isolated") + (note ? " (incomplete: " + note + ")" : "")));
    if (!e) continue;
    if (e.from === "*" || e.to === "*") box.append(el("p", { class: "hint" }, "One breach of " + (e.to === "*" ? "every column of row " + e.from : "column " + e.to + " from every tenant row") + ", stored once; its chain, for one pair of it:"));
    box.append(el("ol", {}, ...e.evidence.map(x => el("li", {}, x))));
  }
}
const matrix = document.getElementById("matrix");
if (report.matrixForm === "pairs") {
  matrix.append(el("tr", {}, el("th", {}, "from \\\\ to"), ...columns.map(c => el("th", {}, c))));
  for (const from of rows) {
    const tr = el("tr", {}, el("th", {}, from));
    for (const to of columns) {
      if (from === to) { tr.append(el("td", { class: "cell self" }, "-")); continue; }
      const hit = PLANES.filter(p => entryOf(p, from, to));
      const td = el("td", { class: "cell " + (hit.length ? "b" + hit.length : "iso"), "data-from": from, "data-to": to, title: from + " -> " + to }, (hit.map(p => letter[p]).join("") || ".") + (PLANES.some(p => noteOf(p, from, to)) ? "?" : ""));
      td.addEventListener("click", () => { select(td); show(from, to); });
      tr.append(td);
    }
    matrix.append(tr);
  }
} else aggregate();
function select(td) { for (const s of document.querySelectorAll("#matrix td.selected")) s.classList.remove("selected"); td.classList.add("selected"); }
/** Beyond the grid: tenants in consecutive blocks, each block's cell the share of its pairs breached per plane. */
function aggregate() {
  const BLOCKS = 40, rb = Math.ceil(rows.length / BLOCKS), cb = Math.ceil(columns.length / BLOCKS);
  const nr = Math.ceil(rows.length / rb), nc = Math.ceil(columns.length / cb);
  const colOf = new Map(columns.map((c, i) => [c, i]));
  const size = j => Math.min(cb, columns.length - j * cb);
  const hits = Object.fromEntries(PLANES.map(p => [p, Array.from({ length: nr }, () => new Float64Array(nc))]));
  const pairs = Array.from({ length: nr }, () => new Float64Array(nc));
  rows.forEach((from, r) => {
    const br = Math.floor(r / rb), self = colOf.get(from), selfBlock = self === undefined ? -1 : Math.floor(self / cb);
    for (let j = 0; j < nc; j++) pairs[br][j] += size(j) - (j === selfBlock ? 1 : 0);
  });
  for (const plane of PLANES) {
    const i = index[plane], h = hits[plane];
    // Whole columns, counted per block once; every row but the column's own and the row of no tenant.
    const colBlock = new Float64Array(nc);
    for (const c of i.column.keys()) if (colOf.has(c)) colBlock[Math.floor(colOf.get(c) / cb)]++;
    const exactByRow = new Map();
    for (const e of i.exact.values()) { const list = exactByRow.get(e.from) ?? []; list.push(e.to); exactByRow.set(e.from, list); }
    rows.forEach((from, r) => {
      const br = Math.floor(r / rb), self = colOf.get(from), selfBlock = self === undefined ? -1 : Math.floor(self / cb), tenantRow = from !== NONE;
      if (i.row.has(from) || (tenantRow && i.all)) { for (let j = 0; j < nc; j++) h[br][j] += size(j) - (j === selfBlock ? 1 : 0); return; }
      if (tenantRow) for (let j = 0; j < nc; j++) h[br][j] += colBlock[j] - (j === selfBlock && i.column.has(from) ? 1 : 0);
      for (const to of exactByRow.get(from) ?? []) {
        if (to === from || !colOf.has(to) || (tenantRow && i.column.has(to))) continue;
        h[br][Math.floor(colOf.get(to) / cb)]++;
      }
    });
  }
  // Verdicts CNI policies may change: a block is marked ? when a tenant of its rows or columns is concerned.
  const unsureRows = new Uint8Array(nr), unsureCols = new Uint8Array(nc), notes = [];
  for (const plane of PLANES) {
    const s = report.summary.planes[plane];
    if (!s.incomplete) continue;
    notes.push(plane + ": " + s.incomplete);
    const concerned = new Set(s.incompleteTenants ?? columns);
    rows.forEach((from, r) => { if (from === NONE || concerned.has(from)) unsureRows[Math.floor(r / rb)] = 1; });
    columns.forEach((to, c) => { if (concerned.has(to)) unsureCols[Math.floor(c / cb)] = 1; });
  }
  const span = (list, k, b) => { const a = list[k * b], z = list[Math.min(list.length, (k + 1) * b) - 1]; return a === z ? a : a + " \\u2026 " + z; };
  document.getElementById("matrix-hint").textContent = rows.length + " rows \\u00d7 " + columns.length + " columns, in blocks of " + rb + " \\u00d7 " + cb + " tenants: a block shows the planes with a breach in it, its colour the largest share of its pairs breached. Click a block for its pairs." + (report.omittedBreaches ? " This page carries every row- and column-wide breach but not " + report.omittedBreaches + " single-pair breaches (-o json lists every one), so blocks may show fewer." : "");
  matrix.append(el("tr", {}, el("th", {}, "from \\\\ to"), ...Array.from({ length: nc }, (_, j) => el("th", { title: span(columns, j, cb) }, String(j + 1)))));
  for (let r = 0; r < nr; r++) {
    const tr = el("tr", {}, el("th", { title: span(rows, r, rb) }, String(r + 1)));
    for (let j = 0; j < nc; j++) {
      const total = pairs[r][j], shares = PLANES.map(p => total ? hits[p][r][j] / total : 0), top = Math.max(...shares);
      const unsure = unsureRows[r] || unsureCols[j];
      const text = (PLANES.filter((p, k) => shares[k] > 0).map(p => letter[p]).join("") || ".") + (unsure ? "?" : "");
      const td = el("td", { class: "cell " + (top === 0 ? "iso" : top < 1 / 3 ? "b1" : top < 2 / 3 ? "b2" : "b3"), "data-block": r + "," + j, title: span(rows, r, rb) + " \\u2192 " + span(columns, j, cb) + ": " + PLANES.map(p => p + " " + hits[p][r][j] + "/" + total).join(", ") + (unsure ? " (incomplete: " + notes.join("; ") + ")" : "") }, text);
      td.addEventListener("click", () => { select(td); block(r, j, rb, cb); });
      tr.append(td);
    }
    matrix.append(tr);
  }
}
/** A block's breached pairs, as a virtual list; a pair's evidence on click. */
function block(r, j, rb, cb) {
  const list = [];
  for (const from of rows.slice(r * rb, (r + 1) * rb)) for (const to of columns.slice(j * cb, (j + 1) * cb)) {
    const hit = PLANES.filter(p => entryOf(p, from, to));
    if (hit.length) list.push([from, to, hit]);
  }
  document.getElementById("pairs").hidden = false;
  document.getElementById("pairs-title").textContent = list.length + " breached pairs in this block";
  virtualList(document.getElementById("pairs-list"), list.length, i => {
    const [from, to, hit] = list[i];
    const row = el("div", { class: "row pair" }, el("span", {}, from), el("span", {}, to), el("span", {}, hit.join(", ")));
    row.addEventListener("click", () => show(from, to));
    return row;
  });
}

const rank = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const haystack = report.findings.map(f => JSON.stringify(f).toLowerCase());
function renderFindings() {
  const q = document.getElementById("filter").value.toLowerCase();
  const min = Number(document.getElementById("severity").value);
  const shown = [];
  report.findings.forEach((f, i) => { if (rank[f.severity] >= min && haystack[i].includes(q)) shown.push(f); });
  document.getElementById("findings-count").textContent = shown.length + " of " + report.findings.length;
  virtualList(document.getElementById("findings"), shown.length, i => {
    const f = shown[i];
    const a = f.acceptance;
    const accepted = a ? (a.status === "expired" ? "Acceptance expired " + a.expires : "Accepted" + (a.expires ? " until " + a.expires : "")) + ": " + a.reason + " (owner " + a.owner + ")" : "";
    const status = a ? el("span", { class: a.status }, a.status === "expired" ? "acceptance expired" : "accepted") : el("span", {}, "open");
    const row = el("div", { class: "row finding" }, el("span", { class: "sev-" + f.severity }, f.severity), el("span", {}, f.plane), el("span", {}, f.id), el("span", {}, f.subject), el("span", {}, f.object), status, el("span", { title: accepted }, f.message + (accepted ? " \\u2014 " + accepted : "")));
    row.addEventListener("click", () => {
      const box = document.getElementById("finding");
      box.hidden = false;
      box.replaceChildren(el("h3", {}, f.id + ": " + f.subject + " \\u2192 " + f.object), el("p", {}, f.message), ...(accepted ? [el("p", {}, accepted)] : []), el("ul", {}, ...f.evidence.map(e => el("li", {}, e))), el("p", {}, "Fix:"), el("pre", {}, f.remediation));
    });
    return row;
  });
}
const scope = a => [a.tenant !== undefined ? "tenant " + a.tenant : "", a.namespace !== undefined ? "namespace " + a.namespace : "", a.resource ? a.resource.kind + " " + (a.resource.namespace ? a.resource.namespace + "/" : "") + a.resource.name : ""].filter(Boolean).join(", ") || "every finding of the id";
document.querySelector("#acceptances tbody").replaceChildren(...(report.acceptances.length ? report.acceptances.map(a => el("tr", { class: "acceptance" }, el("td", {}, a.id), el("td", {}, scope(a)), el("td", { class: a.status === "accepted" ? "accepted" : "expired" }, a.status), el("td", {}, String(a.findings)), el("td", {}, a.owner), el("td", {}, a.expires || "-"), el("td", {}, a.status === "invalid" ? a.problem : a.reason))) : [el("tr", {}, el("td", { colspan: "7" }, "No accepted risks."))]));
document.getElementById("filter").addEventListener("input", renderFindings);
document.getElementById("severity").addEventListener("change", renderFindings);
renderFindings();
document.body.dataset.ready = "true";
});
`;
