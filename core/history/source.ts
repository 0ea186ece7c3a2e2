/**
 * A history that can be read more than once without being held: a whole pass
 * in blocks of ops, or only some stretches of it by position. Checkers that
 * fold over a history (checkers/checker.ts) read it through this, so a history
 * of any length is checked in bounded memory.
 *
 * Every op a source yields has `index` equal to its position in the history.
 */
import { streamHistoryJsonl } from './jsonl.js'
import { HistoryPositions } from './positions.js'
import { readHistoryRanges, type PositionRange } from './range-reader.js'
import type { Op } from '../op.js'

export type { PositionRange } from './range-reader.js'

export interface HistorySource {
  /** What it is, for messages (a file's path). */
  readonly name: string
  /** Every op, in order, in blocks. Each call is a new pass. */
  blocks(): AsyncIterable<readonly Op[]>
  /** The ops at the positions in `ranges` (ascending, not overlapping), in order, in blocks. */
  ranges(ranges: readonly PositionRange[]): AsyncIterable<readonly Op[]>
  /** Where it is on disk, for a reader in another thread (`historyFile(path, { positions })` there); absent in memory. */
  readonly file?: { path: string; positions: HistoryPositions }
}

export interface HistoryFileOptions {
  /** Where the ops' lines start, as the writer noted them; a full pass notes them otherwise. */
  positions?: HistoryPositions
  /** A torn last line, reported once. */
  onWarning?: (warning: string) => void
}

/** A history.jsonl file (validated on every full pass; see jsonl.ts). */
export function historyFile(path: string, options: HistoryFileOptions = {}): HistorySource {
  const positions = options.positions ?? new HistoryPositions()
  const warned = new Set<string>()
  const warn = (w: string): void => {
    if (warned.has(w)) return
    warned.add(w)
    options.onWarning?.(w)
  }
  return {
    name: path,
    file: { path, positions },
    // Noting is idempotent: a pass notes only the positions not noted yet.
    blocks: () => streamHistoryJsonl(path, warn, positions),
    ranges: (ranges) => readHistoryRanges(path, ranges, positions),
  }
}

const BLOCK = 8192

/** A history already in memory, as a source (ops whose index is not their position are copied with it). */
export function historyOfOps(history: readonly Op[]): HistorySource {
  const at = (i: number): Op => {
    const op = history[i]!
    return op.index === i ? op : { ...op, index: i }
  }
  return {
    name: 'history',
    async *blocks() {
      for (let i = 0; i < history.length; i += BLOCK) {
        const block: Op[] = []
        for (let j = i; j < Math.min(history.length, i + BLOCK); j++) block.push(at(j))
        yield block
      }
    },
    async *ranges(ranges) {
      for (const [from, to] of ranges) {
        const block: Op[] = []
        for (let j = Math.max(0, from); j <= Math.min(to, history.length - 1); j++) block.push(at(j))
        if (block.length > 0) yield block
      }
    },
  }
}

/** The whole history in memory, for the checkers that need it at once. */
export async function readAllOps(source: HistorySource): Promise<Op[]> {
  const out: Op[] = []
  for await (const block of source.blocks()) for (const op of block) out.push(op)
  return out
}
