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

  /** Any bit set in [from, to). */
  anyIn(from: number, to: number): boolean {
    for (let i = from; i < to; ) {
      const w = i >>> 5;
      const bit = i & 31;
      if (bit === 0 && i + 32 <= to) {
        if (this.words[w] !== 0) return true;
        i += 32;
      } else {
        if (this.has(i)) return true;
        i++;
      }
    }
    return false;
  }

  /** Every bit set in [from, to). */
  allIn(from: number, to: number): boolean {
    for (let i = from; i < to; ) {
      const w = i >>> 5;
      const bit = i & 31;
      if (bit === 0 && i + 32 <= to) {
        if (this.words[w] !== 0xffffffff) return false;
        i += 32;
      } else {
        if (!this.has(i)) return false;
        i++;
      }
    }
    return true;
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

  count(): number {
    let n = 0;
    for (let w of this.words) {
      w -= (w >>> 1) & 0x55555555;
      w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
      n += (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  }
}
