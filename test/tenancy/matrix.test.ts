import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ALL_TENANTS,
  addBreach,
  countBreaches,
  expandMatrix,
  lookup,
  type PlaneBreaches,
} from "../../src/tenancy/matrix.js";

const tenants = ["a", "b", "c", "d"];
const rows = ["a", "b", "c", "(no tenant)"];
const end = fc.constantFrom(...tenants, "(no tenant)", ALL_TENANTS);

describe("the sparse matrix", () => {
  it("a breach to ALL_TENANTS reaches every column but the row's own; one from ALL_TENANTS comes from every row", () => {
    const breaches: PlaneBreaches = new Map();
    addBreach(breaches, "a", ALL_TENANTS, ["grant"]);
    addBreach(breaches, ALL_TENANTS, "d", ["open pod"]);
    expect(lookup(breaches, "a", "b")).toEqual(["grant"]);
    expect(lookup(breaches, "a", "a")).toBeUndefined();
    expect(lookup(breaches, "b", "d")).toEqual(["open pod"]);
    expect(lookup(breaches, "b", "c")).toBeUndefined();
  });

  it("keeps the shortest evidence chain for a pair", () => {
    const breaches: PlaneBreaches = new Map();
    addBreach(breaches, "a", "b", ["1", "2", "3"]);
    addBreach(breaches, "a", "b", ["1"]);
    addBreach(breaches, "a", "b", ["1", "2"]);
    expect(lookup(breaches, "a", "b")).toEqual(["1"]);
  });

  it("counts breaches and affected tenants exactly as the expanded matrix does", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(end, end), { maxLength: 12 }), (pairs) => {
        const breaches: PlaneBreaches = new Map();
        for (const [from, to] of pairs) addBreach(breaches, from, to, [`${from}->${to}`]);
        const empty: PlaneBreaches = new Map();
        const cells = expandMatrix(rows, tenants, { api: breaches, network: empty, node: empty }).filter(
          (c) => c.plane === "api",
        );
        const breached = cells.filter((c) => c.verdict === "breach");
        expect(countBreaches(rows, tenants, breaches)).toEqual({
          cells: cells.length,
          breaches: breached.length,
          tenantsAffected: new Set(breached.map((c) => c.to)).size,
        });
      }),
      { numRuns: 500 },
    );
  });
});
