/**
 * Small ids for sequences of small numbers, built one element at a time: equal sequences (the same elements
 * in the same order) get equal ids, and nothing is allocated per sequence but a map entry per distinct
 * prefix — per-class keys of 50 000 classes without a string each.
 */
export class SequenceIds {
  /** The id of the empty sequence. */
  static readonly empty = 0;
  private readonly ids = new Map<number, number>();

  /** `bound`: every element is below it. */
  constructor(private readonly bound: number) {}

  /** The id of sequence `prefix` (an id) followed by `element`. */
  extend(prefix: number, element: number): number {
    const key = prefix * this.bound + element;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(key, id);
    }
    return id;
  }
}
