/**
 * What makes a history file malformed beyond its syntax. A history that breaks
 * these rules cannot be judged (a checker would crash on it, or worse, judge a
 * different history than the one recorded), so the reader refuses it with the
 * line that breaks them (exit 3):
 *
 * - an integer literal beyond ±(2^53 - 1): JavaScript numbers would round it,
 *   and a rounded value can make a stale read look fresh;
 * - a value nested deeper than MAX_DEPTH: checkers walk values recursively;
 * - `index` fields that go backwards or repeat (records out of order);
 * - a client completion (ok / fail / info) with no open invocation of its
 *   process, or a second invocation while one is open (a process is one
 *   single-threaded client). The nemesis may complete without invoking.
 */
import type { Op, Process } from '../op.js'

/** Deeper values are refused (no workload comes near it). */
export const MAX_DEPTH = 64

/** 2^53 has 16 digits: shorter integer literals are always exact. */
const LONG_DIGITS = /\d{16}/

/**
 * Problems a JSON line's text shows that `JSON.parse` hides: an integer it
 * would round, or nesting too deep. Undefined when there are none. Cheap for
 * ordinary lines: both scans run only when a quick test says they might find
 * something.
 */
export function jsonTextProblem(line: string): string | undefined {
  return jsonTextScan(line)?.message
}

/**
 * As `jsonTextProblem`, for any JSON text, with the offset of the problem.
 * `outerLevels` are levels of nesting that hold the records (1 for a JSON
 * array of operations) and do not count against MAX_DEPTH.
 */
export function jsonTextScan(text: string, outerLevels = 0): { message: string; offset: number } | undefined {
  const maxDepth = MAX_DEPTH + outerLevels
  const scanDigits = LONG_DIGITS.test(text)
  const scanDepth = text.length >= 2 * maxDepth
  if (!scanDigits && !scanDepth) return undefined
  let depth = 0
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === 0x22 /* " */) {
      // Skip the string, escapes included.
      i++
      while (i < n) {
        const s = text.charCodeAt(i)
        if (s === 0x5c /* \ */) i += 2
        else if (s === 0x22) break
        else i++
      }
      i++
      continue
    }
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return { message: `a value is nested more than ${MAX_DEPTH} levels deep`, offset: i }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--
    } else if (scanDigits && (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39))) {
      let j = c === 0x2d ? i + 1 : i
      while (j < n && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++
      const next = j < n ? text.charCodeAt(j) : 0
      const isInteger = next !== 0x2e /* . */ && next !== 0x65 /* e */ && next !== 0x45 /* E */
      const literal = text.slice(i, j)
      if (isInteger && j - i >= 16 && !Number.isSafeInteger(Number(literal))) {
        return { message: `the integer ${literal} is beyond ±(2^53 - 1) and would be rounded (write such values as strings)`, offset: i }
      }
      // Skip the rest of a number (fraction, exponent) so its digits are not read as a new literal.
      while (j < n && /[0-9.eE+-]/.test(text[j]!)) j++
      i = j
      continue
    }
    i++
  }
  return undefined
}

/**
 * Checks records one by one, in file order, keeping only the open invocation
 * of each process and the last index.
 */
export class HistoryOrder {
  /**
   * `processes: false` checks the order of indices only: for files that name
   * no process at all (hand-written Elle histories), where every record
   * would otherwise be process 0.
   */
  constructor(private readonly options: { processes?: boolean } = {}) {}
  private readonly open = new Map<Process, number>()
  private lastIndex: number | undefined
  private readonly lineOfIndex = new Map<number, number>()

  /** The problem with `op` (read from `line`), or undefined. */
  accept(op: Op, sourceIndex: unknown, line: number): string | undefined {
    if (sourceIndex !== undefined) {
      if (typeof sourceIndex !== 'number' || !Number.isInteger(sourceIndex) || sourceIndex < 0) {
        return `"index" must be a non-negative integer (got ${JSON.stringify(sourceIndex)})`
      }
      if (this.lastIndex !== undefined && sourceIndex <= this.lastIndex) {
        const earlier = this.lineOfIndex.get(sourceIndex)
        return earlier !== undefined
          ? `index ${sourceIndex} repeats the index of line ${earlier}`
          : `records out of order: index ${sourceIndex} after index ${this.lastIndex}`
      }
      this.lastIndex = sourceIndex
      // Only the newest few are needed to name a repeat's first line.
      this.lineOfIndex.set(sourceIndex, line)
      if (this.lineOfIndex.size > 64) this.lineOfIndex.delete(this.lineOfIndex.keys().next().value!)
    }
    if (op.process === 'nemesis' || this.options.processes === false) return undefined
    const pending = this.open.get(op.process)
    if (op.type === 'invoke') {
      if (pending !== undefined) {
        return `process ${op.process} invokes again while its invocation on line ${pending} is still open (a process runs one operation at a time)`
      }
      this.open.set(op.process, line)
      return undefined
    }
    if (pending === undefined) return `process ${op.process} completes an operation (${op.type} ${op.f}) it never invoked`
    this.open.delete(op.process)
    return undefined
  }
}
