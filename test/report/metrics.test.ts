import { describe, expect, it } from "vitest";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { renderAuditMetrics } from "../../src/report/metrics.js";
import { loadDemo } from "../../src/sources/demo.js";
import { matrixView, runAudit } from "../../src/tenancy/audit.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";
import { runBuiltCli } from "../support/built-cli.js";

const snapshot = withBuiltinRbac(loadDemo().snapshot);
const SOURCE = { kind: "tenants-file" as const, origin: { file: "t.yaml", line: 1, column: 1 } };
const report = runAudit(snapshot, resolveTenants(snapshot, { from: "namespace" }).tenancy, {
  now: new Date("2027-03-01T00:00:00Z"),
  accepted: [
    {
      id: "node.takeover",
      resource: { kind: "Pod", namespace: "default", name: "busybox" },
      reason: "r",
      owner: "o",
      source: SOURCE,
    },
    { id: "network.no-default-deny-egress", reason: "r", owner: "o", expires: "2027-01-31", source: SOURCE },
    { id: "rbac.impersonate", reason: "r", owner: "o", source: SOURCE },
  ],
});

/** Samples by metric name: [labels text, value]. */
function samples(text: string): Map<string, [string, number][]> {
  const out = new Map<string, [string, number][]>();
  for (const line of text.trimEnd().split("\n")) {
    if (line.startsWith("#")) continue;
    const m = /^([a-z_]+)(\{.*\})? (\S+)$/.exec(line)!;
    const list = out.get(m[1]!) ?? [];
    list.push([m[2] ?? "", Number(m[3])]);
    out.set(m[1]!, list);
  }
  return out;
}

const LABEL = String.raw`[a-z_]+="(?:[^"\\\n]|\\\\|\\"|\\n)*"`;
const SAMPLE = new RegExp(String.raw`^([a-z_]+)(\{${LABEL}(,${LABEL})*\})? -?\d+(\.\d+)?$`);

function expectWellFormed(text: string) {
  expect(text.endsWith("\n")).toBe(true);
  const lines = text.trimEnd().split("\n");
  const typed = new Set<string>();
  lines.forEach((line, i) => {
    const type = /^# TYPE ([a-z_]+) (gauge|counter)$/.exec(line);
    if (type) {
      expect(lines[i - 1], line).toMatch(new RegExp(`^# HELP ${type[1]} \\S`));
      expect(typed.has(type[1]!), `${type[1]} typed twice`).toBe(false);
      typed.add(type[1]!);
      return;
    }
    if (line.startsWith("# HELP ")) return;
    const m = SAMPLE.exec(line);
    expect(m, line).not.toBeNull();
    expect(typed.has(m![1]!), `${m![1]} sampled before its TYPE`).toBe(true);
  });
}

describe("audit metrics", () => {
  const text = renderAuditMetrics(report);
  const series = samples(text);

  it("are well-formed exposition text", () => expectWellFormed(text));

  it("count breaches and affected tenants per plane as the report does", () => {
    for (const plane of ["api", "network", "node"] as const) {
      expect(series.get("kubefence_breaches")).toContainEqual([
        `{plane="${plane}"}`,
        report.summary.planes[plane].breaches,
      ]);
      expect(series.get("kubefence_tenants_affected")).toContainEqual([
        `{plane="${plane}"}`,
        report.summary.planes[plane].tenantsAffected,
      ]);
    }
    expect(report.summary.planes.api.breaches).toBeGreaterThan(0);
  });

  it("count findings by id, severity and acceptance: every finding once", () => {
    const findings = series.get("kubefence_findings")!;
    expect(findings.reduce((n, [, v]) => n + v, 0)).toBe(report.findings.length);
    expect(findings).toContainEqual(['{id="node.takeover",severity="critical",acceptance="accepted"}', 1]);
    expect(findings).toContainEqual([
      '{id="network.no-default-deny-egress",severity="low",acceptance="expired"}',
      4,
    ]);
    expect(findings).toContainEqual(['{id="rbac.unused-acceptance",severity="low",acceptance="open"}', 1]);
    const bySeverity = series.get("kubefence_findings_by_severity")!;
    expect(bySeverity).toContainEqual(['{severity="critical"}', 1]);
    expect(series.get("kubefence_acceptances")).toEqual([
      ['{status="accepted"}', 1],
      ['{status="expired"}', 1],
      ['{status="unused"}', 1],
      ['{status="invalid"}', 0],
    ]);
  });

  it("carry no per-pair series unless asked; asked, one per breach as the report lists them", () => {
    expect(series.has("kubefence_tenant_pair_breach")).toBe(false);
    const pairs = samples(renderAuditMetrics(report, { pairs: true })).get("kubefence_tenant_pair_breach")!;
    // The breaches form: a row-wide breach is one series with to="*".
    const breaches = report.matrix.list().filter((c) => c.verdict === "breach");
    expect(report.matrixForm).toBe("breaches");
    expect(pairs.length).toBe(breaches.length);
    expect(pairs).toContainEqual(['{from="(no tenant)",to="*",plane="api"}', 1]);
  });

  it("say when the input was last read in full, and how long ago", () => {
    const timed = samples(
      renderAuditMetrics(report, {
        lastFullSync: new Date("2027-03-01T00:00:00Z"),
        now: new Date("2027-03-01T00:01:30Z"),
      }),
    );
    expect(timed.get("kubefence_last_full_sync_timestamp_seconds")).toEqual([
      ["", Date.UTC(2027, 2, 1) / 1000],
    ]);
    expect(timed.get("kubefence_seconds_since_last_full_sync")).toEqual([["", 90]]);
    expect(series.has("kubefence_last_full_sync_timestamp_seconds")).toBe(false);
  });

  it("escape cluster-supplied label values (quote, backslash, newline)", () => {
    const hostile = 'a"b\\c\nd';
    const cells = [
      { from: hostile, to: "default", plane: "api" as const, verdict: "breach" as const, evidence: [] },
    ];
    const text = renderAuditMetrics({ ...report, matrix: matrixView(() => cells) }, { pairs: true });
    expectWellFormed(text);
    expect(text).toContain(
      'kubefence_tenant_pair_breach{from="a\\"b\\\\c\\nd",to="default",plane="api"} 1\n',
    );
  });
});

describe("audit -o prometheus", () => {
  it("writes the metrics, with per-pair series under --metrics-pairs", () => {
    const plain = runBuiltCli(["audit", "--demo", "-o", "prometheus"]);
    expect(plain.code, plain.stderr).toBe(0);
    expectWellFormed(plain.stdout);
    const series = samples(plain.stdout);
    expect(series.get("kubefence_breaches")).toContainEqual(['{plane="api"}', 4]);
    expect(series.get("kubefence_seconds_since_last_full_sync")![0]![1]).toBeLessThan(60);
    expect(series.has("kubefence_tenant_pair_breach")).toBe(false);
    const pairs = runBuiltCli(["audit", "--demo", "-o", "prometheus", "--metrics-pairs"]);
    const listed = (
      JSON.parse(runBuiltCli(["audit", "--demo", "-o", "json"]).stdout) as { matrix: unknown[] }
    ).matrix;
    expect(samples(pairs.stdout).get("kubefence_tenant_pair_breach")!.length).toBe(listed.length);
  });
});
