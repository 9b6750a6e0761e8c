import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALL_TENANTS, BreachMap, expandMatrix, lookup } from "../../src/tenancy/matrix.js";

const tenants = ["a", "b", "c", "d"];
const rows = ["a", "b", "c", "(no tenant)"];
const end = fc.constantFrom(...tenants, "(no tenant)", ALL_TENANTS);

describe("the sparse matrix", () => {
  it("a breach to ALL_TENANTS reaches every column but the row's own; one from ALL_TENANTS comes from every row", () => {
    const breaches = new BreachMap();
    breaches.add("a", ALL_TENANTS, ["grant"]);
    breaches.add(ALL_TENANTS, "d", ["open pod"]);
    expect(lookup(breaches, "a", "b")).toEqual(["grant"]);
    expect(lookup(breaches, "a", "a")).toBeUndefined();
    expect(lookup(breaches, "b", "d")).toEqual(["open pod"]);
    expect(lookup(breaches, "b", "c")).toBeUndefined();
  });

  it("keeps the shortest evidence chain for a pair", () => {
    const breaches = new BreachMap();
    breaches.add("a", "b", ["1", "2", "3"]);
    breaches.add("a", "b", ["1"]);
    breaches.add("a", "b", ["1", "2"]);
    expect(lookup(breaches, "a", "b")).toEqual(["1"]);
  });

  it("counts breaches and affected tenants exactly as the expanded matrix does", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(end, end), { maxLength: 12 }), (pairs) => {
        const breaches = new BreachMap();
        for (const [from, to] of pairs) breaches.add(from, to, [`${from}->${to}`]);
        const empty = new BreachMap();
        const cells = [...expandMatrix(rows, tenants, { api: breaches, network: empty, node: empty })].filter(
          (c) => c.plane === "api",
        );
        const breached = cells.filter((c) => c.verdict === "breach");
        expect(breaches.storedCount()).toBe([...breaches.stored()].length);
        expect(breaches.count(rows, tenants)).toEqual({
          cells: cells.length,
          breaches: breached.length,
          tenantsAffected: new Set(breached.map((c) => c.to)).size,
        });
      }),
      { numRuns: 500 },
    );
  });
});
