/**
 * Where ops sit in a history.jsonl file: the byte offset of every SPACING-th
 * op's line (one number per 1,024 ops), so that a part of a long history can
 * be read again without reading what comes before it. The writer notes them
 * as it appends; a reader's full pass notes them when the writer did not.
 */

export class HistoryPositions {
  /** Ops between two noted offsets. */
  static readonly SPACING = 1024
  /** bytes[k]: the offset of op k × SPACING's line. */
  private readonly bytes: number[] = []

  /** Notes that op `position`'s line starts at `byte` (ops in order; only every SPACING-th is kept, once). */
  note(position: number, byte: number): void {
    if (position % HistoryPositions.SPACING === 0 && position / HistoryPositions.SPACING === this.bytes.length) this.bytes.push(byte)
  }

  /** The noted offsets, as plain data (to hand to a reader in another thread). */
  toArray(): number[] {
    return [...this.bytes]
  }

  static fromArray(bytes: readonly number[]): HistoryPositions {
    const p = new HistoryPositions()
    p.bytes.push(...bytes)
    return p
  }

  /** The nearest noted op at or before `position`: where a reader of `position` starts. */
  before(position: number): { position: number; byte: number } {
    const k = Math.min(Math.floor(Math.max(0, position) / HistoryPositions.SPACING), this.bytes.length - 1)
    if (k < 0) return { position: 0, byte: 0 }
    return { position: k * HistoryPositions.SPACING, byte: this.bytes[k]! }
  }
}
