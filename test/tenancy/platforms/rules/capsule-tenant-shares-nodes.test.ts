import { describe, expect, it } from "vitest";
import { example, findingsOf, snapshotOf } from "../support.js";

const ID = "node.capsule-tenant-shares-nodes";

describe(ID, () => {
  it("reports both tenants when one has no nodeSelector: its pods may land on the other's pool", () => {
    const findings = findingsOf(example("capsule"), "capsule", ID);
    expect(findings.map((f) => [f.severity, f.subject, f.message])).toEqual([
      [
        "medium",
        "Capsule tenant oil",
        "Capsule tenant oil may share nodes with tenant gas: its spec.nodeSelector pool=oil selects nodes it may also run on (node-oil); a pod that escapes to its node reaches the other tenant's pods there",
      ],
      [
        "medium",
        "Capsule tenant gas",
        "Capsule tenant gas may share nodes with tenant oil: it has no spec.nodeSelector, so its pods may run on any node, that tenant's included (node-oil); a pod that escapes to its node reaches the other tenant's pods there",
      ],
    ]);
  });

  it("reports nothing once every tenant has a pool of its own", () => {
    const snapshot = structuredClone(example("capsule"));
    const gas = snapshot.platformObjects.find((o) => o.kind === "Tenant" && o.metadata.name === "gas")!;
    (gas as { spec: { nodeSelector?: Record<string, string> } }).spec.nodeSelector = { pool: "gas" };
    snapshot.nodes.find((n) => n.metadata.name === "node-shared")!.metadata.labels!.pool = "gas";
    expect(findingsOf(snapshot, "capsule", ID)).toEqual([]);
  });

  it("judges by the selectors when no node was read: two pools by different values never meet", () => {
    const snapshot = structuredClone(example("capsule"));
    snapshot.nodes = [];
    const findings = findingsOf(snapshot, "capsule", ID);
    expect(findings.map((f) => f.subject)).toEqual(["Capsule tenant oil", "Capsule tenant gas"]);
    expect(findings[0]!.message).toContain("(nodes were not read: judged by the selectors)");
    const gas = snapshot.platformObjects.find((o) => o.kind === "Tenant" && o.metadata.name === "gas")!;
    (gas as { spec: { nodeSelector?: Record<string, string> } }).spec.nodeSelector = { pool: "gas" };
    expect(findingsOf(snapshot, "capsule", ID)).toEqual([]);
  });
});

describe(`${ID}: many tenants`, () => {
  it("tenants of one pool share it; a message names the first eight others and counts the rest", () => {
    const names = Array.from({ length: 12 }, (_, i) => `t${String(i + 1).padStart(2, "0")}`);
    const snapshot = snapshotOf(
      names
        .map(
          (t) =>
            `apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata: {name: ${t}}\nspec: {owners: [{kind: User, name: ${t}}], nodeSelector: {pool: shared}}\nstatus: {namespaces: [${t}]}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ${t}}\n`,
        )
        .join("---\n"),
    );
    const findings = findingsOf(snapshot, "capsule", ID);
    expect(findings).toHaveLength(12);
    expect(findings[0]!.object).toBe("11 Capsule tenants");
    expect(findings[0]!.message).toBe(
      "Capsule tenant t01 may share nodes with tenants t02, t03, t04, t05, t06, t07, t08, t09 and 3 more: its spec.nodeSelector pool=shared selects nodes they may also run on (nodes were not read: judged by the selectors); a pod that escapes to its node reaches the other tenant's pods there",
    );
    expect(findings[0]!.evidence).toHaveLength(11);
  });
});
