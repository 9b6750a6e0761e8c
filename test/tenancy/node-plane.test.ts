import { describe, expect, it } from "vitest";
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
    expect(report.matrix.filter((c) => c.plane === "node" && c.verdict === "breach")).toEqual([]);
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
  return report.matrix.filter((c) => c.plane === "node" && c.verdict === "breach");
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
