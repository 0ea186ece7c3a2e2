/**
 * Reading stretches of a history.jsonl again, by op position. A checker's
 * second pass over some keys' ops reads only the parts of the file that hold
 * them, each from the nearest noted position before it (positions.ts). The
 * file was validated by a full pass already, so lines are only parsed; blank
 * lines are skipped and a torn last line is left out, as the full pass does.
 */
import { HistoryError } from '../errors.js'
import type { Op } from '../op.js'
import type { HistoryPositions } from './positions.js'
import { openHistoryForRead } from './open-history.js'

/** Ops at positions from..to, both included. */
export type PositionRange = readonly [from: number, to: number]

const READ_BLOCK = 1 << 20
const YIELD_OPS = 8192

/** The ops in `ranges` (ascending, not overlapping), in order, in blocks; each op's `index` is its position. */
export async function* readHistoryRanges(path: string, ranges: readonly PositionRange[], positions: HistoryPositions): AsyncGenerator<Op[]> {
  const file = await openHistoryForRead(path)
  const buffer = Buffer.allocUnsafe(READ_BLOCK)
  // The reader's place: `text` holds whole lines decoded from the file, `at` is
  // the start of the next one, which is op `position` (unless blank); `carry` is
  // a partial line read after them, and `next` the file offset after `carry`.
  let text = ''
  let at = 0
  let position = -1
  let carry: Buffer = Buffer.alloc(0)
  let next = 0
  let ended = false

  const seek = (to: { position: number; byte: number }): void => {
    text = ''
    at = 0
    carry = Buffer.alloc(0)
    position = to.position
    next = to.byte
    ended = false
  }
  /** Reads more whole lines into `text`; false at the end of the file. */
  const refill = async (): Promise<boolean> => {
    while (!ended) {
      const { bytesRead } = await file.read(buffer, 0, READ_BLOCK, next)
      next += bytesRead
      if (bytesRead === 0) {
        ended = true // what is left in `carry` is a torn last line: not an op
        return false
      }
      const data = carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead)
      const lastNl = data.lastIndexOf(10)
      if (lastNl === -1) {
        carry = Buffer.from(data)
        continue
      }
      text = data.toString('utf8', 0, lastNl + 1)
      at = 0
      carry = Buffer.from(data.subarray(lastNl + 1))
      return true
    }
    return false
  }

  try {
    let block: Op[] = []
    for (const [from, to] of ranges) {
      if (to < from) continue
      const start = positions.before(from)
      // Read on from where the last range stopped, unless a noted position is nearer.
      if (position < 0 || position > from || start.position > position) seek(start)
      while (position <= to) {
        let nl = text.indexOf('\n', at)
        if (nl === -1) {
          if (!(await refill())) break
          nl = text.indexOf('\n', at)
        }
        const lineStart = at
        at = nl + 1
        // Blank lines are not ops (as in streamHistoryJsonl).
        if (nl === lineStart || (text.charCodeAt(lineStart) <= 32 && text.slice(lineStart, nl).trim().length === 0)) continue
        if (position >= from) {
          let op: Op
          try {
            op = JSON.parse(text.slice(lineStart, nl)) as Op
          } catch (e) {
            throw new HistoryError(path, undefined, `op ${position} is no longer valid JSON (was the file changed while it was checked?): ${(e as Error).message}`)
          }
          op.index = position
          block.push(op)
          if (block.length >= YIELD_OPS) {
            yield block
            block = []
          }
        }
        position++
      }
    }
    if (block.length > 0) yield block
  } finally {
    await file.close()
  }
}
