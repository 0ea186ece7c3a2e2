/**
 * The counter checker: clients add to one counter (increments, and decrements
 * when the workload makes them) and read it. Each ok read must lie between
 *
 *   lower = the adds acknowledged before the read began, plus every negative
 *           add that may have happened by the time it ended;
 *   upper = the adds acknowledged before the read began, plus every positive
 *           add that may have happened by the time it ended,
 *
 * where "may have happened" is any add invoked before the read ended that did
 * not fail (ok or info, or still pending: an info add may take effect at any
 * later time). With increments only, lower is the sum of acknowledged
 * increments before the read began and upper the sum of all attempted ones by
 * the time it completed. With adds of ±1 every value in the range is reachable;
 * with larger amounts the range is a necessary condition only.
 *
 * Values: `add` n (a number); `read` → n. The counter starts at `initial` (0).
 */
import { pairOps, type Op } from '../core/op.js'
import type { CheckResult, Checker } from './checker.js'

export interface CounterCheckerOptions {
  /** The counter's value before any add (default 0). */
  initial?: number
}

export interface CounterRead {
  /** History index of the read's completion. */
  index: number
  invokeTime: number
  time: number
  value: number
  lower: number
  upper: number
  valid: boolean
}

export interface CounterResult extends CheckResult {
  checker: 'counter'
  reads: number
  adds: { ok: number; fail: number; info: number }
  errorCount: number
  /** The first reads out of bounds (at most 10). */
  errors: CounterRead[]
  /** The last read to complete, with its bounds. */
  final: CounterRead | null
}

export class CounterHistoryError extends Error {}

/** Every ok read with its bounds (pure; throws CounterHistoryError on a non-numeric add or read). */
export function counterReads(history: readonly Op[], options: CounterCheckerOptions = {}): CounterRead[] {
  const initial = options.initial ?? 0
  // How each add ended, by the index of its invocation.
  const outcome = new Map<number, string>()
  const readInvokes = new Set<number>()
  for (const { invoke, complete } of pairOps(history)) {
    if (invoke.process === 'nemesis') continue
    if (invoke.f === 'add') outcome.set(invoke.index, complete ? complete.type : 'pending')
    else if (invoke.f === 'read' && complete?.type === 'ok') readInvokes.add(invoke.index)
  }
  let definitePos = 0 // acknowledged adds so far
  let definiteNeg = 0
  let possiblePos = 0 // adds invoked so far that did not fail
  let possibleNeg = 0
  const open = new Map<unknown, { invokeTime: number; pos: number; neg: number }>()
  const out: CounterRead[] = []
  for (const op of history) {
    if (op.process === 'nemesis') continue
    if (op.f === 'add') {
      const n = op.value
      if (typeof n !== 'number' || !Number.isFinite(n)) throw new CounterHistoryError(`add at index ${op.index} has value ${JSON.stringify(n)}, expected a number`)
      if (op.type === 'invoke' && outcome.get(op.index) !== 'fail') {
        if (n > 0) possiblePos += n
        else possibleNeg += n
      } else if (op.type === 'ok') {
        if (n > 0) definitePos += n
        else definiteNeg += n
      }
    } else if (op.f === 'read') {
      if (op.type === 'invoke') {
        if (readInvokes.has(op.index)) open.set(op.process, { invokeTime: op.time, pos: definitePos, neg: definiteNeg })
        continue
      }
      const began = open.get(op.process)
      open.delete(op.process)
      if (op.type !== 'ok' || !began) continue
      if (typeof op.value !== 'number') throw new CounterHistoryError(`read at index ${op.index} returned ${JSON.stringify(op.value)}, expected a number`)
      const definite = initial + began.pos + began.neg
      const lower = definite + (possibleNeg - began.neg)
      const upper = definite + (possiblePos - began.pos)
      out.push({ index: op.index, invokeTime: began.invokeTime, time: op.time, value: op.value, lower, upper, valid: lower <= op.value && op.value <= upper })
    }
  }
  return out
}

export function counterChecker(options: CounterCheckerOptions = {}): Checker {
  return {
    name: 'counter',
    check(history): CheckResult {
      let reads: CounterRead[]
      try {
        reads = counterReads(history, options)
      } catch (e) {
        if (e instanceof CounterHistoryError) return { valid: 'unknown', summary: `cannot check: ${e.message}`, checker: 'counter' }
        throw e
      }
      const adds = { ok: 0, fail: 0, info: 0 }
      for (const { invoke, complete } of pairOps(history)) {
        if (invoke.process !== 'nemesis' && invoke.f === 'add') adds[complete ? (complete.type as keyof typeof adds) : 'info']++
      }
      const bad = reads.filter((r) => !r.valid)
      const final = reads.reduce<CounterRead | null>((last, r) => (last === null || r.index > last.index ? r : last), null)
      const tally = `${reads.length} reads, adds ${adds.ok} ok / ${adds.fail} fail / ${adds.info} info${final ? `; last read ${final.value} in [${final.lower}, ${final.upper}]` : ''}`
      const first = bad[0]
      let valid: CheckResult['valid']
      let summary: string
      if (first) {
        const side = first.value < first.lower ? `below ${first.lower}, the least that must have been counted` : `above ${first.upper}, the most that could have been counted`
        valid = false
        summary = `${bad.length} read(s) out of bounds: first at op ${first.index}, ${first.value} is ${side} (${tally})`
      } else if (reads.length === 0) {
        valid = 'unknown'
        summary = `no read completed, so nothing could be judged (${tally})`
      } else {
        valid = true
        summary = `every read within its bounds (${tally})`
      }
      const result: CounterResult = { valid, summary, checker: 'counter', reads: reads.length, adds, errorCount: bad.length, errors: bad.slice(0, 10), final }
      return result
    },
  }
}
