/**
 * Every command on a cluster whose names, namespaces, label keys, groups, users, API groups, resources and verbs
 * are Object.prototype's member names (`constructor`, `toString`, `valueOf`, `hasOwnProperty`, `__proto__`;
 * lowercased where a DNS name is required): no command throws (runCommand rethrows what main.ts would turn
 * into exit 70 "internal error"), and every finding carries a real severity. test/tenancy/hostile-names.test.ts
 * is the same attack on audit's RBAC plane; this file covers the other commands.
 */
import { describe, expect, it } from "vitest";
import { accessMatrixCommand } from "../../src/cli/access-matrix.js";
import { auditCommand } from "../../src/cli/audit.js";
import { canICommand } from "../../src/cli/can-i.js";
import { fixCommand } from "../../src/cli/fix.js";
import { netmapCommand } from "../../src/cli/netmap.js";
import { podsecCommand } from "../../src/cli/podsec.js";
import { reachCommand } from "../../src/cli/reach.js";
import { snapshotCommand } from "../../src/cli/snapshot.js";
import { whoCanCommand } from "../../src/cli/who-can.js";
import { manifestFile } from "../support/manifest-file.js";
import { runCommand } from "../support/run-command.js";

const MEMBERS = ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__", "isPrototypeOf"];
/** Qualified-name label keys (`__proto__` is not one). */
const LABEL_KEYS = MEMBERS.filter((k) => !k.startsWith("_"));
const SEVERITIES = ["critical", "high", "medium", "low", "info"];
const labels = (value: string) => `{${LABEL_KEYS.map((k) => `${k}: ${value}`).join(", ")}}`;
const subjects = MEMBERS.flatMap((name) => [
  `  - {apiGroup: rbac.authorization.k8s.io, kind: Group, name: ${name}}`,
  `  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: ${name}}`,
])
  .concat(["  - {kind: ServiceAccount, name: constructor, namespace: constructor}"])
  .join("\n");

const HOSTILE = `
apiVersion: v1
kind: Namespace
metadata: {name: constructor, labels: ${labels("a")}}
---
apiVersion: v1
kind: Namespace
metadata: {name: valueof, labels: {pod-security.kubernetes.io/enforce: baseline, toString: b}}
---
apiVersion: v1
kind: Namespace
metadata: {name: tostring}
---
apiVersion: v1
kind: Node
metadata: {name: constructor, labels: {constructor: x, kubernetes.io/hostname: constructor}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: constructor, namespace: constructor}
---
apiVersion: v1
kind: Pod
metadata: {name: constructor, namespace: constructor, labels: ${labels("a")}, annotations: {constructor: x, toString: z}}
spec:
  nodeSelector: {valueOf: x}
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms: [{matchExpressions: [{key: hasOwnProperty, operator: Exists}]}]
  containers: [{name: constructor, image: nginx, securityContext: {privileged: true}}]
---
apiVersion: v1
kind: Pod
metadata: {name: tostring, namespace: valueof, labels: {toString: b}}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: valueof, namespace: tostring}
spec:
  selector: {matchLabels: {valueOf: c}}
  template:
    metadata: {labels: {valueOf: c}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: constructor, namespace: constructor}
spec: {selector: {constructor: a}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: constructor, namespace: constructor}
spec:
  podSelector: {matchLabels: {toString: a}}
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {constructor: a}}
          podSelector: {matchExpressions: [{key: valueOf, operator: Exists}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: constructor, labels: {constructor: x}}
rules:
  - {apiGroups: [constructor], resources: [constructor, __proto__], verbs: [constructor, toString, get]}
  - {apiGroups: [""], resources: [constructor], verbs: [constructor]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: toString, namespace: constructor}
rules: [{apiGroups: [""], resources: [pods, pods/exec], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: constructor, namespace: constructor}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: toString}
subjects:
${subjects}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: hasOwnProperty}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: constructor}
subjects:
${subjects}
---
apiVersion: constructor/v1
kind: __proto__
metadata: {name: valueOf}
`;

describe("names that are Object.prototype members, in every command", () => {
  const file = manifestFile(HOSTILE, "prototype-names.yaml");
  const run = async (make: Parameters<typeof runCommand>[0], args: string[]) => {
    const result = await runCommand(make, [...args, "-f", file()]);
    expect(result.stderr).not.toMatch(/internal error|TypeError|is not a function/);
    return result;
  };
  const expectSeverities = (findings: { severity?: unknown }[]) => {
    for (const f of findings) expect(SEVERITIES, JSON.stringify(f)).toContain(f.severity);
  };

  it.each([["table"], ["json"], ["sarif"], ["html"]])(
    "audit -o %s reads tenants named constructor and valueof",
    async (output) => {
      const result = await run(auditCommand, ["-o", output]);
      expect(result.code).toBe(0);
      if (output === "json") {
        const report = JSON.parse(result.stdout) as {
          tenants: { name: string }[];
          findings: { severity?: unknown }[];
        };
        expect(report.tenants.map((t) => t.name)).toEqual(expect.arrayContaining(["constructor", "valueof"]));
        expect(report.findings.length).toBeGreaterThan(0);
        expectSeverities(report.findings);
        expect(result.stdout).toMatch(/"apiVersionKind": "constructor\/v1\/__proto__",\s*"count": 1/);
      }
    },
  );

  it("can-i --list as the user constructor in group toString lists the Role toString's and the ClusterRole's rules", async () => {
    const result = await run(canICommand, [
      "--list",
      "--as",
      "constructor",
      "--as-group",
      "toString",
      "-n",
      "constructor",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^pods\s+\[\]\s+\[\]\s+\[\*\]$/m);
    expect(result.stdout).toMatch(/^constructor\.constructor\s+\[\]\s+\[\]\s+\[constructor toString get\]$/m);
  });

  it("can-i with the verb constructor on the resource constructor is allowed by the ClusterRole constructor", async () => {
    const result = await run(canICommand, ["constructor", "constructor", "--as", "valueOf"]);
    expect(result.stdout.trim()).toBe("yes");
    expect(result.code).toBe(0);
  });

  it("can-i on a resource written resource.version.constructor looks the group up, not Object's constructor", async () => {
    const result = await run(canICommand, ["get", "pods.v1.constructor", "--as", "valueOf"]);
    expect(result.stdout.trim()).toBe("no");
    expect(result.stderr).toContain(
      "the server doesn't have a resource type 'pods' in group 'v1.constructor'",
    );
  });

  it("who-can get pods in namespace constructor names the prototype-named users and groups", async () => {
    const result = await run(whoCanCommand, ["get", "pods", "-n", "constructor", "-o", "json"]);
    expect(result.code).toBe(0);
    const names = JSON.stringify(JSON.parse(result.stdout));
    for (const name of MEMBERS) expect(names).toContain(`"${name}"`);
  });

  it("access-matrix with verbs named __proto__ and constructor keeps a column for each", async () => {
    const result = await run(accessMatrixCommand, [
      "--as",
      "constructor",
      "-n",
      "constructor",
      "--verbs",
      "get,__proto__,constructor",
      "-o",
      "json",
    ]);
    expect(result.code).toBe(0);
    const rows = (
      JSON.parse(result.stdout) as { resources: { resource: string; verbs: Record<string, unknown> }[] }
    ).resources;
    const pods = rows.find((r) => r.resource === "pods")!;
    expect(Object.keys(pods.verbs)).toEqual(["get", "__proto__", "constructor"]);
    expect(Object.values(pods.verbs)).toEqual([true, true, true]);
    const table = await run(accessMatrixCommand, [
      "--as",
      "constructor",
      "-n",
      "constructor",
      "--verbs",
      "get,__proto__",
    ]);
    expect(table.code).toBe(0);
  });

  it("access-matrix --resource pods has a column per namespace, constructor and valueof included", async () => {
    const result = await run(accessMatrixCommand, ["--resource", "pods", "--verb", "get", "-o", "json"]);
    expect(result.code).toBe(0);
    const rows = (
      JSON.parse(result.stdout) as { subjects: { name: string; allowed: Record<string, boolean> }[] }
    ).subjects;
    for (const name of ["toString", "__proto__"]) {
      const group = rows.find((r) => r.name === name)!;
      expect(group.allowed).toEqual({ "": false, constructor: true, tostring: false, valueof: false });
    }
    expect((await run(accessMatrixCommand, ["--resource", "pods"])).code).toBe(0);
  });

  it.each([["table"], ["json"]])("podsec -o %s judges the privileged pod constructor", async (output) => {
    const result = await run(podsecCommand, ["--level", "baseline", "-o", output]);
    expect(result.stdout).toContain("constructor");
    if (output === "json") expect(JSON.stringify(JSON.parse(result.stdout))).toContain("privileged");
    expect(result.code).toBe(1);
  });

  it.each([["txt"], ["json"], ["csv"], ["md"], ["dot"]])(
    "netmap -o %s over prototype-named labels",
    async (output) => {
      const result = await run(netmapCommand, ["-o", output]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("constructor");
    },
  );

  it("netmap --exposure gives every finding a severity", async () => {
    const result = await run(netmapCommand, ["--exposure", "-o", "json"]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as
      | { findings?: { severity?: unknown }[] }
      | { severity?: unknown }[];
    const findings = Array.isArray(parsed) ? parsed : (parsed.findings ?? []);
    expectSeverities(findings);
  });

  it("reach from valueof/tostring to the Service constructor/svc/constructor is denied by the policy constructor", async () => {
    const result = await run(reachCommand, ["valueof/tostring", "constructor/svc/constructor"]);
    expect(result.stdout).toMatch(
      /^no: valueof\/tostring\[Pod\] => constructor\/constructor\[Service\] TCP\/80$/m,
    );
    expect(result.stdout).toContain("is isolated for ingress by constructor/constructor");
  });

  it("reach with a kind written constructor is an unknown resource type, not Object's constructor", async () => {
    const result = await run(reachCommand, ["constructor/constructor/x", "valueof/tostring"]);
    expect(result.stderr).toContain(`the server doesn't have a resource type "constructor"`);
    expect(result.code).not.toBe(0);
  });

  it.each([["yaml"], ["json"]])(
    "fix -o %s writes fixes for tenants named constructor and valueof",
    async (output) => {
      const result = await run(fixCommand, ["-o", output]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("constructor");
    },
  );

  it("snapshot keeps every prototype-named object", async () => {
    const result = await run(snapshotCommand, ["-o", "json"]);
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout) as { items: { kind: string; metadata: { name: string } }[] };
    expect(
      list.items
        .filter((i) => i.metadata.name === "constructor")
        .map((i) => i.kind)
        .sort(),
    ).toEqual([
      "ClusterRole",
      "Namespace",
      "NetworkPolicy",
      "Node",
      "Pod",
      "RoleBinding",
      "Service",
      "ServiceAccount",
    ]);
  });
});
