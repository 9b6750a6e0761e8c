/**
 * `audit` with accepted risks, as a user runs it: the tenants file's accepted: section and kubefence.io/accept
 * annotations in manifests; `--fail-on` passes accepted findings and fails expired ones; `--show-accepted`
 * lists every acceptance; `--now` fixes the time expiries are judged at.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBuiltCli } from "../support/built-cli.js";

const dir = mkdtempSync(join(tmpdir(), "kubefence-accepted-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const TENANTS = `apiVersion: kubefence.io/v1alpha1
kind: TenantConfig
tenants:
  - {name: default, namespaces: [default]}
  - {name: network, namespaces: [network]}
  - {name: test-namespace, namespaces: [test-namespace]}
`;
// The demo's one critical finding: busybox takes over its node.
const tenants = write(
  "tenants.yaml",
  `${TENANTS}accepted:
  - id: node.takeover
    resource: {kind: Pod, namespace: default, name: busybox}
    reason: the node agent's debug pod, removed with INC-42
    owner: platform-team
    expires: 2027-06-30
`,
);
const WIDE = { ...process.env, COLUMNS: "400" };
const audit = (args: string[]) => runBuiltCli(["audit", "--demo", "--tenants", tenants, ...args], "", WIDE);

describe("audit with accepted risks", () => {
  it("--fail-on passes an accepted finding, and the table still shows it, marked accepted", () => {
    const run = audit(["--now", "2027-06-30T23:59:59Z", "--fail-on", "critical"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain("--fail-on");
    expect(run.stdout).toMatch(/^kubefence audit: 4 tenants, \d+ findings \(1 critical, .*\); 1 accepted\n/);
    expect(run.stdout).toMatch(/\nCRITICAL node\.takeover {2}default\/busybox\[Pod\] -> .* {2}ACCEPTED\n/);
    expect(run.stdout).toContain(
      `         accepted: the node agent's debug pod, removed with INC-42 (owner platform-team, until 2027-06-30; tenants file ${tenants}:8:5)\n`,
    );
  });

  it("--fail-on fails once the acceptance has expired, and the output says it expired", () => {
    const run = audit(["--now", "2027-07-01", "--fail-on", "critical"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("kubefence audit: --fail-on critical: 1 finding at or above critical\n");
    expect(run.stdout).toMatch(/; 1 whose acceptance expired\n/);
    expect(run.stdout).toMatch(
      /\nCRITICAL node\.takeover {2}default\/busybox\[Pod\] -> .* {2}ACCEPTANCE EXPIRED\n/,
    );
    expect(run.stdout).toContain(
      "         acceptance expired: the node agent's debug pod, removed with INC-42 (owner platform-team, expired 2027-06-30;",
    );
  });

  it("without --now, expiries are judged at the current time", () => {
    const future = write(
      "future.yaml",
      `${TENANTS}accepted:\n  - {id: node.takeover, reason: r, owner: o, expires: 2999-12-31}\n`,
    );
    const past = write(
      "past.yaml",
      `${TENANTS}accepted:\n  - {id: node.takeover, reason: r, owner: o, expires: 2000-01-01}\n`,
    );
    expect(runBuiltCli(["audit", "--demo", "--tenants", future, "--fail-on", "critical"]).code).toBe(0);
    expect(runBuiltCli(["audit", "--demo", "--tenants", past, "--fail-on", "critical"]).code).toBe(1);
  });

  it("--show-accepted lists every acceptance with its status and the findings it matches", () => {
    const run = audit(["--now", "2027-01-01", "--show-accepted"]);
    expect(run.code, run.stderr).toBe(0);
    const section = run.stdout.slice(run.stdout.indexOf("\nAccepted risks\n"));
    expect(section.split("\n").slice(1, 7)).toEqual([
      "Accepted risks",
      "",
      "ACCEPTED node.takeover  Pod default/busybox",
      "         the node agent's debug pod, removed with INC-42",
      `         owner platform-team, expires 2027-06-30, 1 finding, declared in tenants file ${tenants}:8:5`,
      "",
    ]);
    expect(audit(["--now", "2027-01-01"]).stdout).not.toContain("Accepted risks");
  });

  it("an acceptance that matches nothing is a finding, and listed as unused", () => {
    const stale = write(
      "stale.yaml",
      `${TENANTS}accepted:\n  - {id: rbac.impersonate, tenant: network, reason: the old CI runner, owner: ci-team}\n`,
    );
    const run = runBuiltCli(["audit", "--demo", "--tenants", stale, "--show-accepted", "-o", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.acceptances).toMatchObject([{ id: "rbac.impersonate", status: "unused", findings: 0 }]);
    expect(report.findings.filter((f: { id: string }) => f.id === "rbac.unused-acceptance")).toMatchObject([
      {
        severity: "low",
        subject: "acceptance of rbac.impersonate",
        object: "tenant network",
        origin: { file: stale, line: 8, column: 5 },
      },
    ]);
  });

  it("SARIF suppresses the accepted result with kind external and the reason as justification", () => {
    const run = audit(["--now", "2027-01-01", "-o", "sarif"]);
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout).runs[0].results as { ruleId: string; suppressions?: unknown }[];
    expect(results.filter((r) => r.suppressions)).toMatchObject([
      {
        ruleId: "node.takeover",
        suppressions: [
          {
            kind: "external",
            status: "accepted",
            justification: "the node agent's debug pod, removed with INC-42",
          },
        ],
      },
    ]);
  });

  it("an annotation in a manifest accepts the finding about its object, located at the object", () => {
    const manifest = write(
      "binding.yaml",
      `apiVersion: v1
kind: Namespace
metadata: {name: team-a, labels: {pod-security.kubernetes.io/enforce: restricted}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: auditor-reads-pods
  annotations:
    kubefence.io/accept: rbac.cluster-wide-namespaced-access
    kubefence.io/accept-reason: the auditor reads every pod, by contract
    kubefence.io/accept-owner: security@example.com
    kubefence.io/accept-expires: 2027-06-30T12:00:00Z
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects: [{kind: User, name: auditor, apiGroup: rbac.authorization.k8s.io}]
`,
    );
    const run = runBuiltCli([
      "audit",
      "-f",
      manifest,
      "--now",
      "2027-06-30T11:00:00Z",
      "--fail-on",
      "medium",
      "-o",
      "json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const [finding] = JSON.parse(run.stdout).findings.filter(
      (f: { id: string }) => f.id === "rbac.cluster-wide-namespaced-access",
    );
    expect(finding.acceptance).toEqual({
      status: "accepted",
      reason: "the auditor reads every pod, by contract",
      owner: "security@example.com",
      expires: "2027-06-30T12:00:00Z",
      source: {
        kind: "annotation",
        object: { kind: "ClusterRoleBinding", name: "auditor-reads-pods" },
        origin: { file: manifest, line: 10, column: 1 },
      },
    });
    const later = runBuiltCli([
      "audit",
      "-f",
      manifest,
      "--now",
      "2027-06-30T12:00:00Z",
      "--fail-on",
      "medium",
    ]);
    expect(later.code).toBe(1);
    expect(later.stdout).toContain("ACCEPTANCE EXPIRED");
  });

  it.each([
    [
      ["--now", "tomorrow"],
      'error: --now "tomorrow" is not an RFC 3339 date (2027-06-30) or date-time (2027-06-30T12:00:00Z)\n',
    ],
  ])("rejects %j (exit 2)", (args, stderr) => {
    const run = audit(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(stderr);
  });

  it("a tenants file with an unusable acceptance is an input error naming file, line and field", () => {
    const bad = write("bad.yaml", `${TENANTS}accepted:\n  - {id: node.takeover, owner: platform-team}\n`);
    const run = runBuiltCli(["audit", "--demo", "--tenants", bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: invalid tenants file:\nerror: ${bad}:8:5: reason is required: an accepted risk says why, and who answers for it\n`,
    );
  });
});
