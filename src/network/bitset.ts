/** Fixed-size bitsets over 32-bit words: the matrices' rows (one bit per endpoint class). */
export class Bitset {
  readonly words: Uint32Array;

  constructor(
    readonly size: number,
    words?: Uint32Array,
  ) {
    this.words = words ?? new Uint32Array((size + 31) >>> 5);
  }

  static ones(size: number): Bitset {
    const b = new Bitset(size);
    b.words.fill(0xffffffff);
    const tail = size & 31;
    if (tail !== 0) b.words[b.words.length - 1] = (1 << tail) - 1;
    return b;
  }

  clone(): Bitset {
    return new Bitset(this.size, this.words.slice());
  }

  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  set(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }

  or(other: Bitset): this {
    const a = this.words;
    const b = other.words;
    for (let i = 0; i < a.length; i++) a[i]! |= b[i]!;
    return this;
  }

  and(other: Bitset): this {
    const a = this.words;
    const b = other.words;
    for (let i = 0; i < a.length; i++) a[i]! &= b[i]!;
    return this;
  }

  /** this ∧ other into a new bitset. */
  static and(a: Bitset, b: Bitset): Bitset {
    const out = new Uint32Array(a.words.length);
    for (let i = 0; i < out.length; i++) out[i] = a.words[i]! & b.words[i]!;
    return new Bitset(a.size, out);
  }

  isEmpty(): boolean {
    for (const w of this.words) if (w !== 0) return false;
    return true;
  }

  clear(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
  }

  /** Any bit set in [from, to). */
  anyIn(from: number, to: number): boolean {
    if (from >= to) return false;
    const first = from >>> 5;
    const last = (to - 1) >>> 5;
    const words = this.words;
    if (first === last) return (words[first]! & rangeMask(from & 31, ((to - 1) & 31) + 1)) !== 0;
    if ((words[first]! & rangeMask(from & 31, 32)) !== 0) return true;
    for (let w = first + 1; w < last; w++) if (words[w] !== 0) return true;
    return (words[last]! & rangeMask(0, ((to - 1) & 31) + 1)) !== 0;
  }

  /** Every bit set in [from, to). */
  allIn(from: number, to: number): boolean {
    if (from >= to) return true;
    const first = from >>> 5;
    const last = (to - 1) >>> 5;
    const words = this.words;
    if (first === last) {
      const mask = rangeMask(from & 31, ((to - 1) & 31) + 1);
      return (words[first]! & mask) >>> 0 === mask;
    }
    const head = rangeMask(from & 31, 32);
    if ((words[first]! & head) >>> 0 !== head) return false;
    for (let w = first + 1; w < last; w++) if (words[w] !== 0xffffffff) return false;
    const tail = rangeMask(0, ((to - 1) & 31) + 1);
    return (words[last]! & tail) >>> 0 === tail;
  }

  /** The first set bit at or after `from` and before `to`, or -1. */
  nextSet(from: number, to = this.size): number {
    if (from >= to) return -1;
    const words = this.words;
    let w = from >>> 5;
    let word = (words[w]! & ~((1 << (from & 31)) - 1)) >>> 0;
    if ((from & 31) === 0) word = words[w]!;
    const lastWord = (to - 1) >>> 5;
    for (;;) {
      if (word !== 0) {
        const i = (w << 5) + (31 - Math.clz32(word & -word));
        return i < to ? i : -1;
      }
      if (++w > lastWord) return -1;
      word = words[w]!;
    }
  }

  /** Indices of the set bits, ascending. */
  *indices(from = 0, to = this.size): Generator<number> {
    for (let w = from >>> 5; w < this.words.length && w << 5 < to; w++) {
      let word = this.words[w]!;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        const i = (w << 5) + bit;
        if (i >= from && i < to) yield i;
        word &= word - 1;
      }
    }
  }
}

/** Bits [lo, hi) of a word, unsigned. */
function rangeMask(lo: number, hi: number): number {
  const upper = hi === 32 ? 0xffffffff : ((1 << hi) - 1) >>> 0;
  const lower = lo === 0 ? 0 : ((1 << lo) - 1) >>> 0;
  return (upper & ~lower) >>> 0;
}
