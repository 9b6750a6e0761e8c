/**
 * The exit-code table of the README's Commands section, row by row, as the built CLI exits. The live rows are
 * checked against the real API server where they need one: verify's 0 and 1 in test/verify/cluster.test.ts,
 * webhook serve's clean exit on SIGTERM in test/webhook/apiserver.test.ts, controller's in test/controller/live.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBuiltCli } from "../support/built-cli.js";

const dir = mkdtempSync(join(tmpdir(), "kubefence-exit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const review = (user: string) =>
  JSON.stringify({
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: { user, resourceAttributes: { verb: "get", resource: "pods", namespace: "test-namespace" } },
  });
const reviews = file("reviews.jsonl", `${review("alice")}\n`);
const badReviews = file("bad.jsonl", `${review("alice")}\n{"spec":\n`);
// No kubeconfig anywhere: HOME without ~/.kube, no KUBECONFIG.
const noKubeconfig = { ...process.env, HOME: dir, KUBECONFIG: "" };
const unreachable = file(
  "unreachable.kubeconfig",
  `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
);

const rows: [command: string[], code: number, why: string][] = [
  [["audit", "--demo"], 0, "the report was written"],
  [["audit", "--demo", "--fail-on", "critical"], 1, "a critical finding"],
  [
    [
      "audit",
      "--demo",
      "--tenants",
      "examples/accepted/tenants.yaml",
      "--now",
      "2027-01-01",
      "--fail-on",
      "critical",
    ],
    0,
    "the critical finding is accepted",
  ],
  [
    [
      "audit",
      "--demo",
      "--tenants",
      "examples/accepted/tenants.yaml",
      "--now",
      "2027-07-01",
      "--fail-on",
      "critical",
    ],
    1,
    "its acceptance has expired",
  ],
  [["audit", "--demo", "--now", "soon"], 2, "--now is not RFC 3339"],
  [["audit", "-f", "examples/gate/half-broken.yaml", "--fail-on", "critical"], 1, "a document skipped"],
  [["audit", "--demo", "--tenants", join(dir, "nope.yaml")], 2, "a tenants file that cannot be read"],
  [["audit", "-f", "test/sources/corpus/bad-labels.yaml", "--validate=strict"], 2, "strict: input problems"],
  [["fix", "--demo"], 0, "written"],
  [["fix", "--demo", "--pod-security-version", "1.30"], 2, "a bad flag value"],
  [["tenant", "init", "team-a"], 0, "written"],
  [["tenant", "init", "team-a", "--namespace", "Bad_NS"], 2, "a name the API server rejects"],
  [["netmap", "--demo"], 0, "written"],
  [["netmap", "-f", join(dir, "nope.yaml")], 2, "a path that does not exist"],
  [["snapshot", "--demo"], 0, "written"],
  [["who-can", "list", "pods", "--demo"], 0, "written"],
  [["who-can", "--demo"], 2, "no verb and resource"],
  [["access-matrix", "--as", "alice", "--demo"], 0, "written"],
  [["access-matrix", "--demo"], 2, "no subject and no resource"],
  [["rules"], 0, "written"],
  [["rules", "-o", "bogus"], 2, "an unknown format"],
  [["webhook", "manifests"], 0, "written"],
  [["webhook", "manifests", "--api-server-cidr", "10.0.0.0/33"], 2, "not a CIDR"],
  [["can-i", "list", "pods", "-n", "test-namespace", "--as", "alice", "--demo"], 0, "yes"],
  [["can-i", "list", "pods", "-n", "kube-system", "--as", "alice", "--demo"], 1, "no"],
  [["can-i", "list", "--as", "alice", "--demo"], 2, "no resource"],
  [["reach", "default/alpine", "network/nginx", "--demo"], 0, "yes"],
  [
    ["reach", "-f", "test/network/fixtures/shop.yaml", "shop/deploy/web", "data/sts/db", "--port", "5432"],
    1,
    "no",
  ],
  [["reach", "default/nosuch", "network/nginx", "--demo"], 2, "an end that was not read"],
  [["podsec", "--demo"], 0, "every pod allowed at the namespaces' levels"],
  [["podsec", "--demo", "--level", "baseline"], 1, "busybox is denied at baseline"],
  [["podsec", "--demo", "-n", "nosuchns"], 2, "a namespace that was not read"],
  [["review", "--requests", reviews, "--demo"], 0, "every request answered"],
  [["review", "--requests", badReviews, "--demo"], 2, "a line that is not a SubjectAccessReview"],
  [["verify", "--kubeconfig", unreachable], 2, "an unreachable cluster"],
  [
    ["webhook", "wait", "--url", "https://127.0.0.1:1/readyz", "--timeout", "1", "--interval", "200"],
    1,
    "not ready",
  ],
  [["webhook", "wait"], 2, "no --url"],
  [["controller", "--kubeconfig", unreachable], 2, "an unreachable cluster"],
  [
    ["controller", "--lease-duration", "5", "--renew-deadline", "10"],
    2,
    "a lease shorter than its renew deadline",
  ],
];

describe("exit codes, as the README's table says", () => {
  for (const [command, code, why] of rows)
    it(`kubefence ${command.join(" ")}: ${code} (${why})`, { timeout: 60_000 }, () => {
      const run = runBuiltCli(command, "", noKubeconfig);
      expect(run.code, run.stderr).toBe(code);
      if (code === 2) expect(run.stderr).toMatch(/^error: /m);
    });

  it("who-can and access-matrix -n with a namespace that was not read: answered (RBAC does not need it), with a warning", () => {
    for (const command of [
      ["who-can", "list", "pods", "-n", "test-namepsace", "--demo"],
      ["access-matrix", "--as", "alice", "-n", "test-namepsace", "--demo"],
    ]) {
      const run = runBuiltCli(command);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(
        'warning: namespace "test-namepsace" was not read (namespaces: default, kube-system, network, test-namespace)',
      );
    }
    expect(runBuiltCli(["who-can", "list", "pods", "-n", "test-namespace", "--demo"]).stderr).toBe("");
  });

  it("snapshot without any kubeconfig is an input error, said in plain words", () => {
    const run = runBuiltCli(["snapshot"], "", noKubeconfig);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: no kubeconfig");
  });
});
