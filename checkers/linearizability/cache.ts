/**
 * The memo of Lowe's just-in-time linearization ("Testing for Linearizability",
 * 2017): every (set of linearized operations, model state) pair the search has
 * reached. Reaching a pair again cannot lead anywhere new, so the search prunes it.
 *
 * Sets are bitsets stored back to back in one growable Uint32Array. An open-
 * addressing table (linear probing, at most half full) maps a key, the set's
 * Zobrist hash (maintained incrementally by the search) with the state's hash,
 * to the newest entry with that key; older ones hang off it in a chain. So most
 * mismatches are rejected on two integers, and the bitset words and
 * `model.equal` confirm a match. No object is allocated per entry.
 *
 * Operations that need not be linearized (see `optional` in the search) make the
 * memo a little wider: a pair whose set holds the same required operations and
 * a superset of the optional ones, with an equal state, can reach nothing that
 * the stored pair cannot (the extra optional operations may simply stay
 * unplaced there), so it is pruned as well. For that, the set hash given with a
 * pair covers its required operations only.
 */
import type { StateHash } from './types.js'

/** Bytes of bitset storage a single partition's cache may hold. */
const MAX_BITSET_BYTES = 1 << 30

export class StateCache<State> {
  private readonly words: number
  /** Per slot: the newest entry with its key, + 1; 0 = empty. */
  private slots = new Int32Array(2048)
  private keys = 0
  private bits: Uint32Array
  private setHashes: Int32Array
  private stateHashes: Int32Array
  /** The next older entry with the same key, + 1; 0 = none. */
  private chain: Int32Array
  /** Per entry, a 32-bit signature of its optional ops (see `add`). */
  private signatures: Int32Array
  private states: State[] = []
  private count = 0
  readonly capacity: number

  /**
   * @param optionalMask bits of the operations that need not be linearized, or
   *   undefined when every operation must be (then pairs match exactly).
   */
  constructor(
    words: number,
    maxEntries: number,
    private readonly equal: (a: State, b: State) => boolean,
    private readonly optionalMask?: Uint32Array,
  ) {
    this.words = Math.max(1, words)
    this.capacity = Math.max(1, Math.min(maxEntries, Math.floor(MAX_BITSET_BYTES / (4 * this.words))))
    const initial = Math.min(this.capacity, 1024)
    this.bits = new Uint32Array(initial * this.words)
    this.setHashes = new Int32Array(initial)
    this.stateHashes = new Int32Array(initial)
    this.chain = new Int32Array(initial)
    this.signatures = new Int32Array(initial)
  }

  get size(): number {
    return this.count
  }

  /** A rough figure for the memory held: bitsets, hashes, chains, table slots and state references. */
  get bytes(): number {
    return this.count * (4 * this.words + 16 + 8) + 4 * this.slots.length
  }

  get full(): boolean {
    return this.count >= this.capacity
  }

  /**
   * Adds the pair unless it, or a pair that covers it, is already present.
   * Returns true if it was new. `setHash` covers the set's required operations
   * only; `signature` has a bit set for each optional operation in the set (an
   * operation's bit may be shared), so that a stored set whose signature is not
   * within this one's cannot be a subset. The caller checks `full` first.
   */
  add(set: Uint32Array, setHash: number, state: State, stateHash: number, signature: number): boolean {
    const slots = this.slots
    const mask = slots.length - 1
    let i = mix(setHash, stateHash) & mask
    let head = 0
    for (let slot = slots[i]!; slot !== 0; slot = slots[i]!) {
      if (this.setHashes[slot - 1] === setHash && this.stateHashes[slot - 1] === stateHash) {
        head = slot
        break
      }
      i = (i + 1) & mask
    }
    if (head !== 0) {
      const optional = this.optionalMask
      for (let c = head; c !== 0; c = this.chain[c - 1]!) {
        const e = c - 1
        if (optional === undefined ? this.sameSet(e, set) : (this.signatures[e]! & ~signature) === 0 && this.covers(e, set, optional)) {
          if (this.equal(this.states[e]!, state)) return false
        }
      }
    }
    const e = this.count
    if (e >= this.setHashes.length) this.grow()
    const words = this.words
    this.bits.set(set.length === words ? set : set.subarray(0, words), e * words)
    this.setHashes[e] = setHash
    this.stateHashes[e] = stateHash
    this.chain[e] = head
    this.signatures[e] = signature
    this.states.push(state)
    this.slots[i] = e + 1
    this.count = e + 1
    if (head === 0 && 2 * ++this.keys > this.slots.length) this.rehash()
    return true
  }

  private sameSet(e: number, set: Uint32Array): boolean {
    const words = this.words
    const base = e * words
    for (let w = 0; w < words; w++) if (this.bits[base + w] !== set[w]) return false
    return true
  }

  /** The entry's set has the same required ops as `set` and a subset of its optional ones. */
  private covers(e: number, set: Uint32Array, optional: Uint32Array): boolean {
    const words = this.words
    const base = e * words
    for (let w = 0; w < words; w++) {
      const a = this.bits[base + w]!
      const b = set[w]!
      if ((a & ~b) !== 0 || ((a ^ b) & ~optional[w]!) !== 0) return false
    }
    return true
  }

  private grow(): void {
    const entries = Math.min(this.capacity, this.setHashes.length * 2)
    const bits = new Uint32Array(entries * this.words)
    bits.set(this.bits)
    this.bits = bits
    this.setHashes = resized(this.setHashes, entries)
    this.stateHashes = resized(this.stateHashes, entries)
    this.chain = resized(this.chain, entries)
    this.signatures = resized(this.signatures, entries)
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let s = 0; s < this.slots.length; s++) {
      const head = this.slots[s]!
      if (head === 0) continue
      let i = mix(this.setHashes[head - 1]!, this.stateHashes[head - 1]!) & mask
      while (slots[i] !== 0) i = (i + 1) & mask
      slots[i] = head
    }
    this.slots = slots
  }
}

function resized(a: Int32Array, length: number): Int32Array {
  const b = new Int32Array(length)
  b.set(a)
  return b
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
