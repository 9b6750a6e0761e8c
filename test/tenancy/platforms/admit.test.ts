/** The platforms' objects at the source boundary: read as their CRDs serve them, refused when the shape is wrong. */
import { describe, expect, it } from "vitest";
import { buildSnapshot } from "../../../src/sources/build.js";
import { parseDocuments } from "../../../src/sources/documents.js";

function load(yaml: string) {
  return buildSnapshot(parseDocuments(yaml, "t.yaml").documents, { synthesizeNamespaces: true });
}

describe("platform objects at the boundary", () => {
  it("reads a v1beta1 Tenant as v1beta2 without a deprecation warning (the CRD converts; nothing is deprecated)", () => {
    const { snapshot, diagnostics } = load(
      "apiVersion: capsule.clastix.io/v1beta1\nkind: Tenant\nmetadata: {name: oil}\nspec: {owners: [{kind: User, name: alice}]}\n",
    );
    expect(diagnostics).toEqual([]);
    expect(snapshot.platformObjects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([
      "capsule.clastix.io/v1beta2 Tenant oil",
    ]);
    expect(snapshot.unknownKinds).toEqual({});
  });

  it("refuses the shapes kubefence would misread, naming the field", () => {
    const cases: [string, string][] = [
      [
        "apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata: {name: oil}\nspec: {owners: [{kind: User}]}\n",
        'Tenant.capsule.clastix.io "oil" is invalid: spec.owners[0].name: Required value; document skipped',
      ],
      [
        "apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nmetadata: {name: oil}\nstatus: {namespaces: oil-dev}\n",
        'Tenant "oil": status.namespaces must be array (got a string ("oil-dev")); document skipped',
      ],
      [
        "apiVersion: hnc.x-k8s.io/v1alpha2\nkind: HierarchyConfiguration\nmetadata: {name: hierarchy, namespace: a}\nspec: {parent: [b]}\n",
        'HierarchyConfiguration "hierarchy": spec.parent must be string (got a list); document skipped',
      ],
    ];
    for (const [yaml, message] of cases) {
      const { snapshot, diagnostics } = load(yaml);
      expect(snapshot.platformObjects).toEqual([]);
      expect(diagnostics.map((d) => d.message)).toEqual([message]);
    }
  });

  it("keeps an unknown version of a platform's group among the kinds not analysed", () => {
    const { snapshot } = load(
      "apiVersion: capsule.clastix.io/v1alpha1\nkind: Tenant\nmetadata: {name: old}\n",
    );
    expect(snapshot.platformObjects).toEqual([]);
    expect(snapshot.unknownKinds).toEqual({ "capsule.clastix.io/v1alpha1/Tenant": 1 });
  });
});
