/**
 * The set of linearized operations of a search: a bitset over the partition's
 * operations that also knows its window. Below word `lo`, every word holds
 * exactly the required operations (all placed, no optional one); from word `hi`
 * on, every word is empty. The search places operations roughly in time order,
 * so the window is a few words wide however long the partition is, and the memo
 * (cache.ts) keeps only the window of each set. Equal sets have equal windows.
 */
export class LinearizedSet {
  readonly words: Uint32Array
  /** Words below `lo` equal `required`. */
  lo = 0
  /** Words from `hi` on are 0. */
  hi = 0

  /** @param required per word, the bits of the operations that must be linearized */
  constructor(readonly required: Uint32Array) {
    this.words = new Uint32Array(required.length)
    this.raiseLo()
  }

  has(op: number): boolean {
    return (this.words[op >>> 5]! & (1 << (op & 31))) !== 0
  }

  add(op: number): void {
    const w = op >>> 5
    this.words[w]! |= 1 << (op & 31)
    this.changed(w)
  }

  delete(op: number): void {
    const w = op >>> 5
    this.words[w]! &= ~(1 << (op & 31))
    this.changed(w)
  }

  private changed(w: number): void {
    const words = this.words
    if (w < this.lo) this.lo = w
    else if (w === this.lo) this.raiseLo()
    if (words[w] !== 0) {
      if (w >= this.hi) this.hi = w + 1
    } else if (w === this.hi - 1) {
      while (this.hi > 0 && words[this.hi - 1] === 0) this.hi--
    }
  }

  private raiseLo(): void {
    const words = this.words
    while (this.lo < words.length && words[this.lo] === this.required[this.lo]) this.lo++
  }
}

/** Per word, the bits of ops 0..n-1 for which `optional` is 0. */
export function requiredWords(optional: Uint8Array): Uint32Array {
  const required = new Uint32Array(Math.max(1, (optional.length + 31) >>> 5))
  for (let i = 0; i < optional.length; i++) if (optional[i] === 0) required[i >>> 5]! |= 1 << (i & 31)
  return required
}
