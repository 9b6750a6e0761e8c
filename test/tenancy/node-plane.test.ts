import { describe, expect, it } from "vitest";
import { buildSnapshot } from "../../src/sources/build.js";
import { parseDocuments } from "../../src/sources/documents.js";
import { runAudit } from "../../src/tenancy/audit.js";
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
