/**
 * `audit -f … --kube-version`: the CLI hands the version to the audit, so a baseline label guards the node on
 * 1.37 and is a plain label on 1.20.
 */
import { describe, expect, it } from "vitest";
import { runBuiltCli } from "../support/built-cli.js";

// alice may create pods in `guarded`, which enforces baseline; `other` has a pod (kube-system makes the
// built-in controllers the platform's).
const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: v1
kind: Namespace
metadata: {name: guarded, labels: {pod-security.kubernetes.io/enforce: baseline}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: other}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pods, namespace: guarded}
rules: [{apiGroups: [""], resources: [pods], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice, namespace: guarded}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pods}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
`;

function nodeCells(version: string) {
  const run = runBuiltCli(
    ["audit", "-f", "-", "--kube-version", version, "-o", "json", "--full-matrix"],
    MANIFESTS,
  );
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout) as {
    matrix: { from: string; to: string; plane: string; verdict: string }[];
    findings: { id: string }[];
  };
  return {
    breaches: report.matrix
      .filter((c) => c.plane === "node" && c.verdict === "breach" && c.from === "guarded")
      .map((c) => `${c.from} -> ${c.to}`),
    noted: report.findings.some((f) => f.id === "node.pod-security-not-enforced"),
  };
}

describe("audit --kube-version and Pod Security admission", () => {
  it("on 1.37 the baseline label keeps guarded's privileged pods off the node", () => {
    expect(nodeCells("1.37")).toEqual({ breaches: [], noted: false });
  });

  it("on 1.20 nothing enforces the label: guarded reaches other through the node, and the audit says why", () => {
    expect(nodeCells("1.20")).toEqual({
      breaches: ["guarded -> platform", "guarded -> other"],
      noted: true,
    });
  });
});
