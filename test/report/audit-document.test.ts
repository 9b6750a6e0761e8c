import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { generateCluster, SIZES } from "../../bench/generate.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { writeAuditDocument } from "../../src/report/audit-document.js";
import { loadDemo } from "../../src/sources/demo.js";
import { type AuditReport, matrixView, runAudit } from "../../src/tenancy/audit.js";
import { NO_TENANT } from "../../src/tenancy/matrix.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";

function audit(snapshot: ReturnType<typeof loadDemo>["snapshot"], fullMatrix = false): AuditReport {
  const withRbac = withBuiltinRbac(snapshot);
  return runAudit(withRbac, resolveTenants(withRbac, { from: "namespace" }).tenancy, { fullMatrix });
}

function written(report: AuditReport, format: "json" | "yaml"): { text: string; chunks: number } {
  const chunks: string[] = [];
  writeAuditDocument(report, { load: { files: 1 } }, format, (chunk) => chunks.push(chunk));
  return { text: chunks.join(""), chunks: chunks.length };
}

describe("writeAuditDocument", () => {
  // The demo's every pair (--full-matrix), and 102 namespaces, one tenant each, as breaches with "*" ends.
  const demo = audit(loadDemo().snapshot, true);
  const generated = audit(generateCluster(SIZES.small));

  it("writes the same JSON, byte for byte, as JSON.stringify of the whole document", () => {
    for (const report of [demo, generated]) {
      const expected = `${JSON.stringify({ ...report, load: { files: 1 } }, null, 2)}\n`;
      expect(written(report, "json").text).toBe(expected);
    }
    expect(generated.matrixForm).toBe("breaches");
    expect(demo.matrixForm).toBe("full");
  });

  it("lists only breaches by default, a row-wide or column-wide one once; the full form says the same of every pair", () => {
    const sparse = audit(loadDemo().snapshot);
    expect(sparse.matrixForm).toBe("breaches");
    const cells = sparse.matrix.list();
    expect(cells.every((c) => c.verdict === "breach")).toBe(true);
    // bob's ClusterRoleBinding reaches every column: one entry, not one per tenant.
    expect(cells.filter((c) => c.plane === "api").map((c) => [c.from, c.to])).toEqual([["(no tenant)", "*"]]);
    // Every pair's verdict reads the same from both forms.
    for (const full of demo.matrix.list()) {
      const [same] = sparse.matrix.pair(full.from, full.to).filter((c) => c.plane === full.plane);
      expect([full.from, full.to, full.plane, same?.verdict, same?.evidence]).toEqual([
        full.from,
        full.to,
        full.plane,
        full.verdict,
        full.evidence,
      ]);
    }
    expect(demo.matrix.list().length).toBeGreaterThan(4 * cells.length);
  });

  it("writes a column most rows reach as one entry, except the rows that do not; it expands to exactly the full matrix's breaches", () => {
    // Generated clusters where some namespaces accept every source, but not every source may send.
    for (const seed of [1, 2, 3]) {
      const snapshot = generateCluster({ ...SIZES.small, seed });
      const sparse = audit(snapshot);
      const full = audit(snapshot, true);
      const doc = JSON.parse(written(sparse, "json").text) as {
        rows: string[];
        tenants: { name: string }[];
        matrix: { from: string; to: string; plane: string; evidence: string[]; except?: string[] }[];
      };
      // The full matrix's breaches, each with its own chain.
      const chains = new Map<string, string>();
      for (const c of full.matrix.cells())
        if (c.verdict === "breach") chains.set(`${c.plane} ${c.from} ${c.to}`, JSON.stringify(c.evidence));
      const columns = doc.tenants.map((t) => t.name);
      const expanded = new Set<string>();
      for (const entry of doc.matrix) {
        const except = new Set(entry.except ?? []);
        const froms =
          entry.from === "*" ? doc.rows.filter((r) => r !== NO_TENANT && !except.has(r)) : [entry.from];
        const tos = entry.to === "*" ? columns.filter((c) => !except.has(c)) : [entry.to];
        const pairs: string[] = [];
        for (const from of froms)
          for (const to of tos) if (from !== to) pairs.push(`${entry.plane} ${from} ${to}`);
        for (const pair of pairs) expanded.add(pair);
        // An entry's chain is the full matrix's chain of one pair it stands for (its own, for a single pair).
        expect(pairs.some((pair) => chains.get(pair) === JSON.stringify(entry.evidence))).toBe(true);
      }
      expect(expanded).toEqual(new Set(chains.keys()));
      expect(doc.matrix.some((e) => (e.except?.length ?? 0) > 0)).toBe(true);
      // Fewer entries than the breaches as stored (which list such a column pair by pair).
      expect(doc.matrix.length).toBeLessThan([...sparse.matrix.stored()].length);
    }
  });

  it("writes YAML that reads back as the same document", () => {
    for (const report of [demo, generated]) {
      const doc = parse(written(report, "yaml").text);
      expect(doc).toEqual(JSON.parse(JSON.stringify({ ...report, load: { files: 1 } })));
    }
  });

  it("writes an empty matrix as an empty list", () => {
    const empty: AuditReport = { ...demo, matrix: matrixView(() => []) };
    expect(JSON.parse(written(empty, "json").text).matrix).toEqual([]);
    expect(parse(written(empty, "yaml").text).matrix).toEqual([]);
  });

  it("hands the document over in chunks, not as one string", () => {
    const { text, chunks } = written(generated, "json");
    expect(text.length).toBeGreaterThan(1 << 20);
    expect(chunks).toBeGreaterThan(1);
  });
});
