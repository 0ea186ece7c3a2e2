/**
 * The memo of Lowe's just-in-time linearization ("Testing for Linearizability",
 * 2017): every (set of linearized operations, model state) pair the search has
 * reached. Reaching a pair again cannot lead anywhere new, so the search prunes it.
 *
 * Sets are bitsets stored back to back in one growable Uint32Array; pairs are
 * found by a combined hash (a Zobrist hash of the set, maintained incrementally by
 * the search, mixed with the model's state hash) and confirmed by comparing the
 * bitset words and `model.equal`. No object is allocated per entry.
 */
import type { StateHash } from './types.js'

/** Bytes of bitset storage a single partition's cache may hold. */
const MAX_BITSET_BYTES = 1 << 30

export class StateCache<State> {
  private readonly words: number
  private readonly index = new Map<number, number>()
  private bits: Uint32Array
  private chain: Int32Array
  private zobrist: Int32Array
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
    this.chain = new Int32Array(initial)
    this.zobrist = new Int32Array(initial)
  }

  get size(): number {
    return this.count
  }

  /** A rough figure for the memory held: bitsets, chains, map and state references. */
  get bytes(): number {
    return this.count * (4 * this.words + 8 + 48)
  }

  get full(): boolean {
    return this.count >= this.capacity
  }

  /**
   * Adds the pair unless it is already present. Returns true if it was new.
   * The caller checks `full` first.
   */
  add(set: Uint32Array, setHash: number, state: State, stateHash: number): boolean {
    const key = (setHash ^ Math.imul(stateHash, 0x9e3779b1)) & 0x3fffffff
    const words = this.words
    const head = this.index.get(key)
    if (head !== undefined) {
      const bits = this.bits
      for (let e = head; e !== -1; e = this.chain[e]!) {
        if (this.zobrist[e] !== setHash) continue
        let same = true
        const base = e * words
        for (let w = 0; w < words; w++) {
          if (bits[base + w] !== set[w]) {
            same = false
            break
          }
        }
        if (same && this.equal(this.states[e]!, state)) return false
      }
    }
    const e = this.count
    if (e * words >= this.bits.length) this.grow()
    this.bits.set(set.length === words ? set : set.subarray(0, words), e * words)
    this.chain[e] = head ?? -1
    this.zobrist[e] = setHash
    this.states.push(state)
    this.index.set(key, e)
    this.count = e + 1
    return true
  }

  private grow(): void {
    const entries = Math.min(this.capacity, this.chain.length * 2)
    const bits = new Uint32Array(entries * this.words)
    bits.set(this.bits)
    this.bits = bits
    const chain = new Int32Array(entries)
    chain.set(this.chain)
    this.chain = chain
    const zobrist = new Int32Array(entries)
    zobrist.set(this.zobrist)
    this.zobrist = zobrist
  }
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
