/**
 * The audit as PolicyReports (src/controller/policy-reports.ts) and what to write of them
 * (src/controller/reconcile.ts): one report per tenant namespace and a ClusterPolicyReport, one result per finding,
 * accepted findings as `skip`, no report over the size limit, and no write for a report that did not change.
 */
import { describe, expect, it } from "vitest";
import { breachCells, breachEvent, breachesOf } from "../../src/controller/events.js";
import { MANAGED_BY_LABEL, policyReports } from "../../src/controller/policy-reports.js";
import { type ExistingReport, reconcileReports } from "../../src/controller/reconcile.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { loadDemo } from "../../src/sources/demo.js";
import { runAudit } from "../../src/tenancy/audit.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";

const AT = new Date("2027-03-01T12:00:00Z");
const demo = withBuiltinRbac(loadDemo().snapshot);
const tenancy = resolveTenants(demo, { from: "namespace" }).tenancy;
const report = runAudit(demo, tenancy, { now: AT });

describe("PolicyReports of an audit", () => {
  const reports = policyReports(report);

  it("one PolicyReport per tenant namespace, scoped to it, and one ClusterPolicyReport", () => {
    const tenantNamespaces = tenancy.tenants
      .filter((t) => !t.platform)
      .flatMap((t) => t.namespaces)
      .sort();
    const namespaced = reports.filter((r) => r.kind === "PolicyReport");
    expect(namespaced.map((r) => r.metadata.namespace)).toEqual(tenantNamespaces);
    for (const r of namespaced)
      expect(r.scope).toEqual({ apiVersion: "v1", kind: "Namespace", name: r.metadata.namespace });
    expect(reports.filter((r) => r.kind === "ClusterPolicyReport").map((r) => r.metadata.name)).toEqual([
      "kubefence",
    ]);
    for (const r of reports) expect(r.metadata.labels[MANAGED_BY_LABEL]).toBe("kubefence");
  });

  it("one result per finding, with its id, severity, object and evidence; three isolation results per namespace", () => {
    const results = reports.flatMap((r) => r.results);
    const findings = results.filter((r) => r.policy !== "kubefence.isolation");
    expect(findings).toHaveLength(report.findings.length);
    const isolation = results.filter((r) => r.policy === "kubefence.isolation");
    expect(isolation).toHaveLength(3 * reports.filter((r) => r.kind === "PolicyReport").length);
    const f = report.findings.find((x) => x.evidence.length > 0 && x.resource)!;
    const r = findings.find((x) => x.policy === f.id && x.message === f.message)!;
    expect(r).toMatchObject({
      source: "kubefence",
      rule: f.id,
      severity: f.severity,
      category: `${f.plane} plane`,
    });
    expect(r.resources?.[0]).toMatchObject({ kind: f.resource!.kind, name: f.resource!.name });
    expect(f.evidence.map((_, i) => r.properties![`evidence.${i + 1}`])).toEqual(f.evidence);
    for (const x of findings) expect(x.result).toBe(x.severity === "info" ? "warn" : "fail");
    // The demo's bob reads pods in every namespace: some tenant's API-plane isolation fails.
    expect(isolation.some((x) => x.rule === "api-plane" && x.result === "fail")).toBe(true);
    // Each summary counts its own results.
    for (const rep of reports)
      expect(
        rep.summary.fail + rep.summary.pass + rep.summary.warn + rep.summary.error + rep.summary.skip,
      ).toBe(rep.results.length);
  });

  it("an accepted finding is a skip result, with its acceptance shown", () => {
    const f = report.findings[0]!;
    const accepted = {
      ...report,
      findings: [
        {
          ...f,
          acceptance: {
            status: "accepted" as const,
            reason: "tracked in TICKET-1",
            owner: "platform",
            source: { kind: "tenants-file" as const, origin: { file: "t.yaml", line: 1, column: 1 } },
          },
        },
      ],
    };
    const [result] = policyReports(accepted)
      .flatMap((r) => r.results)
      .filter((r) => r.policy === f.id);
    expect(result).toMatchObject({
      result: "skip",
      properties: {
        "acceptance.status": "accepted",
        "acceptance.reason": "tracked in TICKET-1",
        "acceptance.owner": "platform",
      },
    });
  });

  it("splits results so that no report exceeds the limit, keeping every result once and in order", () => {
    const all = reports.flatMap((r) => r.results);
    const limit = 4_096;
    const split = policyReports(report, { maxBytes: limit });
    for (const r of split) expect(Buffer.byteLength(JSON.stringify(r))).toBeLessThanOrEqual(limit);
    expect(split.length).toBeGreaterThan(reports.length);
    const names = split.filter((r) => r.kind === "ClusterPolicyReport").map((r) => r.metadata.name);
    expect(names.slice(0, 3)).toEqual(["kubefence", "kubefence-2", "kubefence-3"]);
    expect(split.flatMap((r) => r.results)).toEqual(all);
  });
});

describe("reconcile", () => {
  const desired = policyReports(report);
  const existing = (): ExistingReport[] =>
    desired.map((r) => ({
      // The API server neither keeps key order nor omits what it adds.
      ...JSON.parse(JSON.stringify(r, Object.keys(r).sort())),
      metadata: { ...r.metadata, resourceVersion: "7", uid: "u" },
      scope: r.scope,
      summary: Object.fromEntries(Object.entries(r.summary).reverse()),
      results: r.results,
    }));

  it("writes nothing when every report is as wanted, key order aside", () => {
    expect(reconcileReports(desired, existing())).toEqual([]);
  });

  it("creates the missing, updates the changed (with its resourceVersion), deletes ours no longer wanted, and leaves others' alone", () => {
    const have = existing();
    const [first, second, ...rest] = have;
    const changed = { ...second!, results: [] };
    const stale: ExistingReport = {
      kind: "PolicyReport",
      metadata: { name: "kubefence-2", namespace: "gone", labels: { [MANAGED_BY_LABEL]: "kubefence" } },
    };
    const foreign: ExistingReport = {
      kind: "PolicyReport",
      metadata: { name: "kyverno", namespace: "gone", labels: {} },
    };
    const actions = reconcileReports(desired, [changed, ...rest, stale, foreign]);
    expect(actions.map((a) => [a.type, a.type === "delete" ? a.name : a.report.metadata.name])).toEqual([
      ["create", first!.metadata.name],
      ["update", second!.metadata.name],
      ["delete", "kubefence-2"],
    ]);
    expect(actions[1]).toMatchObject({ resourceVersion: "7" });
  });
});

describe("breach Events", () => {
  it("one per breach, about the reached tenant's PolicyReport in its namespace, with the evidence", () => {
    const breaches = breachesOf(report);
    expect(breaches.size).toBeGreaterThan(0);
    const cells = breachCells(report, new Set(breaches.keys()));
    // Every stored breach, and its evidence, found again from its ends.
    expect(cells.map((c) => [c.plane, c.from, c.to])).toEqual(
      [...breaches.values()].map((b) => [b.plane, b.from, b.to]),
    );
    for (const cell of cells) {
      expect(cell.evidence.length).toBeGreaterThan(0);
      const event = breachEvent(cell, report, AT);
      expect(event).toMatchObject({ reason: "IsolationBreach", type: "Warning", count: 1 });
      if (cell.to === "*") expect(event.metadata.namespace).toBe("default");
      else {
        const ns = report.tenants.find((t) => t.name === cell.to)!.namespaces[0];
        expect(event.metadata.namespace).toBe(ns);
        expect(event.involvedObject).toEqual({
          apiVersion: "wgpolicyk8s.io/v1alpha2",
          kind: "PolicyReport",
          name: "kubefence",
          namespace: ns,
        });
      }
      expect(event.message.length).toBeLessThanOrEqual(1024);
      expect(event.message).toContain(`on the ${cell.plane} plane`);
    }
  });
});
