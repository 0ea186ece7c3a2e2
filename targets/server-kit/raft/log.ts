/**
 * The replicated log as held in memory: the entries after the latest snapshot,
 * addressed by their Raft index (1-based). Index 0 and the snapshot's last
 * included index are known only by their term. Pure: no I/O.
 */
import type { Entry } from './messages.js'

export class RaftLog<C = unknown> {
  private entries: Entry<C>[]
  private baseIndex: number
  private baseTerm: number

  constructor(snapshotIndex = 0, snapshotTerm = 0, entries: readonly Entry<C>[] = []) {
    this.baseIndex = snapshotIndex
    this.baseTerm = snapshotTerm
    this.entries = []
    this.append(entries)
  }

  /** Index of the last entry covered by the snapshot (0 if none). */
  get snapshotIndex(): number {
    return this.baseIndex
  }
  get snapshotTerm(): number {
    return this.baseTerm
  }
  get lastIndex(): number {
    return this.baseIndex + this.entries.length
  }
  get lastTerm(): number {
    return this.entries[this.entries.length - 1]?.term ?? this.baseTerm
  }
  /** Entries held in memory (after the snapshot). */
  get length(): number {
    return this.entries.length
  }

  /** The term of the entry at `index`; undefined if past the end or compacted away. */
  termAt(index: number): number | undefined {
    if (index === this.baseIndex) return this.baseTerm
    return this.entry(index)?.term
  }

  entry(index: number): Entry<C> | undefined {
    if (index <= this.baseIndex) return undefined
    return this.entries[index - this.baseIndex - 1]
  }

  /** Entries from `from` (inclusive), at most `max` of them. `from` must be past the snapshot. */
  slice(from: number, max = Infinity): Entry<C>[] {
    if (from <= this.baseIndex) throw new RangeError(`entry ${from} is compacted (snapshot at ${this.baseIndex})`)
    const start = from - this.baseIndex - 1
    return this.entries.slice(start, max === Infinity ? undefined : start + max)
  }

  /** Appends entries that continue the log exactly (index = lastIndex + 1, ...). */
  append(entries: readonly Entry<C>[]): void {
    for (const e of entries) {
      if (e.index !== this.lastIndex + 1) throw new RangeError(`append of entry ${e.index} after ${this.lastIndex}`)
      if (e.term < this.lastTerm) throw new RangeError(`entry ${e.index} has term ${e.term} < last term ${this.lastTerm}`)
      this.entries.push(e)
    }
  }

  /** Removes every entry at `index` and after (a conflicting suffix). */
  truncateFrom(index: number): void {
    if (index <= this.baseIndex) throw new RangeError(`cannot truncate committed (snapshotted) entry ${index}`)
    this.entries.length = Math.max(0, Math.min(this.entries.length, index - this.baseIndex - 1))
  }

  /** The first index of the run of entries that share the term of `index` (not before the snapshot). */
  firstIndexOfTerm(index: number): number {
    const term = this.termAt(index)
    let i = index
    while (i - 1 > this.baseIndex && this.termAt(i - 1) === term) i -= 1
    return i
  }

  /** The last index holding an entry of `term`, or undefined if the log has none. */
  lastIndexOfTerm(term: number): number | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!
      if (e.term === term) return e.index
      if (e.term < term) return undefined
    }
    return this.baseTerm === term && this.baseIndex > 0 ? this.baseIndex : undefined
  }

  /** Drops entries up to `index`, now covered by a snapshot whose last entry has `term`. */
  compactTo(index: number, term: number): void {
    if (index <= this.baseIndex) return
    const keep = index < this.lastIndex && this.termAt(index) === term
    this.entries = keep ? this.entries.slice(index - this.baseIndex) : []
    this.baseIndex = index
    this.baseTerm = term
  }
}
