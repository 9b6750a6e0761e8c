import { describe, expect, it } from "vitest";
import { example, findingsOf } from "../support.js";

const ID = "rbac.hnc-grant-crosses-subtrees";

describe(ID, () => {
  it("reports a propagated RoleBinding that grants another tenant's identity, with the namespaces HNC copied it to", () => {
    const findings = findingsOf(example("hnc"), "hnc", ID);
    expect(findings.map((f) => [f.severity, f.subject, f.object, f.message, f.evidence])).toEqual([
      [
        "high",
        "ServiceAccount:acme-dev/deployer (tenant acme)",
        "tenant beta's subtree",
        "RoleBinding beta/ci-reader grants ServiceAccount:acme-dev/deployer of tenant acme ClusterRole view in tenant beta's hierarchy, and HNC propagates it to namespace beta-ci",
        [
          "RoleBinding beta/ci-reader: roleRef ClusterRole view",
          "RoleBinding beta-ci/ci-reader: hnc.x-k8s.io/inherited-from=beta",
        ],
      ],
    ]);
    expect(findings[0]!.resource).toEqual({ kind: "RoleBinding", namespace: "beta", name: "ci-reader" });
  });

  it("leaves grants within one hierarchy alone (acme-devs' edit, propagated through acme)", () => {
    const snapshot = structuredClone(example("hnc"));
    snapshot.roleBindings = snapshot.roleBindings.filter((b) => b.metadata.name !== "ci-reader");
    expect(findingsOf(snapshot, "hnc", ID)).toEqual([]);
  });

  it("attributes the API-plane evidence of a propagated copy to its source namespace", async () => {
    const { resolveTenants } = await import("../../../../src/tenancy/tenants.js");
    const { runAudit } = await import("../../../../src/tenancy/audit.js");
    const snapshot = structuredClone(example("hnc"));
    // Only the copy: the breach must be explained by it, and say where it came from.
    snapshot.roleBindings = snapshot.roleBindings.filter(
      (b) => !(b.metadata.name === "ci-reader" && b.metadata.namespace === "beta"),
    );
    const report = runAudit(
      snapshot,
      resolveTenants(snapshot, { from: "platform", platforms: ["hnc"] }).tenancy,
    );
    const cell = report.matrix.list().find((c) => c.from === "acme" && c.to === "beta" && c.plane === "api");
    expect(cell?.evidence?.[1]).toBe(
      'RoleBinding "ci-reader/beta-ci" of ClusterRole "view" to ServiceAccount "deployer/acme-dev", propagated by HNC from namespace beta',
    );
  });
});

describe(`${ID}: propagation to come`, () => {
  it("counts the descendants HNC will copy a source binding into, and none when it is annotated not to propagate", () => {
    const snapshot = structuredClone(example("hnc"));
    // Only the source, as manifests hold it before HNC runs.
    snapshot.roleBindings = snapshot.roleBindings.filter(
      (b) => b.metadata.labels?.["hnc.x-k8s.io/inherited-from"] === undefined,
    );
    const [finding] = findingsOf(snapshot, "hnc", ID);
    expect(finding?.evidence).toEqual([
      "RoleBinding beta/ci-reader: roleRef ClusterRole view",
      "namespace beta-ci descends from beta: HNC copies the binding into it",
    ]);
    const source = snapshot.roleBindings.find((b) => b.metadata.name === "ci-reader")!;
    source.metadata.annotations = { "propagate.hnc.x-k8s.io/none": "true" };
    expect(findingsOf(snapshot, "hnc", ID)).toEqual([]);
  });
});
