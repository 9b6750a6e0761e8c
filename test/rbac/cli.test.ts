/** can-i, who-can, review and access-matrix on the demo cluster: output, exit codes, errors. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { accessMatrixCommand } from "../../src/cli/access-matrix.js";
import { auditCommand } from "../../src/cli/audit.js";
import { canICommand } from "../../src/cli/can-i.js";
import { reviewCommand } from "../../src/cli/review.js";
import { whoCanCommand } from "../../src/cli/who-can.js";
import { runCommand } from "../support/run-command.js";

const run = runCommand;

describe("kubefence can-i", () => {
  it("says yes (exit 0) for bob listing pods in kube-system", async () => {
    const r = await run(canICommand, ["list", "pods", "-n", "kube-system", "--as", "bob", "--demo"]);
    expect(r).toMatchObject({ stdout: "yes\n", code: 0 });
  });

  it("says no (exit 1) for alice, with the API server's Forbidden message on stderr", async () => {
    const r = await run(canICommand, ["list", "pods", "-n", "kube-system", "--as", "alice", "--demo"]);
    expect(r.stdout).toBe("no\n");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "kube-system"\n',
    );
  });

  it("-q prints nothing", async () => {
    const r = await run(canICommand, ["get", "pods", "-q", "--as", "alice", "--demo"]);
    expect(r).toEqual({ stdout: "", stderr: "", code: 1 });
  });

  it("resolves short names, singulars and resource.group; TYPE/NAME names an object, --subresource a subresource", async () => {
    for (const type of ["po", "pod", "pods", "pods.", "pods.apps"])
      expect(
        (await run(canICommand, ["get", type, "-n", "test-namespace", "--as", "alice", "--demo"])).code,
        type,
      ).toBe(type === "pods.apps" ? 1 : 0);
    const exec = await run(canICommand, [
      "create",
      "pods/web",
      "--subresource",
      "exec",
      "-n",
      "test-namespace",
      "--as",
      "alice",
      "--demo",
    ]);
    expect(exec.stderr).toBe(
      'pods "web" is forbidden: User "alice" cannot create resource "pods/exec" in API group "" in the namespace "test-namespace"\n',
    );
    // kubectl reads pods/log as the pod named log: alice may get it, not its log subresource.
    const podNamedLog = ["pods/log", "-n", "test-namespace", "--as", "alice", "--demo"];
    expect(await run(canICommand, ["get", ...podNamedLog])).toMatchObject({ stdout: "yes\n", code: 0 });
    expect((await run(canICommand, ["get", ...podNamedLog, "--subresource", "log"])).code).toBe(1);
    expect((await run(canICommand, ["delete", ...podNamedLog])).stderr).toBe(
      'pods "log" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "test-namespace"\n',
    );
    const deploy = await run(canICommand, [
      "list",
      "deploy",
      "-n",
      "test-namespace",
      "--as",
      "alice",
      "--demo",
    ]);
    expect(deploy.stderr).toContain(
      'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps"',
    );
  });

  it("warns like kubectl about cluster-scoped resources and unknown types", async () => {
    const nodes = await run(canICommand, ["get", "nodes", "--as", "bob", "--demo"]);
    expect(nodes.stderr).toBe(
      "Warning: resource 'nodes' is not namespace scoped\n\n" +
        'nodes is forbidden: User "bob" cannot get resource "nodes" in API group "" at the cluster scope\n',
    );
    const widget = await run(canICommand, ["get", "widgets", "--as", "bob", "--demo"]);
    expect(widget.stderr).toContain("Warning: the server doesn't have a resource type 'widgets'");
  });

  it("answers non-resource URLs from the built-in discovery roles", async () => {
    expect((await run(canICommand, ["get", "/healthz", "--as", "alice", "--demo"])).stdout).toBe("yes\n");
    const metrics = await run(canICommand, ["get", "/metrics", "--as", "alice", "--demo"]);
    expect(metrics.stderr).toBe('forbidden: User "alice" cannot get path "/metrics"\n');
    expect(
      (await run(canICommand, ["get", "/healthz", "--as", "alice", "--demo", "--no-builtin-rbac"])).code,
    ).toBe(1);
  });

  it("--explain names binding, role and rule", async () => {
    const r = await run(canICommand, ["list", "pods", "-A", "--as", "bob", "--demo", "--explain"]);
    expect(r.stdout).toContain(
      'allowed by ClusterRoleBinding "pod-reader-binding" of ClusterRole "pod-reader" to User "bob"',
    );
    expect(r.stdout).toContain('rule:    verbs=[get list watch] apiGroups=[""] resources=[pods]');
  });

  it("--list prints kubectl's table", async () => {
    const r = await run(canICommand, ["--list", "-n", "test-namespace", "--as", "alice", "--demo"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(
      "Resources                                       Non-Resource URLs   Resource Names   Verbs",
    );
    expect(r.stdout).toContain(
      "pods                                            []                  []               [get list watch]",
    );
  });

  it("rejects bad usage with exit 2", async () => {
    expect((await run(canICommand, ["get", "pods", "--demo"])).code).toBe(2);
    expect((await run(canICommand, ["--list", "pods", "--as", "a", "--demo"])).stderr).toContain(
      "list option must be specified with no arguments",
    );
    expect((await run(canICommand, ["get", "--as", "a", "--demo"])).code).toBe(2);
    expect(await run(canICommand, ["get", "pods/exec", "web", "--as", "a", "--demo"])).toEqual({
      stdout: "",
      stderr:
        "error: you must specify two arguments: verb resource or verb resource/resourceName.\n" +
        "See 'kubefence can-i -h' for help and examples.\n",
      code: 2,
    });
  });
});

describe("kubefence who-can", () => {
  it("lists bob, and system:masters, for pods in kube-system but not alice", async () => {
    const r = await run(whoCanCommand, ["list", "pods", "-n", "kube-system", "--demo"]);
    expect(r.stdout).toMatch(/^User +bob +ClusterRoleBinding\/pod-reader-binding +ClusterRole\/pod-reader$/m);
    expect(r.stdout).toMatch(/^Group +system:masters +\(superuser/m);
    expect(r.stdout).not.toContain("alice");
    const tenant = await run(whoCanCommand, ["list", "pods", "-n", "test-namespace", "--demo", "-o", "json"]);
    const names = (JSON.parse(tenant.stdout) as { subjects: { name: string }[] }).subjects.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["alice", "bob", "system:masters"]));
  });

  it("reads its arguments as kubectl auth can-i does: pods/log is the pod named log, --subresource the subresource", async () => {
    const ask = async (...args: string[]) => {
      const r = await run(whoCanCommand, [...args, "-n", "test-namespace", "--demo", "-o", "json"]);
      return JSON.parse(r.stdout) as {
        request: { name: string; subresource: string };
        subjects: { name: string }[];
      };
    };
    const pod = await ask("get", "pods/log");
    expect(pod.request).toMatchObject({ name: "log", subresource: "" });
    expect(pod.subjects.map((s) => s.name)).toContain("alice");
    const log = await ask("get", "pods/web", "--subresource", "log");
    expect(log.request).toMatchObject({ name: "web", subresource: "log" });
    expect(log.subjects.map((s) => s.name)).not.toContain("alice");
    const three = await run(whoCanCommand, ["get", "pods/log", "web", "--demo"]);
    expect(three.code).toBe(2);
    expect(three.stderr).toContain("See 'kubefence who-can -h' for help and examples.");
  });
});

describe("kubefence review", () => {
  const sar = (spec: object) => ({
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec,
  });
  const file = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), "kubefence-review-")), "in");
    writeFileSync(path, text);
    return path;
  };

  it("answers JSON lines with JSON lines, in order, user exactly as given", async () => {
    const input = [
      sar({ user: "bob", resourceAttributes: { verb: "list", resource: "pods", namespace: "kube-system" } }),
      sar({
        user: "alice",
        resourceAttributes: { verb: "list", resource: "pods", namespace: "kube-system" },
      }),
      sar({ user: "alice", nonResourceAttributes: { verb: "get", path: "/healthz" } }),
      sar({
        user: "alice",
        groups: ["system:authenticated"],
        nonResourceAttributes: { verb: "get", path: "/healthz" },
      }),
    ];
    const r = await run(reviewCommand, [
      "--requests",
      file(input.map((x) => JSON.stringify(x)).join("\n")),
      "--demo",
    ]);
    const out = r.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { status: object });
    expect(out.map((o) => o.status)).toEqual([
      {
        allowed: true,
        reason:
          'RBAC: allowed by ClusterRoleBinding "pod-reader-binding" of ClusterRole "pod-reader" to User "bob"',
      },
      { allowed: false },
      { allowed: false },
      {
        allowed: true,
        reason:
          'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
      },
    ]);
  });

  it("answers a List with a List and YAML with YAML; invalid reviews exit 2", async () => {
    const list = {
      apiVersion: "v1",
      kind: "List",
      items: [sar({ user: "bob", resourceAttributes: { verb: "get", resource: "pods", namespace: "x" } })],
    };
    const r = await run(reviewCommand, ["--requests", file(JSON.stringify(list, null, 2)), "--demo"]);
    expect(
      (JSON.parse(r.stdout) as { items: { status: { allowed: boolean } }[] }).items[0]!.status.allowed,
    ).toBe(true);
    const yaml = await run(reviewCommand, [
      "--requests",
      file(
        "apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n  user: bob\n  resourceAttributes: {verb: delete, resource: pods}\n",
      ),
      "--demo",
    ]);
    expect(yaml.stdout).toContain("allowed: false");
    const bad = await run(reviewCommand, [
      "--requests",
      file(JSON.stringify(sar({ resourceAttributes: { verb: "get" } }))),
      "--demo",
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("at least one of user or group must be specified");
  });
});

describe("kubefence access-matrix", () => {
  it("shows a subject's resources × verbs", async () => {
    const r = await run(accessMatrixCommand, [
      "--as",
      "alice",
      "-n",
      "test-namespace",
      "--demo",
      "--allowed-only",
    ]);
    expect(r.stdout).toContain("pods");
    expect(r.stdout.split("\n")[0]).toMatch(/^NAME\s+GET\s+LIST\s+WATCH\s+CREATE/);
  });

  it("shows a resource's subjects × namespaces, as JSON too", async () => {
    const r = await run(accessMatrixCommand, [
      "--resource",
      "pods",
      "--verb",
      "list",
      "--demo",
      "-o",
      "json",
    ]);
    const out = JSON.parse(r.stdout) as {
      subjects: { kind: string; name: string; allowed: Record<string, boolean> }[];
    };
    const bob = out.subjects.find((s) => s.name === "bob")!;
    const alice = out.subjects.find((s) => s.name === "alice")!;
    expect(bob.allowed["kube-system"]).toBe(true);
    expect(alice.allowed["kube-system"]).toBe(false);
    expect(alice.allowed["test-namespace"]).toBe(true);
  });
});

describe("--kube-version on the RBAC commands", () => {
  const v120 = ["--kube-version", "1.20"];
  const SSR = "selfsubjectreviews.authentication.k8s.io";

  it("can-i --list shows the bootstrap rules of that version (v1.37's system:basic-user lets everyone create selfsubjectreviews, v1.20's did not)", async () => {
    const args = ["--list", "--as", "alice", "-n", "test-namespace", "--demo"];
    const row = /^selfsubjectreviews\.authentication\.k8s\.io +\[\] +\[\] +\[create\]$/m;
    expect((await run(canICommand, args)).stdout).toMatch(row);
    expect((await run(canICommand, [...args, ...v120])).stdout).not.toMatch(row);
    expect((await run(canICommand, [...args, ...v120])).stdout).toContain("pods ");
  });

  it("can-i, who-can, access-matrix and review answer from that version's built-in RBAC", async () => {
    const ask = ["create", SSR, "--as", "alice", "--demo"];
    expect((await run(canICommand, ask)).code).toBe(0);
    expect((await run(canICommand, [...ask, ...v120])).code).toBe(1);
    const basicUser = /^Group +system:authenticated +ClusterRoleBinding\/system:basic-user /m;
    expect((await run(whoCanCommand, ["create", SSR, "--demo"])).stdout).toMatch(basicUser);
    expect((await run(whoCanCommand, ["create", SSR, "--demo", ...v120])).stdout).not.toMatch(basicUser);
    const matrix = ["--as", "alice", "-n", "test-namespace", "--demo", "--allowed-only"];
    expect((await run(accessMatrixCommand, matrix)).stdout).toContain(SSR);
    expect((await run(accessMatrixCommand, [...matrix, ...v120])).stdout).not.toContain(SSR);
    const path = join(mkdtempSync(join(tmpdir(), "kubefence-review-")), "in");
    writeFileSync(
      path,
      JSON.stringify({
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user: "alice",
          groups: ["system:authenticated"],
          resourceAttributes: {
            verb: "create",
            group: "authentication.k8s.io",
            resource: "selfsubjectreviews",
          },
        },
      }),
    );
    const allowed = (text: string) => (JSON.parse(text) as { status: { allowed: boolean } }).status.allowed;
    expect(allowed((await run(reviewCommand, ["--requests", path, "--demo"])).stdout)).toBe(true);
    expect(allowed((await run(reviewCommand, ["--requests", path, "--demo", ...v120])).stdout)).toBe(false);
  });

  it("words a denial's reason as that version's API server (v1.37 names the authorizer: rbac: RBAC: …)", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "kubefence-version-")), "rbac.yaml");
    writeFileSync(
      path,
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dangling}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: gone}
subjects: [{kind: User, apiGroup: rbac.authorization.k8s.io, name: carol}]
`,
    );
    const ask = ["get", "secrets", "-n", "x", "--as", "carol", "-f", path];
    const reason = 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found';
    expect((await run(canICommand, ask)).stdout).toBe(`no - rbac: ${reason}\n`);
    expect((await run(canICommand, [...ask, ...v120])).stdout).toBe(`no - ${reason}\n`);
  });

  it("can-i --help says which versions are known", async () => {
    const help = (await run(canICommand, ["--help"])).stdout.replace(/\s+/g, " ");
    expect(help).toContain("--kube-version <version>");
    expect(help).toContain("(known: 1.20, 1.37; default 1.37; a live cluster uses its own)");
  });
});

describe("kubefence review, JSON lines", () => {
  const path = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), "kubefence-review-")), "in.jsonl");
    writeFileSync(file, text);
    return file;
  };
  it("keeps each line byte for byte and appends the status", async () => {
    const a =
      '{"kind":"SubjectAccessReview", "spec":{"user":"bob","resourceAttributes":{"verb":"get","resource":"pods","namespace":"x"}}}';
    const b =
      '{"kind":"SubjectAccessReview","spec":{"user":"eve","nonResourceAttributes":{"verb":"get","path":"/x"}},"status":{"allowed":true}}';
    const r = await run(reviewCommand, ["--requests", path(`${a}\n${b}\n`), "--demo", "--no-builtin-rbac"]);
    const [first, second] = r.stdout.trimEnd().split("\n");
    expect(first).toBe(
      `${a.slice(0, -1)},"status":{"allowed":true,"reason":"RBAC: allowed by ClusterRoleBinding \\"pod-reader-binding\\" of ClusterRole \\"pod-reader\\" to User \\"bob\\""}}`,
    );
    expect(JSON.parse(second!)).toMatchObject({ status: { allowed: false } });
  });
  it("reports a broken line as a usage error", async () => {
    const r = await run(reviewCommand, [
      "--requests",
      path('{"kind":"SubjectAccessReview"}\n{oops}\n'),
      "--demo",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("line 2:");
  });
});

describe("access-matrix for many subjects in one run", () => {
  const grid = async (args: string[]) =>
    JSON.parse(
      (await run(accessMatrixCommand, [...args, "-n", "test-namespace", "--demo", "-o", "json"])).stdout,
    );

  it("repeated --as gives one grid each, the same as one run per subject", async () => {
    const both = await grid(["--as", "alice", "--as", "bob"]);
    expect(both).toEqual([await grid(["--as", "alice"]), await grid(["--as", "bob"])]);
    expect(both.map((g: { user: { name: string } }) => g.user.name)).toEqual(["alice", "bob"]);
  });

  it("--all-subjects answers for every subject a binding names, each as its own grid would", async () => {
    const all = await grid(["--all-subjects"]);
    const names = all.map(
      (g: { user: { name: string; groups: string[] } }) => g.user.name || g.user.groups[0],
    );
    expect(names).toContain("alice");
    expect(names).toContain("bob");
    const alice = all.find((g: { user: { name: string } }) => g.user.name === "alice");
    expect(alice).toEqual(await grid(["--as", "alice"]));
    const table = await run(accessMatrixCommand, [
      "--as",
      "alice",
      "--as",
      "bob",
      "--demo",
      "--allowed-only",
    ]);
    expect(table.stdout).toMatch(/^User\/alice:\nNAME\s+GET/);
    expect(table.stdout).toContain("\n\nUser/bob:\nNAME");
  });

  it("--all-subjects with --as is a usage error", async () => {
    const r = await run(accessMatrixCommand, ["--all-subjects", "--as", "bob", "--demo"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--all-subjects names its subjects itself");
  });
});

describe("RBAC commands read only RBAC kinds (and Namespaces)", () => {
  const dir = mkdtempSync(join(tmpdir(), "kubefence-rbac-reads-"));
  const file = join(dir, "cluster.yaml");
  // A Pod the validator would warn about (a container without a name), and a Role and RoleBinding for alice.
  writeFileSync(
    file,
    `apiVersion: v1
kind: Pod
metadata: {name: broken, namespace: team}
spec: {containers: [{image: nginx}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: team}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
`,
  );
  const podsOnly = join(dir, "pods.yaml");
  writeFileSync(
    podsOnly,
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{image: nginx}]}\n",
  );

  it("passes over other kinds unread: no word about the broken Pod, the answer from the RBAC objects", async () => {
    const r = await run(canICommand, ["get", "pods", "-n", "team", "--as", "alice", "-f", file]);
    expect(r).toMatchObject({ stdout: "yes\n", code: 0 });
    expect(r.stderr).not.toMatch(/broken|container/);
    // audit reads the Pod, and says what is wrong with it.
    expect((await run(auditCommand, ["-f", file])).stderr).toMatch(/Pod "broken".*name/);
  });

  it("a file without RBAC objects is an answer (no), not 'no objects read'", async () => {
    const r = await run(canICommand, ["get", "pods", "--as", "alice", "-f", podsOnly]);
    expect(r.stdout).toBe("no\n");
    expect(r.code).toBe(1);
  });
});
