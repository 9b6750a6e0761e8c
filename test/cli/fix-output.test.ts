/**
 * What `fix` says besides its objects: the commands to run in order, breaches its changes leave open (never
 * claimed closed), accepted findings it leaves alone, and a List for -o json. (test/tenancy/fix-live.test.ts
 * applies the output to a real API server.)
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { fixCommand } from "../../src/cli/fix.js";
import { DEMO_DIR } from "../../src/sources/demo.js";
import { runCommand } from "../support/run-command.js";

const dir = mkdtempSync(join(tmpdir(), "kubefence-fix-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The demo, and alice may patch her own Namespace (a RoleBinding in it grants it on that object). */
const relabel = join(dir, "relabel");
cpSync(DEMO_DIR, relabel, { recursive: true });
writeFileSync(
  join(relabel, "40-alice-namespace.yaml"),
  `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: namespace-editor, namespace: test-namespace}
rules:
  - {apiGroups: [""], resources: [namespaces], verbs: [get, patch]}
  - {apiGroups: [""], resources: [pods], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: namespace-editor, namespace: test-namespace}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
roleRef: {kind: Role, name: namespace-editor, apiGroup: rbac.authorization.k8s.io}
`,
);

const fix = (args: string[]) => runCommand(fixCommand, args);
const kinds = (yaml: string) =>
  parseAllDocuments(yaml).map((d) => {
    const o = d.toJS() as { kind: string; metadata: { name: string } };
    return `${o.kind}/${o.metadata.name}`;
  });

describe("fix where a tenant may relabel its namespace", () => {
  it("writes the namespace guardrail policies, and leaves nothing open", async () => {
    const run = await fix(["-f", relabel]);
    expect(run.code, run.stderr).toBe(0);
    expect(kinds(run.stdout)).toEqual(
      expect.arrayContaining([
        "ValidatingAdmissionPolicy/kubefence-namespace-pod-security",
        "ValidatingAdmissionPolicyBinding/kubefence-namespace-pod-security",
        "ValidatingAdmissionPolicy/kubefence-namespace-tenant",
        "ValidatingAdmissionPolicyBinding/kubefence-namespace-tenant",
      ]),
    );
    expect(run.stdout).toContain(
      "# node: tenants may relabel their own namespaces (test-namespace: namespace test-namespace), lifting Pod Security or joining another tenant: admission policies refuse both\n",
    );
    expect(run.stdout).not.toContain("Still open");
  });

  it("on a server without ValidatingAdmissionPolicy or Pod Security admission (1.20), says what stays open", async () => {
    const run = await fix(["-f", relabel, "--kube-version", "1.20"]);
    expect(run.code, run.stderr).toBe(0);
    expect(kinds(run.stdout).filter((k) => k.startsWith("ValidatingAdmission"))).toEqual([]);
    expect(run.stdout).toMatch(
      /^# Still open after these changes \(\d+ breach(es)?; kubefence audit says why\):$/m,
    );
    expect(run.stdout).toMatch(
      /^# {3}node test-namespace -> every tenant: User:alice → .* → so User:alice can create pods in namespace test-namespace → /m,
    );
  });
});

describe("fix with accepted findings", () => {
  const tenants = join(dir, "tenants.yaml");
  writeFileSync(
    tenants,
    `apiVersion: kubefence.io/v1alpha1
kind: TenantConfig
tenants:
  - {name: default, namespaces: [default]}
  - {name: network, namespaces: [network]}
  - {name: test-namespace, namespaces: [test-namespace]}
accepted:
  - id: node.takeover
    resource: {kind: Pod, namespace: default, name: busybox}
    reason: the node agent's debug pod, removed with INC-42
    owner: platform-team
    expires: 2027-06-30
`,
  );

  it("does not rewrite what is accepted, says how many, and that the breach stays open", async () => {
    const run = await fix(["--demo", "--tenants", tenants, "--now", "2027-06-30"]);
    expect(run.code, run.stderr).toBe(0);
    expect(kinds(run.stdout)).not.toContain("Pod/busybox");
    expect(run.stdout).not.toContain("kubectl delete pod busybox");
    expect(run.stdout).toContain("# 1 accepted finding not fixed: kubefence audit --show-accepted\n");
    expect(run.stdout).toMatch(
      /^# {3}node default -> every tenant: default\/busybox\[Pod\] escapes to its node/m,
    );
  });

  it("fixes it again once the acceptance has expired", async () => {
    const run = await fix(["--demo", "--tenants", tenants, "--now", "2027-07-01"]);
    expect(kinds(run.stdout)).toContain("Pod/busybox");
    expect(run.stdout).not.toContain("accepted finding");
    expect(run.stdout).not.toContain("Still open");
  });

  it("-o json counts them in the List's kubefence field", async () => {
    const run = await fix(["--demo", "--tenants", tenants, "--now", "2027-06-30", "-o", "json"]);
    const list = JSON.parse(run.stdout) as {
      kind: string;
      items: { kind: string; metadata: { name: string } }[];
      kubefence: { acceptedNotFixed: number; remaining: { plane: string; from: string; to: string }[] };
    };
    expect(list.kind).toBe("List");
    expect(list.items.some((i) => i.kind === "Pod")).toBe(false);
    expect(list.kubefence.acceptedNotFixed).toBe(1);
    // busybox keeps the host's network too, which no NetworkPolicy isolates: default's breaches stay open.
    const remaining = list.kubefence.remaining.map((c) => `${c.plane} ${c.from} -> ${c.to}`);
    expect(remaining).toContain("node default -> *");
    expect(remaining.every((c) => / default -> /.test(c))).toBe(true);
  });
});

describe("fix -o yaml's header", () => {
  it("lists the commands in the order to run them: the Pod it re-creates first, the binding it deletes after", async () => {
    const run = await fix(["--demo"]);
    const header = run.stdout.slice(0, run.stdout.indexOf("\n---\n")).split("\n");
    expect(header.slice(0, 4)).toEqual([
      "# kubefence fix: 5 changes. Review, then run in this order:",
      "#   kubectl delete pod busybox -n default    (immutable: the apply re-creates it)",
      "#   kubectl apply -f <this file>",
      "#   kubectl delete clusterrolebinding pod-reader-binding",
    ]);
    // The demo's objects are all new or re-created: nothing is removed from an object in place.
    expect(run.stdout).not.toContain(": null");
  });

  it("writes a removed field as null in a workload it rewrites in place, so kubectl apply removes it", async () => {
    const file = join(dir, "deployment.yaml");
    writeFileSync(
      file,
      `apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: a}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostPID: true
      containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
      volumes: [{name: host, hostPath: {path: /}}]
`,
    );
    const run = await fix(["-f", file]);
    expect(run.code, run.stderr).toBe(0);
    const deployment = parseAllDocuments(run.stdout)
      .map((d) => d.toJS() as { kind: string; spec: { template: { spec: Record<string, unknown> } } })
      .find((o) => o.kind === "Deployment")!;
    expect(deployment.spec.template.spec).toEqual({
      hostPID: null,
      containers: [{ name: "c", image: "busybox", securityContext: { privileged: null } }],
      volumes: [{ name: "host", hostPath: null, emptyDir: {} }],
    });
    expect(run.stdout).toContain(
      "# A field set to null is one the fix removes: kubectl apply removes it from the object.\n",
    );
  });
});
