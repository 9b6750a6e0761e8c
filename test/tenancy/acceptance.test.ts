/**
 * Accepted risks: the tenants file's accepted: section and kubefence.io/accept annotations mark findings
 * accepted, never hide them; an expired acceptance fails again; one that matches nothing is a finding.
 */
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/model/finding.js";
import { originOf } from "../../src/model/origin.js";
import type { Snapshot } from "../../src/model/snapshot.js";
import { withBuiltinRbac } from "../../src/rbac/builtin.js";
import { renderAuditText } from "../../src/report/audit-text.js";
import { renderHtml } from "../../src/report/html.js";
import { renderSarif } from "../../src/report/sarif.js";
import { loadDemo } from "../../src/sources/demo.js";
import { parseTenantConfig } from "../../src/sources/tenants-file.js";
import { applyAcceptances, expiryInstant, parseInstant } from "../../src/tenancy/acceptance.js";
import { type AuditOptions, runAudit } from "../../src/tenancy/audit.js";
import type { Acceptance } from "../../src/tenancy/config.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";

const NOW = new Date("2027-03-01T12:00:00Z");
const demo = () => withBuiltinRbac(loadDemo().snapshot);
const tenancyOf = (snapshot: Snapshot) => resolveTenants(snapshot, { from: "namespace" }).tenancy;
const audit = (snapshot: Snapshot, options: AuditOptions) => runAudit(snapshot, tenancyOf(snapshot), options);

const SOURCE = { kind: "tenants-file" as const, origin: { file: "tenants.yaml", line: 3, column: 5 } };
const accept = (extra: Partial<Acceptance> & { id: string }): Acceptance => ({
  reason: "known and tracked",
  owner: "platform-team",
  source: SOURCE,
  ...extra,
});
const byId = (findings: Finding[], id: string) => findings.filter((f) => f.id === id);
const status = (findings: Finding[]) => findings.map((f) => f.acceptance?.status ?? "open");

/** The demo with annotations on bob's ClusterRoleBinding (set in place: a copy would lose its origin). */
function annotated(annotations: Record<string, string>): Snapshot {
  const snapshot = demo();
  snapshot.clusterRoleBindings.find((b) => b.metadata.name === "pod-reader-binding")!.metadata.annotations =
    annotations;
  return snapshot;
}

describe("matching an acceptance to findings", () => {
  it("an id alone accepts every finding of the id, and no other", () => {
    const report = audit(demo(), { accepted: [accept({ id: "network.no-default-deny-ingress" })], now: NOW });
    const matched = byId(report.findings, "network.no-default-deny-ingress");
    expect(matched.length).toBe(4);
    expect(status(matched)).toEqual(["accepted", "accepted", "accepted", "accepted"]);
    expect(report.findings.filter((f) => f.acceptance && f.id !== "network.no-default-deny-ingress")).toEqual(
      [],
    );
    expect(report.summary.acceptance).toEqual({ accepted: 4, expired: 0 });
    expect(report.acceptances.map((a) => [a.status, a.findings])).toEqual([["accepted", 4]]);
  });

  it("accepted findings stay in the report and in the severity counts: accepting never hides", () => {
    const plain = audit(demo(), { now: NOW });
    const accepted = audit(demo(), { accepted: [accept({ id: "node.takeover" })], now: NOW });
    expect(accepted.findings.length).toBe(plain.findings.length);
    expect(accepted.summary.findings).toEqual(plain.summary.findings);
  });

  it("a namespace narrows to findings in it; a Namespace finding is in itself", () => {
    const report = audit(demo(), {
      accepted: [accept({ id: "network.no-default-deny-ingress", namespace: "default" })],
      now: NOW,
    });
    const matched = byId(report.findings, "network.no-default-deny-ingress");
    expect(matched.filter((f) => f.acceptance).map((f) => f.resource?.name)).toEqual(["default"]);
  });

  it("a tenant narrows to findings in the tenant's namespaces", () => {
    const report = audit(demo(), {
      accepted: [accept({ id: "network.cross-namespace", tenant: "default" })],
      now: NOW,
    });
    const matched = byId(report.findings, "network.cross-namespace").filter((f) => f.acceptance);
    expect(matched.map((f) => f.resource?.name).sort()).toEqual(["alpine", "nginx-default"]);
  });

  it("a resource narrows to findings about that object: kind, name and namespace all equal", () => {
    const nginx = { kind: "Pod", namespace: "network", name: "nginx" };
    const report = audit(demo(), {
      accepted: [
        accept({ id: "network.cross-namespace", resource: nginx }),
        // Same name, wrong namespace: matches nothing.
        accept({ id: "network.cross-namespace", resource: { ...nginx, namespace: "default" } }),
      ],
      now: NOW,
    });
    const matched = byId(report.findings, "network.cross-namespace").filter((f) => f.acceptance);
    expect(matched.map((f) => f.resource)).toEqual([nginx]);
    expect(report.acceptances.map((a) => a.status)).toEqual(["accepted", "unused"]);
  });

  it("a ServiceAccount subject's namespace is the namespace of a finding about a cluster-scoped object", () => {
    const snapshot = demo();
    snapshot.clusterRoleBindings.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "robot-reads-pods" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "pod-reader" },
      subjects: [{ kind: "ServiceAccount", namespace: "network", name: "robot" }],
    });
    const report = audit(snapshot, {
      accepted: [accept({ id: "rbac.cluster-wide-namespaced-access", namespace: "network" })],
      now: NOW,
    });
    const matched = byId(report.findings, "rbac.cluster-wide-namespaced-access");
    expect(matched.map((f) => [f.subject, f.acceptance?.status ?? "open"])).toEqual([
      ["User:bob", "open"],
      ["ServiceAccount:network/robot", "accepted"],
    ]);
  });

  it("without a time to judge expiries at, nothing is accepted (engines read no clock)", () => {
    const report = audit(demo(), { accepted: [accept({ id: "node.takeover" })] });
    expect(report.findings.filter((f) => f.acceptance)).toEqual([]);
    expect(report.acceptances).toEqual([]);
  });
});

describe("expiry", () => {
  const at = (now: string, expires: string) =>
    status(
      byId(
        audit(demo(), { accepted: [accept({ id: "node.takeover", expires })], now: new Date(now) }).findings,
        "node.takeover",
      ),
    )[0];

  it.each([
    ["2027-06-30T23:59:59Z", "2027-06-30", "accepted", "a date holds through its last second, UTC"],
    ["2027-07-01T00:00:00Z", "2027-06-30", "expired", "and ends at the next midnight UTC"],
    ["2027-06-30T11:59:59Z", "2027-06-30T12:00:00Z", "accepted", "a date-time holds until that instant"],
    ["2027-06-30T12:00:00Z", "2027-06-30T12:00:00Z", "expired", "and ends at it"],
    ["2027-06-30T10:30:00Z", "2027-06-30T12:00:00+02:00", "expired", "an offset is honoured (10:00Z)"],
  ])("at %s, expiring %s: %s (%s)", (now, expires, expected) => {
    expect(at(now, expires)).toBe(expected);
  });

  it("an expired acceptance leaves the finding failing, marked expired and counted", () => {
    const report = audit(demo(), {
      accepted: [accept({ id: "node.takeover", expires: "2027-01-31" })],
      now: NOW,
    });
    const takeover = byId(report.findings, "node.takeover");
    expect(status(takeover)).toEqual(["expired", "expired", "expired"]);
    expect(takeover[0]!.acceptance).toMatchObject({ status: "expired", expires: "2027-01-31" });
    expect(report.summary.acceptance).toEqual({ accepted: 0, expired: 3 });
    expect(report.acceptances[0]).toMatchObject({ status: "expired", findings: 3 });
  });

  it("a live acceptance wins over an expired one of the same finding", () => {
    const report = audit(demo(), {
      accepted: [
        accept({ id: "node.takeover", expires: "2027-01-31", reason: "old" }),
        accept({ id: "node.takeover", expires: "2027-12-31", reason: "renewed" }),
      ],
      now: NOW,
    });
    const takeover = byId(report.findings, "node.takeover");
    expect(takeover.map((f) => [f.acceptance?.status, f.acceptance?.reason])).toEqual([
      ["accepted", "renewed"],
      ["accepted", "renewed"],
      ["accepted", "renewed"],
    ]);
    expect(report.acceptances.map((a) => [a.status, a.findings])).toEqual([
      ["expired", 3],
      ["accepted", 3],
    ]);
  });

  it.each([
    ["2027-06-30", "2027-07-01T00:00:00.000Z"],
    ["2028-02-29", "2028-03-01T00:00:00.000Z"],
    ["2027-06-30T12:00:00Z", "2027-06-30T12:00:00.000Z"],
    ["2027-06-30t12:00:00.5z", "2027-06-30T12:00:00.500Z"],
    ["2027-06-30T12:00:00-05:30", "2027-06-30T17:30:00.000Z"],
  ])("expiry %s ends at %s", (text, end) => {
    expect(expiryInstant(text)?.toISOString()).toBe(end);
  });

  it.each([
    ["2027-02-29", "not a leap year"],
    ["2027-13-01", "no month 13"],
    ["2027-06-31", "June has 30 days"],
    ["2027-06-30T24:00:00Z", "hour 24"],
    ["2027-06-30T12:00:00", "a date-time needs an offset"],
    ["30/06/2027", "not RFC 3339"],
    ["2027-6-30", "two-digit month"],
    ["", "empty"],
  ])("%j is no RFC 3339 expiry (%s)", (text) => {
    expect(expiryInstant(text)).toBeUndefined();
    expect(parseInstant(text)).toBeUndefined();
  });
});

describe("an acceptance that accepts nothing", () => {
  it("is a finding on the plane of the id it names, located where it was declared", () => {
    const report = audit(demo(), {
      accepted: [
        accept({ id: "rbac.impersonate" }),
        accept({ id: "network.cross-namespace", namespace: "no-such-namespace", expires: "2027-01-01" }),
      ],
      now: NOW,
    });
    const unused = report.findings.filter((f) => f.id.endsWith(".unused-acceptance"));
    expect(unused.map((f) => [f.id, f.plane, f.severity, f.subject, f.object])).toEqual([
      ["rbac.unused-acceptance", "api", "low", "acceptance of rbac.impersonate", "every finding of the id"],
      [
        "network.unused-acceptance",
        "network",
        "low",
        "acceptance of network.cross-namespace",
        "namespace no-such-namespace",
      ],
    ]);
    expect(unused[0]!.message).toBe(
      "the acceptance of rbac.impersonate (tenants file tenants.yaml:3:5) matches no finding: remove it once its risk is fixed, or correct its id or scope",
    );
    expect(unused[1]!.message).toContain("matches no finding (and expired 2027-01-01)");
    expect(unused[0]!.origin).toEqual(SOURCE.origin);
    expect(unused[0]!.evidence).toEqual([
      "declared: tenants file tenants.yaml:3:5",
      "reason: known and tracked",
      "owner: platform-team",
    ]);
    expect(report.acceptances.map((a) => a.status)).toEqual(["unused", "unused"]);
  });
});

describe("kubefence.io/accept annotations", () => {
  const valid = {
    "kubefence.io/accept": "rbac.cluster-wide-namespaced-access",
    "kubefence.io/accept-reason": "bob audits pods for the platform",
    "kubefence.io/accept-owner": "security@example.com",
    "kubefence.io/accept-expires": "2027-12-31",
  };

  it("accept the finding about the annotated object, with reason, owner and expiry", () => {
    const snapshot = annotated(valid);
    const binding = snapshot.clusterRoleBindings.find((b) => b.metadata.name === "pod-reader-binding")!;
    expect(originOf(binding)).toBeDefined();
    const report = audit(snapshot, { now: NOW });
    const [finding] = byId(report.findings, "rbac.cluster-wide-namespaced-access");
    expect(finding!.acceptance).toEqual({
      status: "accepted",
      reason: "bob audits pods for the platform",
      owner: "security@example.com",
      expires: "2027-12-31",
      source: {
        kind: "annotation",
        object: { kind: "ClusterRoleBinding", name: "pod-reader-binding" },
        origin: originOf(binding),
      },
    });
  });

  it("name several ids, comma-separated; an id whose finding is about another object is unused", () => {
    const report = audit(
      annotated({ ...valid, "kubefence.io/accept": "rbac.cluster-wide-namespaced-access, node.takeover" }),
      { now: NOW },
    );
    expect(report.acceptances.map((a) => [a.id, a.status])).toEqual([
      ["rbac.cluster-wide-namespaced-access", "accepted"],
      ["node.takeover", "unused"],
    ]);
    expect(status(byId(report.findings, "node.takeover"))).toEqual(["open", "open", "open"]);
    const unused = byId(report.findings, "node.unused-acceptance");
    expect(unused.map((f) => [f.object, f.resource])).toEqual([
      ["ClusterRoleBinding pod-reader-binding", { kind: "ClusterRoleBinding", name: "pod-reader-binding" }],
    ]);
  });

  it.each([
    [{ "kubefence.io/accept-reason": "" }, "kubefence.io/accept-reason is missing"],
    [{ "kubefence.io/accept-owner": " " }, "kubefence.io/accept-owner is missing"],
    [
      { "kubefence.io/accept-expires": "next year" },
      'kubefence.io/accept-expires "next year" is not an RFC 3339 date (2027-06-30) or date-time (2027-06-30T12:00:00Z)',
    ],
    [
      { "kubefence.io/accept": "rbac.no-such-rule" },
      '"rbac.no-such-rule" is no finding id (kubefence rules lists them)',
    ],
    [{ "kubefence.io/accept": " , " }, "kubefence.io/accept names no finding id"],
  ])("that cannot be used (%j) accept nothing and are a finding: %s", (change, problem) => {
    const report = audit(annotated({ ...valid, ...change }), { now: NOW });
    expect(status(byId(report.findings, "rbac.cluster-wide-namespaced-access"))).toEqual(["open"]);
    expect(report.acceptances).toMatchObject([{ status: "invalid", findings: 0, problem }]);
    const unused = byId(report.findings, "rbac.unused-acceptance");
    expect(unused.map((f) => f.message)).toEqual([
      expect.stringContaining(
        `(annotation on ClusterRoleBinding pod-reader-binding) cannot be used: ${problem}`,
      ),
    ]);
  });

  it("are read with Object.hasOwn: an inherited key is no annotation", () => {
    const report = audit(
      annotated(Object.create({ "kubefence.io/accept": "rbac.cluster-wide-namespaced-access" })),
      {
        now: NOW,
      },
    );
    expect(report.acceptances).toEqual([]);
  });
});

describe("the tenants file's accepted: section", () => {
  const file = (accepted: string) =>
    parseTenantConfig(
      `apiVersion: kubefence.io/v1alpha1
kind: TenantConfig
tenants:
  - name: team-a
    namespaces: [team-a]
accepted:
${accepted}`,
      "tenants.yaml",
    );

  it("reads each entry with its scope and the line it is on", () => {
    const { config, diagnostics } = file(`  - id: node.takeover
    tenant: team-a
    namespace: team-a
    resource: {kind: Pod, namespace: team-a, name: agent}
    reason: the agent is the node's monitoring
    owner: team-a-leads
    expires: 2027-06-30
`);
    expect(diagnostics).toEqual([]);
    expect(config!.accepted).toEqual([
      {
        id: "node.takeover",
        tenant: "team-a",
        namespace: "team-a",
        resource: { kind: "Pod", namespace: "team-a", name: "agent" },
        reason: "the agent is the node's monitoring",
        owner: "team-a-leads",
        expires: "2027-06-30",
        source: { kind: "tenants-file", origin: { file: "tenants.yaml", line: 7, column: 5 } },
      },
    ]);
  });

  it.each([
    [
      "  - {id: rbac.nope, reason: r, owner: o}",
      "accepted.0.id",
      'id must be a finding id (kubefence rules lists them), got "rbac.nope"',
    ],
    [
      "  - {id: node.takeover, owner: o}",
      "accepted.0.reason",
      "reason is required: an accepted risk says why, and who answers for it",
    ],
    [
      "  - {id: node.takeover, reason: r, owner: ''}",
      "accepted.0.owner",
      "owner is required: an accepted risk says why, and who answers for it",
    ],
    [
      "  - {id: node.takeover, reason: r, owner: o, expires: 2027-02-30}",
      "accepted.0.expires",
      'expires must be an RFC 3339 date (2027-06-30) or date-time (2027-06-30T12:00:00Z), got "2027-02-30"',
    ],
    [
      "  - {id: node.takeover, reason: r, owner: o, expiry: 2027-06-30}",
      "accepted.0.expiry",
      'unknown field "expiry"; an accepted risk has id, tenant, namespace, resource, reason, owner, expires',
    ],
    [
      "  - {id: node.takeover, reason: r, owner: o, tenant: team-b}",
      "accepted.0.tenant",
      'tenant "team-b" is not a tenant of this file (nor "platform")',
    ],
    [
      "  - {id: node.takeover, reason: r, owner: o, resource: {kind: Pod}}",
      "accepted.0.resource",
      "resource must be {kind, name[, namespace]}",
    ],
    [
      "  {id: node.takeover}",
      "accepted",
      "accepted must be a list of {id, reason, owner[, expires, tenant, namespace, resource]}",
    ],
  ])("rejects %s at %s", (entry, field, message) => {
    const { config, diagnostics } = file(entry);
    expect(config).toBeUndefined();
    expect(diagnostics).toMatchObject([
      { severity: "error", field, message, origin: { file: "tenants.yaml", line: 7 } },
    ]);
  });
});

interface SarifResult {
  ruleId: string;
  message: { text: string };
  suppressions?: unknown[];
  properties: { acceptance?: { status: string } };
}

describe("every output shows the acceptance", () => {
  const report = audit(demo(), {
    accepted: [
      accept({ id: "rbac.cluster-wide-namespaced-access", expires: "2027-12-31" }),
      accept({
        id: "node.takeover",
        resource: { kind: "Pod", namespace: "default", name: "busybox" },
        expires: "2027-01-31",
      }),
    ],
    now: NOW,
  });

  it("the table marks the finding and says why, until when, by whom, and where it was declared", () => {
    const text = renderAuditText(report, { width: 400, details: true });
    expect(text).toContain("; 1 accepted, 1 whose acceptance expired\n");
    expect(text).toMatch(
      /MEDIUM {3}rbac\.cluster-wide-namespaced-access {2}User:bob -> every namespace {2}ACCEPTED\n/,
    );
    expect(text).toContain(
      "         accepted: known and tracked (owner platform-team, until 2027-12-31; tenants file tenants.yaml:3:5)\n",
    );
    expect(text).toMatch(/CRITICAL node\.takeover {2}default\/busybox\[Pod\] -> .* {2}ACCEPTANCE EXPIRED\n/);
    expect(text).toContain(
      "         acceptance expired: known and tracked (owner platform-team, expired 2027-01-31; tenants file tenants.yaml:3:5)\n",
    );
    expect(text).not.toContain("Accepted risks");
    const listed = renderAuditText(report, { width: 400, showAccepted: true });
    expect(listed.slice(listed.indexOf("\nAccepted risks\n"))).toBe(`
Accepted risks

ACCEPTED rbac.cluster-wide-namespaced-access  every finding of the id
         known and tracked
         owner platform-team, expires 2027-12-31, 1 finding, declared in tenants file tenants.yaml:3:5
EXPIRED  node.takeover  Pod default/busybox
         known and tracked
         owner platform-team, expired 2027-01-31, 1 finding, declared in tenants file tenants.yaml:3:5
`);
  });

  it("SARIF suppresses the accepted result (kind external, with the justification), not the expired one", () => {
    const sarif = JSON.parse(renderSarif(report.findings, { version: "0", baseDir: "/" }));
    const results = sarif.runs[0].results as SarifResult[];
    const accepted = results.filter((r) => r.suppressions);
    expect(accepted.map((r) => r.ruleId)).toEqual(["rbac.cluster-wide-namespaced-access"]);
    expect(accepted[0]!.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "known and tracked",
        properties: {
          status: "accepted",
          reason: "known and tracked",
          owner: "platform-team",
          expires: "2027-12-31",
          declared: "tenants file tenants.yaml:3:5",
        },
      },
    ]);
    const expired = results.find(
      (r) => r.ruleId === "node.takeover" && r.properties.acceptance?.status === "expired",
    )!;
    expect(expired.suppressions).toBeUndefined();
    expect(expired.message.text).toContain(
      "\n\nAcceptance expired 2027-01-31: known and tracked (owner platform-team; tenants file tenants.yaml:3:5)\n\n",
    );
    expect(results.length).toBe(report.findings.length);
  });

  it("HTML carries each finding's acceptance and the list of acceptances, and renders a status column", () => {
    const html = renderHtml(report);
    // The page's data is gzipped JSON, base64 (the browser decompresses it).
    const packed = /<script id="report" type="application\/gzip;base64">(.*?)<\/script>/s.exec(html)![1]!;
    const data = JSON.parse(gunzipSync(Buffer.from(packed, "base64")).toString("utf8"));
    expect(
      data.findings.filter((f: Finding) => f.acceptance).map((f: Finding) => f.acceptance!.status),
    ).toEqual(["expired", "accepted"]);
    expect(data.acceptances.map((a: { status: string }) => a.status)).toEqual(["accepted", "expired"]);
    expect(html).toContain("<span>Status</span>");
    expect(html).toContain("<h2>Accepted risks</h2>");
  });

  it("JSON is the report: each finding's acceptance, the summary's counts, every acceptance", () => {
    const json = JSON.parse(JSON.stringify(report));
    expect(json.summary.acceptance).toEqual({ accepted: 1, expired: 1 });
    expect(json.acceptances.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([
      ["rbac.cluster-wide-namespaced-access", "accepted"],
      ["node.takeover", "expired"],
    ]);
  });
});

describe("the indexed matching", () => {
  it("chooses what a plain scan chooses: the first live matching acceptance, else the first expired one", () => {
    const snapshot = demo();
    const tenancy = tenancyOf(snapshot);
    const plain = runAudit(snapshot, tenancy, { now: NOW }).findings;
    const ids = [...new Set(plain.map((f) => f.id)), "rbac.impersonate"];
    const resources = plain.flatMap((f) => (f.resource ? [f.resource] : []));
    const namespaces = ["default", "network", "kube-system", "test-namespace", "elsewhere"];
    const tenants = tenancy.tenants.map((t) => t.name);
    const acceptance = fc.record({
      id: fc.constantFrom(...ids),
      tenant: fc.option(fc.constantFrom(...tenants), { nil: undefined }),
      namespace: fc.option(fc.constantFrom(...namespaces), { nil: undefined }),
      resource: fc.option(fc.constantFrom(...resources), { nil: undefined }),
      expires: fc.option(fc.constantFrom("2027-01-31", "2027-12-31"), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(acceptance, { maxLength: 12 }), (drafts) => {
        const accepted = drafts.map((d, i) =>
          accept({
            id: d.id,
            reason: `r${i}`,
            ...(d.tenant !== undefined ? { tenant: d.tenant } : {}),
            ...(d.namespace !== undefined ? { namespace: d.namespace } : {}),
            ...(d.resource ? { resource: d.resource } : {}),
            ...(d.expires !== undefined ? { expires: d.expires } : {}),
          }),
        );
        const report = applyAcceptances(plain, accepted, [], tenancy, NOW);
        const judged = report.findings.filter((f) => !f.id.endsWith(".unused-acceptance"));
        expect(judged.length).toBe(plain.length);
        judged.forEach((f, n) => {
          const original = plain[n]!;
          const namespace =
            original.resource?.namespace ??
            (original.resource?.kind === "Namespace" ? original.resource.name : undefined) ??
            /^ServiceAccount:([^/]+)\//.exec(original.subject)?.[1];
          const matching = accepted.filter(
            (a) =>
              a.id === original.id &&
              (a.namespace === undefined || a.namespace === namespace) &&
              (a.tenant === undefined ||
                (namespace !== undefined && tenancy.tenantOf.get(namespace) === a.tenant)) &&
              (!a.resource ||
                (original.resource?.kind === a.resource.kind &&
                  original.resource.name === a.resource.name &&
                  (original.resource.namespace ?? "") === (a.resource.namespace ?? ""))),
          );
          const live = matching.find((a) => a.expires !== "2027-01-31");
          const expected = live ?? matching[0];
          expect(f.acceptance?.reason).toBe(expected?.reason);
          expect(f.acceptance?.status).toBe(expected ? (live ? "accepted" : "expired") : undefined);
        });
        const used = new Set(report.acceptances.filter((a) => a.findings > 0).map((a) => a.reason));
        expect(report.findings.filter((f) => f.id.endsWith(".unused-acceptance")).length).toBe(
          accepted.length - used.size,
        );
      }),
      { numRuns: 200 },
    );
  });
});
