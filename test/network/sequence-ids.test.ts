import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SequenceIds } from "../../src/network/sequence-ids.js";

const idOf = (ids: SequenceIds, sequence: number[]) =>
  sequence.reduce((prefix, element) => ids.extend(prefix, element), SequenceIds.empty);

describe("SequenceIds", () => {
  it("gives two sequences the same id exactly when they are equal, order included", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
        (a, b) => {
          const ids = new SequenceIds(6);
          expect(idOf(ids, a) === idOf(ids, b)).toBe(a.join(",") === b.join(","));
        },
      ),
      { seed: 3, numRuns: 500 },
    );
  });

  it("keeps the empty sequence apart from a sequence of the element 0", () => {
    const ids = new SequenceIds(3);
    expect(idOf(ids, [])).toBe(SequenceIds.empty);
    expect(idOf(ids, [0])).not.toBe(SequenceIds.empty);
    expect(idOf(ids, [0, 0])).not.toBe(idOf(ids, [0]));
  });
});
