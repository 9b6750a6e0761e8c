/**
 * The default audit table fits a terminal (issue: the first hour): wrapped to the width, findings capped per
 * severity with the rest one flag away, a plane with nothing to judge says so, and the hints and warnings that
 * tell a newcomer the tenants may be grouped wrongly.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { FINDINGS_PER_SEVERITY, renderAuditText } from "../../src/report/audit-text.js";
import { wrapText } from "../../src/report/wrap.js";
import { buildSnapshot } from "../../src/sources/build.js";
import { loadDemo } from "../../src/sources/demo.js";
import { parseDocuments } from "../../src/sources/documents.js";
import { runAudit } from "../../src/tenancy/audit.js";
import { groupingHints } from "../../src/tenancy/hints.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";
import { runBuiltCli } from "../support/built-cli.js";

const codePoints = (line: string) => [...line].length;
const demo = withBuiltinRbac(loadDemo().snapshot);
const demoReport = runAudit(demo, resolveTenants(demo, { from: "namespace" }).tenancy);

function snapshotOf(yaml: string) {
  return buildSnapshot(parseDocuments(yaml, "fixture.yaml").documents, { synthesizeNamespaces: true })
    .snapshot;
}

describe("wrapText", () => {
  it("never makes a line wider than asked, and keeps every word in order", () => {
    const word = fc.string({ minLength: 1, maxLength: 30 }).filter((w) => !w.includes(" "));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 40 }), fc.integer({ min: 20, max: 120 }), (words, width) => {
        const lines = wrapText(words.join(" "), width, "  ", "    ");
        for (const line of lines) expect(codePoints(line)).toBeLessThanOrEqual(width);
        expect(lines[0]!.startsWith("  ")).toBe(true);
        for (const line of lines.slice(1)) expect(line.startsWith("    ")).toBe(true);
        const text = lines.map((l, i) => l.slice(i === 0 ? 2 : 4)).join("");
        expect(text.replace(/ /g, "")).toBe(words.join(""));
      }),
    );
  });
});

describe("the default audit table", () => {
  it("fits 100 columns, and 80, on the demo", () => {
    for (const width of [100, 80]) {
      const text = renderAuditText(demoReport, { width });
      for (const line of text.split("\n")) expect(codePoints(line), line).toBeLessThanOrEqual(width);
    }
  });

  it("shows the first findings of each severity, says how many more, and --details shows them all with evidence", () => {
    const high = demoReport.findings.filter((f) => f.severity === "high").length;
    expect(high).toBeGreaterThan(FINDINGS_PER_SEVERITY);
    const short = renderAuditText(demoReport);
    expect(short.match(/^HIGH {5}/gm)).toHaveLength(FINDINGS_PER_SEVERITY);
    expect(short).toContain(`… and ${high - FINDINGS_PER_SEVERITY} more high: --details, or -o json`);
    expect(short).not.toMatch(/^ +fix: /m);
    const details = renderAuditText(demoReport, { details: true });
    expect(details.match(/^HIGH {5}/gm)).toHaveLength(high);
    expect(details.match(/^ +fix: /gm)).toHaveLength(demoReport.findings.length);
    expect(details).toContain("at examples/demo/20-workloads.yaml:76:1");
  });

  it("shows only the planes asked for, in the summary and the matrix", () => {
    const text = renderAuditText(demoReport, { planes: ["network"] });
    expect(text).toMatch(/^network\s+9\s+4\s+30%$/m);
    expect(text).not.toMatch(/^api\s/m);
    expect(text).toMatch(/^default\s+N\s+-\s+N\s+N$/m);
  });

  it("escapes cluster text in notes", () => {
    expect(renderAuditText(demoReport, { notes: ["hint: User:\u001b[2J"] })).toContain("User:^[[2J");
  });
});

describe("a plane with nothing to judge", () => {
  it("claims no percentage: one tenant has no pair to isolate", () => {
    const snapshot = snapshotOf(`
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: only }
spec: { containers: [{ name: c, image: nginx }] }
`);
    const report = runAudit(snapshot, resolveTenants(snapshot, { from: "namespace" }).tenancy);
    for (const plane of ["api", "network", "node"] as const) {
      expect(report.summary.planes[plane].cells).toBe(0);
      expect(report.summary.planes[plane].score).toBeNull();
    }
    expect(renderAuditText(report)).toMatch(/^network\s+0\s+0\s+nothing to judge$/m);
    expect(renderAuditText(report)).not.toContain("%");
  });
});

describe("tenants that look grouped wrongly", () => {
  const owners = `
apiVersion: v1
kind: Namespace
metadata: { name: shop-dev, labels: { team: shop } }
---
apiVersion: v1
kind: Namespace
metadata: { name: shop-prod, labels: { team: shop } }
---
apiVersion: v1
kind: Namespace
metadata: { name: blog, labels: { team: blog } }
${["shop-dev", "shop-prod"]
  .map(
    (ns) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: alice-edit, namespace: ${ns} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: User, name: alice }]`,
  )
  .join("\n")}
`;

  it("one owner of two namespaces: a hint names the label that would group them", () => {
    const snapshot = snapshotOf(owners);
    const hints = groupingHints(snapshot, resolveTenants(snapshot, { from: "namespace" }).tenancy);
    expect(hints).toEqual([
      "hint: User:alice is bound in 2 namespaces that are separate tenants (shop-dev, shop-prod); if they are one tenant, --tenant-label team groups namespaces by that label (these share team=shop).",
    ]);
    // Grouped by that label, the hint has nothing left to say.
    expect(groupingHints(snapshot, resolveTenants(snapshot, { from: "label", key: "team" }).tenancy)).toEqual(
      [],
    );
  });

  it("a --tenant-label no namespace carries is a warning naming the labels there are", () => {
    const snapshot = snapshotOf(owners);
    const { diagnostics } = resolveTenants(snapshot, { from: "label", key: "tem" });
    expect(diagnostics).toContainEqual({
      severity: "warning",
      message:
        "--tenant-label tem: no namespace has this label, so every namespace is a tenant of its own (namespace labels here: team)",
    });
  });
});

describe("kubefence audit, as run", () => {
  const env = { ...process.env, COLUMNS: "" };

  it("npm start (audit --demo) fits in 100 lines of at most 100 columns when the width is unknown", () => {
    const run = runBuiltCli(["audit", "--demo"], "", env);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    // npm adds four lines of its own around the command.
    expect(lines.length).toBeLessThanOrEqual(96);
    for (const line of lines) expect(codePoints(line), line).toBeLessThanOrEqual(100);
    expect(lines.at(-2)).toMatch(/^Next: kubefence fix --demo > fixes\.yaml/);
  });

  it("honours COLUMNS", () => {
    const run = runBuiltCli(["audit", "--demo"], "", { ...env, COLUMNS: "72" });
    const widest = Math.max(...run.stdout.split("\n").map(codePoints));
    expect(widest).toBeLessThanOrEqual(72);
    expect(widest).toBeGreaterThan(60);
  });

  it("--severity and --plane filter the findings of every format; --fail-on counts what is kept", () => {
    const json = runBuiltCli(["audit", "--demo", "-o", "json", "--plane", "network", "--severity", "high"]);
    const report = JSON.parse(json.stdout) as { findings: { plane: string; severity: string }[] };
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) expect([f.plane, f.severity]).toEqual(["network", "high"]);
    const gate = runBuiltCli(["audit", "--demo", "--plane", "api", "--fail-on", "high"]);
    expect(gate.code).toBe(0);
    const table = runBuiltCli(["audit", "--demo", "--severity", "critical"], "", env);
    expect(table.stdout.replace(/\n/g, " ")).toContain(
      "kubefence audit: 4 tenants, 23 findings (1 critical, 8 high, 5 medium, 7 low, 2 info); showing 1: --severity critical",
    );
  });

  it("refuses a severity or plane it does not know, with exit 2", () => {
    const run = runBuiltCli(["audit", "--demo", "--plane", "netwrok"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--plane netwrok: must be one of api, network, node");
  });
});
