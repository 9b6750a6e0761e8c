import { describe, expect, it } from "vitest";
import type { KubeVersion } from "../../src/model/kube-version.js";
import { ENFORCE_LEVEL_LABEL } from "../../src/podsecurity/index.js";
import { buildSnapshot } from "../../src/sources/build.js";
import { loadDemo } from "../../src/sources/demo.js";
import { parseDocuments } from "../../src/sources/documents.js";
import { type AuditReport, runAudit } from "../../src/tenancy/audit.js";
import { resolveTenants } from "../../src/tenancy/tenants.js";

const ONE_TENANT = `
apiVersion: v1
kind: Namespace
metadata: {name: solo}
---
apiVersion: v1
kind: Pod
metadata: {name: escape, namespace: solo}
spec:
  hostPID: true
  containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
`;

describe("the node plane", () => {
  it("a lone tenant with a privileged pod (the most common CI input) is audited, not a crash: nobody else to reach", () => {
    const { snapshot } = buildSnapshot(parseDocuments(ONE_TENANT, "one.yaml").documents, {
      synthesizeNamespaces: true,
    });
    const { tenancy } = resolveTenants(snapshot, { from: "namespace" });
    const report = runAudit(snapshot, tenancy);
    expect(report.matrix.list().filter((c) => c.plane === "node" && c.verdict === "breach")).toEqual([]);
    // The escape itself is still a finding.
    expect(report.findings.some((f) => f.plane === "node" && f.severity === "critical")).toBe(true);
  });
});

/** The resident a node breach's chain ends on: `ns/name[Kind] runs…` or `any pod of tenant X (it has none yet) …`. */
function residentTenant(report: AuditReport, evidence: string[]): string | undefined {
  const last = evidence.at(-1) ?? "";
  const none = /^any pod of tenant (\S+) \(it has none yet\)/.exec(last);
  if (none) return none[1];
  const namespace = last.split("/")[0];
  return report.tenants.find((t) => t.namespaces.includes(namespace ?? ""))?.name;
}

function nodeBreaches(report: AuditReport) {
  return report.matrix.list().filter((c) => c.plane === "node" && c.verdict === "breach");
}

// Four tenants: `a` runs an escaping pod (every node is reachable), alice of `b` may create pods in the
// unlabelled (so privileged) namespace b, `c` has a pod, `d` none yet.
const FOUR_TENANTS = `
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b}
---
apiVersion: v1
kind: Namespace
metadata: {name: c}
---
apiVersion: v1
kind: Namespace
metadata: {name: d}
---
apiVersion: v1
kind: Pod
metadata: {name: escape, namespace: a}
spec:
  hostPID: true
  containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-b, namespace: b}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-c, namespace: c}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pods, namespace: b}
rules: [{apiGroups: [""], resources: [pods], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice, namespace: b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pods}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
`;

describe("node-plane evidence names the column's tenant", () => {
  it("in the demo, every node breach cell cites a pod of the column (default → network cites a pod of network, not kube-proxy)", () => {
    const { snapshot } = loadDemo();
    const { tenancy } = resolveTenants(snapshot, { from: "namespace" });
    const report = runAudit(snapshot, tenancy);
    const breaches = nodeBreaches(report);
    expect(breaches.length).toBeGreaterThanOrEqual(3);
    for (const cell of breaches)
      expect([cell.to, residentTenant(report, cell.evidence)]).toEqual([cell.to, cell.to]);
    const toNetwork = breaches.find((c) => c.from === "default" && c.to === "network")!;
    expect(toNetwork.evidence.at(-1)).toMatch(/^network\//);
  });

  it("with an escaping pod and with a pod creator reaching every other tenant, each cell names its own column's resident (or says it has none yet)", () => {
    const { snapshot } = buildSnapshot(parseDocuments(FOUR_TENANTS, "four.yaml").documents, {
      synthesizeNamespaces: true,
    });
    const { tenancy } = resolveTenants(snapshot, { from: "namespace" });
    const report = runAudit(snapshot, tenancy);
    const breaches = nodeBreaches(report);
    const rows = new Set(breaches.map((c) => c.from));
    expect(rows).toEqual(new Set(["a", "b"]));
    for (const cell of breaches)
      expect([cell.to, residentTenant(report, cell.evidence)]).toEqual([cell.to, cell.to]);
    const aToD = breaches.find((c) => c.from === "a" && c.to === "d")!;
    expect(aToD.evidence.at(-1)).toMatch(/^any pod of tenant d \(it has none yet\)/);
    const bToC = breaches.find((c) => c.from === "b" && c.to === "c")!;
    expect(bToC.evidence.at(-1)).toMatch(/^c\/web-c\[Pod\]/);
  });
});

describe("Pod Security labels guard the node only where Pod Security admission runs", () => {
  /** The demo with alice allowed to create pods in test-namespace, which enforces baseline. */
  function guardedDemo(kubeVersion: KubeVersion, level = "baseline") {
    const { snapshot } = loadDemo({ kubeVersion });
    const namespace = snapshot.namespaces.find((ns) => ns.metadata.name === "test-namespace")!;
    namespace.metadata.labels = { ...namespace.metadata.labels, [ENFORCE_LEVEL_LABEL]: level };
    const role = snapshot.roles.find((r) => r.metadata.name === "test-master-role")!;
    role.rules = [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create"] }];
    const { tenancy } = resolveTenants(snapshot, { from: "namespace" });
    return runAudit(snapshot, tenancy, { kubeVersion });
  }
  const fromTestNamespace = (report: AuditReport) =>
    nodeBreaches(report).filter((c) => c.from === "test-namespace");

  it("on 1.37 enforce: baseline keeps alice's privileged pod out: test-namespace reaches no node", () => {
    const report = guardedDemo({ major: 1, minor: 37 });
    expect(fromTestNamespace(report)).toEqual([]);
    // The label is what keeps it out: enforcing privileged, the same grant reaches every other tenant.
    expect(fromTestNamespace(guardedDemo({ major: 1, minor: 37 }, "privileged"))).toHaveLength(3);
    expect(report.findings.some((f) => f.id === "node.pod-security-not-enforced")).toBe(false);
  });

  it("on 1.20 the same label is a plain label: alice's privileged pod reaches every tenant's node, and the audit says why once", () => {
    const report = guardedDemo({ major: 1, minor: 20 });
    const cells = fromTestNamespace(report);
    expect(cells.map((c) => c.to).sort()).toEqual(["default", "network", "platform"]);
    for (const cell of cells)
      expect(cell.evidence).toContain(
        "nothing enforces namespace test-namespace's Pod Security labels: Pod Security admission is not part of Kubernetes 1.20 (on by default from 1.23)",
      );
    const notes = report.findings.filter((f) => f.id === "node.pod-security-not-enforced");
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toBe(
      "Pod Security admission is not part of Kubernetes 1.20 (on by default from 1.23): namespace labels are not enforced, every namespace is judged at privileged",
    );
    expect(notes[0]!.evidence).toContain(
      "namespace test-namespace: pod-security.kubernetes.io/enforce=baseline is a plain label here",
    );
  });
});
