import { describe, expect, it } from "vitest";
import { blockedByLabel, renderVerifyTable } from "../../src/report/verify.js";
import { ATTEMPTS } from "../../src/verify/attempts/index.js";
import { attemptResult, planAttempts, tenantVerification, verifyReport } from "../../src/verify/report.js";
import type { VerifyTarget } from "../../src/verify/target.js";

const target: VerifyTarget = {
  tenant: "team-a",
  namespace: "team-a",
  actAs: { kind: "User", name: "alice" },
  foreign: { namespace: "team-b", owner: "team-b" },
};
const cluster = { server: "https://127.0.0.1:6443", context: "test" };
const forbidden = (message: string) => ({ status: 403, body: { kind: "Status", message } });

/** Every attempt answered as `answer(id)` says; delete-default-deny is n/a (no defaultDeny on the target). */
function reportWith(answer: (id: string) => { status: number; body: unknown }) {
  const results = planAttempts(target).map((p) =>
    "request" in p.planned ? attemptResult(p, answer(p.attempt.id)) : attemptResult(p),
  );
  return verifyReport(
    cluster,
    [tenantVerification(target, results)],
    [
      {
        tenant: "team-c",
        reason: "the tenants file names no owners for it, so there is no one to act as (add owners:)",
      },
    ],
  );
}

describe("verify report", () => {
  it("plans every registered attempt for the tenant", () => {
    expect(planAttempts(target).map((p) => p.attempt.id)).toEqual(ATTEMPTS.map((a) => a.id));
  });

  it("an accepted attempt or a missing protection means isolation does not hold", () => {
    const report = reportWith(() => ({ status: 201, body: {} }));
    expect(report.summary).toEqual({
      tenants: 1,
      notVerifiable: 1,
      attempts: 8,
      blocked: 0,
      accepted: 7,
      notApplicable: 1,
      contradictions: 0,
    });
    expect(report.isolated).toBe(false);
  });

  it("only a missing protection (n/a) still fails", () => {
    const report = reportWith(() =>
      forbidden('pods is forbidden: User "alice" cannot create resource "pods"'),
    );
    expect(report.summary).toMatchObject({ blocked: 7, accepted: 0, notApplicable: 1 });
    expect(report.isolated).toBe(false);
  });

  it("every attempt blocked: isolation holds", () => {
    const guarded = { ...target, defaultDeny: "default-deny-all" };
    const results = planAttempts(guarded).map((p) =>
      attemptResult(p, forbidden('x is forbidden: User "a" cannot y')),
    );
    const report = verifyReport(cluster, [tenantVerification(guarded, results)], []);
    expect(report.isolated).toBe(true);
  });

  it("says when attempts were blocked only because a webhook was down", () => {
    const guarded = { ...target, defaultDeny: "default-deny-all" };
    const results = planAttempts(guarded).map((p) =>
      attemptResult(p, {
        status: 500,
        body: {
          message:
            'Internal error occurred: failed calling webhook "w.example.com": context deadline exceeded',
        },
      }),
    );
    const text = renderVerifyTable(verifyReport(cluster, [tenantVerification(guarded, results)], []));
    expect(text).toContain("webhook w.example.com (unreachable, failed closed)");
    expect(text.trimEnd().split("\n").at(-1)).toBe(
      "1 tenant, 8 attempts: 8 blocked, 0 ACCEPTED. isolation holds: every attempt was blocked (8 blocked only because a webhook could not be called: check that it is running)",
    );
  });

  it("holds the audit's credit against the answer: accepted although credited is a contradiction", () => {
    const webhook = 'webhook validate.kubefence.io (ValidatingWebhookConfiguration "kubefence")';
    const guarded = { ...target, defaultDeny: "default-deny-all" };
    const results = planAttempts(guarded).map((p) =>
      attemptResult(
        p,
        p.attempt.id === "privileged-host-pod"
          ? { status: 201, body: {} }
          : forbidden('x is forbidden: User "a" cannot y'),
        p.attempt.creditedAs ? webhook : undefined,
      ),
    );
    const report = verifyReport(cluster, [tenantVerification(guarded, results)], []);
    const [hostPod, relabel] = ["privileged-host-pod", "pod-security-relabel"].map(
      (id) => report.tenants[0]!.attempts.find((a) => a.id === id)!,
    );
    expect(hostPod).toMatchObject({
      verdict: "accepted",
      credited: webhook,
      contradiction: `the audit credits ${webhook} with refusing this, but the server accepted it: check the webhook's settings and that its tenants file is the one audited`,
    });
    // Blocked as credited: nothing to say.
    expect(relabel).toMatchObject({ verdict: "blocked", credited: webhook });
    expect(relabel).not.toHaveProperty("contradiction");
    expect(report.summary.contradictions).toBe(1);
    expect(renderVerifyTable(report).trimEnd().split("\n").at(-1)).toBe(
      "1 tenant, 8 attempts: 7 blocked, 1 ACCEPTED. isolation is breakable: 1 attempt accepted; 1 attempt accepted although the audit credits kubefence enforcement with refusing it",
    );
  });

  it("records the request, the status, who blocked it and the server's words", () => {
    const report = reportWith((id) =>
      id === "node-port-service"
        ? forbidden(
            'services "kubefence-verify-node-port" is forbidden: exceeded quota: q, requested: services.nodeports=1, used: services.nodeports=0, limited: services.nodeports=0',
          )
        : { status: 201, body: {} },
    );
    const attempts = report.tenants[0]!.attempts;
    expect(attempts.find((a) => a.id === "node-port-service")).toEqual({
      id: "node-port-service",
      summary: "create a NodePort Service, which opens a port on every node",
      verdict: "blocked",
      blockedBy: "quota",
      request: { method: "POST", path: "/api/v1/namespaces/team-a/services?dryRun=All" },
      status: 403,
      message:
        'services "kubefence-verify-node-port" is forbidden: exceeded quota: q, requested: services.nodeports=1, used: services.nodeports=0, limited: services.nodeports=0',
    });
    expect(attempts.find((a) => a.id === "delete-default-deny")).toMatchObject({
      verdict: "not-applicable",
      message: expect.stringMatching(/^n\/a: no default-deny policy to delete/),
    });
    expect(attempts.find((a) => a.id === "delete-default-deny")).not.toHaveProperty("request");
    expect(report.tenants[0]!.actingAs).toEqual({ subject: "User:alice", user: "alice", groups: [] });
  });

  it.each([
    [{ blockedBy: "rbac" as const }, "RBAC"],
    [{ blockedBy: "quota" as const }, "ResourceQuota"],
    [{ blockedBy: "pod-security" as const }, "PodSecurity"],
    [{ blockedBy: "webhook" as const, name: "validate.kubefence.io" }, "webhook validate.kubefence.io"],
    [{ blockedBy: "admission-policy" as const, name: "no-host" }, "ValidatingAdmissionPolicy no-host"],
    [{ blockedBy: "api-server" as const }, "API server"],
    [
      { blockedBy: "webhook-failure" as const, name: "validate.kubefence.io" },
      "webhook validate.kubefence.io (unreachable, failed closed)",
    ],
    [{}, "-"],
  ])("the BY column says %j as %s", (fields, label) => {
    expect(blockedByLabel({ id: "x", summary: "", verdict: "blocked", message: "", ...fields })).toBe(label);
  });

  it("renders a kubectl-style table with one line per attempt, multi-line messages joined, and a verdict", () => {
    const report = reportWith((id) =>
      id === "cluster-admin-binding"
        ? forbidden(
            'clusterrolebindings.rbac.authorization.k8s.io "x" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}',
          )
        : { status: 201, body: {} },
    );
    const text = renderVerifyTable(report);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^TENANT\s+AS\s+ATTEMPT\s+RESULT\s+BY\s+MESSAGE$/);
    expect(lines[1]).toMatch(
      /^team-a\s+User:alice\s+privileged-host-pod\s+ACCEPTED\s+-\s+pod\/kubefence-verify-host-escape created \(server dry run\)$/,
    );
    expect(lines[4]).toMatch(
      /^team-a\s+User:alice\s+cluster-admin-binding\s+blocked\s+RBAC\s+.*not currently held: \{APIGroups/,
    );
    expect(lines[7]).toMatch(
      /^team-a\s+User:alice\s+webhook-selector-escape\s+ACCEPTED\s+-\s+namespace\/team-a labeled/,
    );
    expect(lines[8]).toMatch(/^team-a\s+User:alice\s+delete-default-deny\s+n\/a\s+-\s+n\/a: no default-deny/);
    expect(lines[9]).toMatch(/^team-c\s+-\s+-\s+not verifiable\s+-\s+the tenants file names no owners/);
    expect(lines.slice(-3)).toEqual([
      "",
      "1 tenant, 8 attempts: 1 blocked, 6 ACCEPTED, 1 n/a; 1 tenant not verifiable. isolation is breakable: 6 attempts accepted, 1 protection missing",
      "",
    ]);
  });
});
