/**
 * The finding-rule registry is the one source of what a rule is: every finding the engines report names a
 * registered rule of its plane, ids are unique, and the README's finding tables and `kubefence rules` output
 * say exactly what the registry holds.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SEVERITIES } from "../../src/model/finding.js";
import { renderRulesTable } from "../../src/report/rules.js";
import { renderSarif } from "../../src/report/sarif.js";
import { loadDemo } from "../../src/sources/demo.js";
import { runAudit } from "../../src/tenancy/audit.js";
import { RULES, ruleOf } from "../../src/tenancy/rules.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";
import { runBuiltCli } from "../support/built-cli.js";

const README = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
const PREFIX = { api: "rbac.", network: "network.", node: "node." } as const;

/** The first-column ids of every markdown table row under a heading, with the row's other cells. */
function tableRows(heading: string): { ids: string[]; cells: string[] }[] {
  const start = README.indexOf(heading);
  expect(start, heading).toBeGreaterThan(-1);
  const rest = README.slice(start + heading.length);
  const section = rest.slice(0, rest.search(/\n#{2,4} /));
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const cells = line.split(" | ").map((c) => c.replace(/^\| |\s*\|$/g, ""));
      return {
        ids: [...cells[0]!.matchAll(/`([a-z]+\.[a-z-]+)`/g)].map((m) => m[1]!),
        cells: cells.slice(1),
      };
    });
}

describe("finding rule registry", () => {
  it("holds unique ids, each prefixed by its plane, each fully documented", () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id.startsWith(PREFIX[rule.plane]), rule.id).toBe(true);
      expect(SEVERITIES).toContain(rule.severity);
      for (const text of [rule.title, rule.description, rule.help, rule.remediation])
        expect(text.length, rule.id).toBeGreaterThan(10);
      expect(rule.references.length, rule.id).toBeGreaterThan(0);
      for (const ref of rule.references) expect(ref, rule.id).toMatch(/^https:\/\//);
    }
  });

  it("names the rule of every finding the demo audit reports, on the rule's plane", () => {
    const { snapshot } = loadDemo();
    const report = runAudit(snapshot, resolveTenants(snapshot, { from: "namespace" }).tenancy);
    expect(report.findings.length).toBeGreaterThan(10);
    for (const finding of report.findings) {
      const rule = ruleOf(finding.id);
      expect(rule, finding.id).toBeDefined();
      expect(finding.plane).toBe(rule!.plane);
    }
  });

  it("is listed in the README's finding tables, plane by plane, and nothing else is", () => {
    const tables = {
      api: tableRows("### Risky permissions (in `audit`)"),
      network: tableRows("### Findings (for `audit`)"),
      node: tableRows("| id | when |\n|---|---|"),
    };
    for (const [plane, rows] of Object.entries(tables)) {
      const documented = new Set(rows.flatMap((r) => r.ids));
      const registered = RULES.filter((r) => r.plane === plane).map((r) => r.id);
      expect([...documented].sort(), plane).toEqual([...registered].sort());
    }
    // Where a table gives severities, the rule's default is among them.
    for (const row of [...tables.api, ...tables.network]) {
      const severities = row.cells.join(" ").match(/\b(critical|high|medium|low|info)\b/g) ?? [];
      for (const id of row.ids) expect(severities, id).toContain(ruleOf(id)!.severity);
    }
  });

  it("the README's `kubefence rules` output is the command's", () => {
    const shown = README.split("$ kubefence rules\n")[1]!.split("```")[0]!;
    expect(shown).toBe(renderRulesTable(RULES));
    const run = runBuiltCli(["rules"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(shown);
  });

  it("`kubefence rules -o json` carries every rule's documentation", () => {
    const run = runBuiltCli(["rules", "-o", "json"]);
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout) as { kind: string; rules: typeof RULES };
    expect(list.kind).toBe("RuleList");
    expect(list.rules).toEqual(RULES);
  });

  it("gives SARIF its rule metadata, and each result its own finding's level", () => {
    const { snapshot } = loadDemo();
    const report = runAudit(snapshot, resolveTenants(snapshot, { from: "namespace" }).tenancy);
    const run = JSON.parse(renderSarif(report.findings, { version: "0.0.0", baseDir: process.cwd() }))
      .runs[0];
    const takeover = run.tool.driver.rules.find((r: { id: string }) => r.id === "node.takeover");
    const rule = ruleOf("node.takeover")!;
    expect(takeover.shortDescription.text).toBe(rule.title);
    expect(takeover.fullDescription.text).toBe(rule.description);
    expect(takeover.help.text).toContain(rule.help);
    expect(takeover.defaultConfiguration.level).toBe("error");
    expect(takeover.properties.tags).toEqual(["security", "plane:node"]);
    // node.takeover is critical on busybox and low on platform pods: each result says its own.
    const levels = new Set(
      run.results
        .filter((r: { ruleId: string }) => r.ruleId === "node.takeover")
        .map((r: { level: string }) => r.level),
    );
    expect(levels).toEqual(new Set(["error", "note"]));
  });
});
