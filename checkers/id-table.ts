/**
 * The distinct ids a unique-ids check has seen, each numbered in the order it
 * was first seen. Ids are equal when their JSON is (as the checker compares
 * them). Every id must be remembered, for any later answer may repeat it; so
 * the table is made small: finite numbers (what most systems hand out) live in
 * an open-addressing table of two typed arrays, about 12 bytes a slot at most
 * 70% full, instead of a Map entry and a string each (about 80 bytes); other
 * ids are keyed by their JSON in a Map.
 */

const EMPTY = 0

export class IdTable {
  private keys = new Float64Array(1024)
  /** Ordinal + 1 of the id in each slot; EMPTY for a free slot. */
  private slots = new Int32Array(1024)
  private numbers = 0
  private readonly others = new Map<string, number>()
  /** Distinct ids so far. */
  size = 0
  /** After `see` found a number seen before: the value it was first seen as (0 or -0, which are one id). */
  found = 0

  /** The id's ordinal if it was seen before; otherwise -1, and it is added as `size - 1`. */
  see(id: unknown): number {
    if (typeof id === 'number' && Number.isFinite(id)) return this.seeNumber(id)
    const key = JSON.stringify(id) ?? 'null'
    const known = this.others.get(key)
    if (known !== undefined) return known
    this.others.set(key, this.size++)
    return -1
  }

  private seeNumber(x: number): number {
    if ((this.numbers + 1) * 10 > this.keys.length * 7) this.grow()
    const mask = this.keys.length - 1
    for (let i = hash(x) & mask; ; i = (i + 1) & mask) {
      const s = this.slots[i]!
      if (s === EMPTY) {
        this.keys[i] = x
        this.slots[i] = ++this.size
        this.numbers++
        return -1
      }
      // === holds for 0 and -0, which hash alike.
      if (this.keys[i] === x) {
        this.found = this.keys[i]!
        return s - 1
      }
    }
  }

  private grow(): void {
    const keys = this.keys
    const slots = this.slots
    this.keys = new Float64Array(keys.length * 2)
    this.slots = new Int32Array(keys.length * 2)
    const mask = this.keys.length - 1
    for (let j = 0; j < keys.length; j++) {
      if (slots[j] === EMPTY) continue
      let i = hash(keys[j]!) & mask
      while (this.slots[i] !== EMPTY) i = (i + 1) & mask
      this.keys[i] = keys[j]!
      this.slots[i] = slots[j]!
    }
  }
}

const scratch = new Float64Array(1)
const words = new Uint32Array(scratch.buffer)

/** A mix of the number's 64 bits (consecutive integers must not cluster). */
function hash(x: number): number {
  scratch[0] = x === 0 ? 0 : x
  let h = Math.imul(words[0]! ^ Math.imul(words[1]!, 0x9e3779b1), 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}
