/**
 * Which write wrote value v to key k: an open-addressing hash table over typed
 * arrays for numeric values (the usual case), a Map for the rest. A Map per key
 * would be a hundred thousand objects on a long history, and the garbage
 * collector's time with them while the history fills the heap; this is three arrays.
 */
export class ValueIndex {
  private readonly slots: Int32Array
  private readonly mask: number
  private readonly keyOf: Int32Array
  private readonly numberOf: Float64Array
  private readonly others = new Map<string, number>()

  /** `capacity`: how many (key, value) pairs will be added, at most. */
  constructor(capacity: number) {
    let size = 16
    while (size < capacity * 2) size *= 2
    this.slots = new Int32Array(size).fill(-1)
    this.mask = size - 1
    this.keyOf = new Int32Array(capacity)
    this.numberOf = new Float64Array(capacity)
  }

  /** Adds (k, v) → id (ids are 0..capacity-1). False when (k, v) is already there. */
  add(k: number, v: unknown, id: number): boolean {
    if (typeof v !== 'number') {
      const name = otherName(k, v)
      if (this.others.has(name)) return false
      this.others.set(name, id)
      return true
    }
    let s = hash(k, v) & this.mask
    for (;;) {
      const at = this.slots[s]!
      if (at === -1) break
      if (this.keyOf[at] === k && this.numberOf[at] === v) return false
      s = (s + 1) & this.mask
    }
    this.slots[s] = id
    this.keyOf[id] = k
    this.numberOf[id] = v
    return true
  }

  /** The id of (k, v), or -1. */
  get(k: number, v: unknown): number {
    if (typeof v !== 'number') {
      if (v === null || typeof v === 'object') return -1
      return this.others.get(otherName(k, v)) ?? -1
    }
    let s = hash(k, v) & this.mask
    for (;;) {
      const at = this.slots[s]!
      if (at === -1) return -1
      if (this.keyOf[at] === k && this.numberOf[at] === v) return at
      s = (s + 1) & this.mask
    }
  }
}

/** A non-numeric value's name: its type keeps the string "1" apart from true or 1n. */
function otherName(k: number, v: unknown): string {
  return `${k}\u0000${typeof v}\u0000${String(v)}`
}

function hash(k: number, v: number): number {
  const x = Math.imul(k, 0x9e3779b1) ^ Math.imul(v | 0, 0x85ebca6b) ^ Math.imul((v / 4294967296) | 0, 0xc2b2ae35)
  return (x ^ (x >>> 15)) >>> 0
}
