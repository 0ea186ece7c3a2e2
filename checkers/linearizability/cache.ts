/**
 * The memo of Lowe's just-in-time linearization ("Testing for Linearizability",
 * 2017): every (set of linearized operations, model state) pair the search has
 * reached. Reaching a pair again cannot lead anywhere new, so the search prunes it.
 *
 * Each set is kept as its window (linearized-set.ts): the index of its first
 * word that does not hold exactly the required operations, and the words from
 * there to its last nonzero one, back to back in one growable Uint32Array; a
 * few words per entry however long the partition. An open-addressing table
 * (linear probing, at most half full) maps a key, the set's Zobrist hash
 * (maintained incrementally by the search) with the state's hash, to the newest
 * entry with that key; older ones hang off it in a chain. So most mismatches are
 * rejected on two integers, and the window words and `model.equal` confirm a
 * match. No object is allocated per entry.
 *
 * Operations that need not be linearized (see `optional` in the search) make the
 * memo a little wider: a pair whose set holds the same required operations and
 * a superset of the optional ones, with an equal state, can reach nothing that
 * the stored pair cannot (the extra optional operations may simply stay
 * unplaced there), so it is pruned as well. For that, the set hash given with a
 * pair covers its required operations only.
 */
import type { LinearizedSet } from './linearized-set.js'
import type { StateHash } from './types.js'

/** Bytes of set storage a single partition's cache may hold. */
const MAX_SET_BYTES = 1 << 30

// An entry's integers, side by side in `entries` (one cache line per entry).
const SET_HASH = 0
const STATE_HASH = 1
/** The next older entry with the same key, + 1; 0 = none. */
const CHAIN = 2
/** A 32-bit signature of the entry's optional ops (see `add`). */
const SIGNATURE = 3
/** Where its window starts in `pool`, the window's first word in the set, its length. */
const OFFSET = 4
const LO = 5
const LENGTH = 6
const STRIDE = 8

export class StateCache<State> {
  /** Per slot: the newest entry with its key, + 1; 0 = empty. */
  private slots = new Int32Array(2048)
  private keys = 0
  /** The entries' windows, back to back; `used` words of it are taken. */
  private pool = new Uint32Array(4096)
  private used = 0
  private entries: Int32Array
  private states: State[] = []
  private count = 0
  private readonly dominance: boolean

  /**
   * @param required per word, the bits of the operations that must be linearized
   * @param someOptional whether any operation need not be (then a stored set with
   *   fewer optional operations covers a set with more; otherwise sets match exactly)
   */
  constructor(
    private readonly capacity: number,
    private readonly equal: (a: State, b: State) => boolean,
    private readonly required: Uint32Array,
    someOptional: boolean,
  ) {
    this.dominance = someOptional
    this.entries = new Int32Array(STRIDE * Math.max(1, Math.min(capacity, 1024)))
  }

  get size(): number {
    return this.count
  }

  /** A rough figure for the memory held: windows, per-entry integers, table slots and state references. */
  get bytes(): number {
    return 4 * this.used + this.count * (4 * STRIDE + 8) + 4 * this.slots.length
  }

  get full(): boolean {
    return this.count >= this.capacity || 4 * this.used >= MAX_SET_BYTES
  }

  /**
   * Adds the pair unless it, or a pair that covers it, is already present.
   * Returns true if it was new. `setHash` covers the set's required operations
   * only; `signature` has a bit set for each optional operation in the set (an
   * operation's bit may be shared), so that a stored set whose signature is not
   * within this one's cannot be a subset. The caller checks `full` first.
   */
  add(set: LinearizedSet, setHash: number, state: State, stateHash: number, signature: number): boolean {
    const slots = this.slots
    const mask = slots.length - 1
    let entries = this.entries
    let i = mix(setHash, stateHash) & mask
    let head = 0
    for (let slot = slots[i]!; slot !== 0; slot = slots[i]!) {
      const at = (slot - 1) * STRIDE
      if (entries[at + SET_HASH] === setHash && entries[at + STATE_HASH] === stateHash) {
        head = slot
        break
      }
      i = (i + 1) & mask
    }
    for (let c = head; c !== 0; c = entries[(c - 1) * STRIDE + CHAIN]!) {
      const e = c - 1
      const match = this.dominance ? (entries[e * STRIDE + SIGNATURE]! & ~signature) === 0 && this.covers(e, set) : this.sameSet(e, set)
      if (match && this.equal(this.states[e]!, state)) return false
    }
    const e = this.count
    if ((e + 1) * STRIDE > entries.length) entries = this.grow()
    const lo = set.lo
    const length = Math.max(0, set.hi - lo)
    if (this.used + length > this.pool.length) this.growPool(length)
    const pool = this.pool
    const words = set.words
    const base = this.used - lo
    for (let w = lo; w < lo + length; w++) pool[base + w] = words[w]!
    const at = e * STRIDE
    entries[at + SET_HASH] = setHash
    entries[at + STATE_HASH] = stateHash
    entries[at + CHAIN] = head
    entries[at + SIGNATURE] = signature
    entries[at + OFFSET] = this.used
    entries[at + LO] = lo
    entries[at + LENGTH] = length
    this.used += length
    this.states.push(state)
    this.slots[i] = e + 1
    this.count = e + 1
    if (head === 0 && 2 * ++this.keys > this.slots.length) this.rehash()
    return true
  }

  /** Same window (windows are canonical: equal sets have equal ones). */
  private sameSet(e: number, set: LinearizedSet): boolean {
    const lo = set.lo
    const length = Math.max(0, set.hi - lo)
    const at = e * STRIDE
    if (this.entries[at + LO] !== lo || this.entries[at + LENGTH] !== length) return false
    const pool = this.pool
    const words = set.words
    const base = this.entries[at + OFFSET]! - lo
    for (let w = lo; w < lo + length; w++) if (pool[base + w] !== words[w]) return false
    return true
  }

  /** The entry's set has the same required ops as `set` and a subset of its optional ones. */
  private covers(e: number, set: LinearizedSet): boolean {
    const required = this.required
    const words = set.words
    const at = e * STRIDE
    const eLo = this.entries[at + LO]!
    const eHi = eLo + this.entries[at + LENGTH]!
    const base = this.entries[at + OFFSET]! - eLo
    // Below both windows each set holds exactly the required ops; above both, nothing.
    const from = Math.min(eLo, set.lo)
    const to = Math.max(eHi, set.hi)
    for (let w = from; w < to; w++) {
      const a = w < eLo ? required[w]! : w < eHi ? this.pool[base + w]! : 0
      const b = words[w]!
      if ((a & ~b) !== 0 || ((a ^ b) & required[w]!) !== 0) return false
    }
    return true
  }

  private grow(): Int32Array {
    const entries = new Int32Array(STRIDE * Math.min(this.capacity, (2 * this.entries.length) / STRIDE))
    entries.set(this.entries)
    return (this.entries = entries)
  }

  private growPool(atLeast: number): void {
    const pool = new Uint32Array(Math.max(2 * this.pool.length, this.used + atLeast))
    pool.set(this.pool.subarray(0, this.used))
    this.pool = pool
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let s = 0; s < this.slots.length; s++) {
      const head = this.slots[s]!
      if (head === 0) continue
      const at = (head - 1) * STRIDE
      let i = mix(this.entries[at + SET_HASH]!, this.entries[at + STATE_HASH]!) & mask
      while (slots[i] !== 0) i = (i + 1) & mask
      slots[i] = head
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
