/**
 * The memo of Lowe's just-in-time linearization ("Testing for Linearizability",
 * 2017): every (set of linearized operations, model state) pair the search has
 * reached. Reaching a pair again cannot lead anywhere new, so the search prunes it.
 *
 * Sets are bitsets stored back to back in one growable Uint32Array. An open-
 * addressing table (linear probing, at most half full) maps the pair's combined
 * hash to its entry; an entry keeps the set's Zobrist hash (maintained
 * incrementally by the search) and the state's hash, so most mismatches are
 * rejected on two integers before the bitset words and `model.equal` confirm a
 * match. No object is allocated per entry.
 */
import type { StateHash } from './types.js'

/** Bytes of bitset storage a single partition's cache may hold. */
const MAX_BITSET_BYTES = 1 << 30

export class StateCache<State> {
  private readonly words: number
  /** Entry index + 1 per slot; 0 = empty. */
  private slots = new Int32Array(2048)
  private bits: Uint32Array
  private setHashes: Int32Array
  private stateHashes: Int32Array
  private states: State[] = []
  private count = 0
  readonly capacity: number

  constructor(
    words: number,
    maxEntries: number,
    private readonly equal: (a: State, b: State) => boolean,
  ) {
    this.words = Math.max(1, words)
    this.capacity = Math.max(1, Math.min(maxEntries, Math.floor(MAX_BITSET_BYTES / (4 * this.words))))
    const initial = Math.min(this.capacity, 1024)
    this.bits = new Uint32Array(initial * this.words)
    this.setHashes = new Int32Array(initial)
    this.stateHashes = new Int32Array(initial)
  }

  get size(): number {
    return this.count
  }

  /** A rough figure for the memory held: bitsets, hashes, table slots and state references. */
  get bytes(): number {
    return this.count * (4 * this.words + 8 + 8) + 4 * this.slots.length
  }

  get full(): boolean {
    return this.count >= this.capacity
  }

  /**
   * Adds the pair unless it is already present. Returns true if it was new.
   * The caller checks `full` first.
   */
  add(set: Uint32Array, setHash: number, state: State, stateHash: number): boolean {
    const words = this.words
    const mask = this.slots.length - 1
    let i = mix(setHash, stateHash) & mask
    for (let slot = this.slots[i]!; slot !== 0; slot = this.slots[i]!) {
      const e = slot - 1
      if (this.setHashes[e] === setHash && this.stateHashes[e] === stateHash && this.sameSet(e, set) && this.equal(this.states[e]!, state)) return false
      i = (i + 1) & mask
    }
    const e = this.count
    if (e >= this.setHashes.length) this.grow()
    this.bits.set(set.length === words ? set : set.subarray(0, words), e * words)
    this.setHashes[e] = setHash
    this.stateHashes[e] = stateHash
    this.states.push(state)
    this.slots[i] = e + 1
    this.count = e + 1
    if (2 * this.count > this.slots.length) this.rehash()
    return true
  }

  private sameSet(e: number, set: Uint32Array): boolean {
    const words = this.words
    const base = e * words
    for (let w = 0; w < words; w++) if (this.bits[base + w] !== set[w]) return false
    return true
  }

  private grow(): void {
    const entries = Math.min(this.capacity, this.setHashes.length * 2)
    const bits = new Uint32Array(entries * this.words)
    bits.set(this.bits)
    this.bits = bits
    const setHashes = new Int32Array(entries)
    setHashes.set(this.setHashes)
    this.setHashes = setHashes
    const stateHashes = new Int32Array(entries)
    stateHashes.set(this.stateHashes)
    this.stateHashes = stateHashes
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let e = 0; e < this.count; e++) {
      let i = mix(this.setHashes[e]!, this.stateHashes[e]!) & mask
      while (slots[i] !== 0) i = (i + 1) & mask
      slots[i] = e + 1
    }
    this.slots = slots
  }
}

/** Spreads the two hashes over the table's low bits (the Zobrist hash is already uniform; state hashes may not be). */
function mix(setHash: number, stateHash: number): number {
  const h = setHash ^ Math.imul(stateHash, 0x9e3779b1)
  return h ^ (h >>> 15)
}

/** FNV-1a over UTF-16 code units: turns a string state hash into a number. */
export function hashString(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h | 0
}

export function numericHash(h: StateHash): number {
  return typeof h === 'number' ? (Number.isInteger(h) ? h | 0 : hashString(String(h))) : hashString(h)
}
