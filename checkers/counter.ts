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
 *
 * It folds (checker.ts, `CounterFold`): four running sums and the operations
 * in flight, not the history; a read waits only for the outcome of the adds
 * in flight when it ended (a failed one must not count for it).
 */
import { pairOps, type Op, type Process } from '../core/op.js'
import type { CheckResult, Checker, CheckerFold } from './checker.js'

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

/** What a counter check found: the tallies its result is made of. */
interface CounterTally {
  reads: number
  adds: CounterResult['adds']
  errorCount: number
  /** The first reads out of bounds, in the order they completed (at most ERRORS). */
  errors: CounterRead[]
  final: CounterRead | null
}

const ERRORS = 10

function counterResult(t: CounterTally): CounterResult {
  const { reads, adds, final } = t
  const tally = `${reads} reads, adds ${adds.ok} ok / ${adds.fail} fail / ${adds.info} info${final ? `; last read ${final.value} in [${final.lower}, ${final.upper}]` : ''}`
  const first = t.errors[0]
  let valid: CheckResult['valid']
  let summary: string
  if (first) {
    const side = first.value < first.lower ? `below ${first.lower}, the least that must have been counted` : `above ${first.upper}, the most that could have been counted`
    valid = false
    summary = `${t.errorCount} read(s) out of bounds: first at op ${first.index}, ${first.value} is ${side} (${tally})`
  } else if (reads === 0) {
    valid = 'unknown'
    summary = `no read completed, so nothing could be judged (${tally})`
  } else {
    valid = true
    summary = `every read within its bounds (${tally})`
  }
  return { valid, summary, checker: 'counter', reads, adds, errorCount: t.errorCount, errors: t.errors, final }
}

interface OpenAdd {
  invokeIndex: number
  n: number
}

interface OpenRead {
  invokeTime: number
  pos: number
  neg: number
}

/**
 * The counter check as a fold. It keeps the four running sums, the operation
 * each process has in flight, and the reads that ended while an add was in
 * flight: such a read's bounds count that add as possible, and if the add
 * then fails (it certainly did not happen) they must not, so the read waits
 * for the outcome of every add in flight when it ended. Nothing else is kept:
 * what waits is bounded by the reads that end during the longest add.
 * `onRead` sees every read with its final bounds, in the order they completed.
 */
export class CounterFold implements CheckerFold {
  private readonly initial: number
  private definitePos = 0
  private definiteNeg = 0
  private possiblePos = 0
  private possibleNeg = 0
  private readonly openAdds = new Map<Process, OpenAdd>()
  private readonly openReads = new Map<Process, OpenRead>()
  /** Reads whose bounds still count an add in flight, in completion order. */
  private waiting: CounterRead[] = []
  private addsInvoked = 0
  private readonly adds = { ok: 0, fail: 0, info: 0 }
  private reads = 0
  private errorCount = 0
  private readonly errors: CounterRead[] = []
  private final: CounterRead | null = null
  // Not named `error`: compose takes a fold with an `error` field for one that failed.
  private problem: string | undefined

  /** Why the history cannot be checked as a counter's (a value not a number), if so. */
  get malformed(): string | undefined {
    return this.problem
  }

  constructor(options: CounterCheckerOptions = {}, private readonly onRead?: (read: CounterRead) => void) {
    this.initial = options.initial ?? 0
  }

  add(op: Op): void {
    if (this.problem !== undefined || op.process === 'nemesis') return
    if (op.f === 'add') this.addOp(op)
    else if (op.f === 'read') this.readOp(op)
    else if (op.type === 'invoke') this.forget(op.process)
    else this.completeOther(op.process, op.type)
  }

  private addOp(op: Op): void {
    const n = op.value
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      this.problem = `add at index ${op.index} has value ${JSON.stringify(n)}, expected a number`
      return
    }
    if (op.type === 'invoke') {
      this.forget(op.process)
      this.addsInvoked++
      this.openAdds.set(op.process, { invokeIndex: op.index, n })
      if (n > 0) this.possiblePos += n
      else this.possibleNeg += n
      return
    }
    if (op.type === 'ok') {
      if (n > 0) this.definitePos += n
      else this.definiteNeg += n
    }
    this.completeOther(op.process, op.type)
  }

  private readOp(op: Op): void {
    if (op.type === 'invoke') {
      this.forget(op.process)
      this.openReads.set(op.process, { invokeTime: op.time, pos: this.definitePos, neg: this.definiteNeg })
      return
    }
    const began = this.openReads.get(op.process)
    this.completeOther(op.process, op.type)
    if (op.type !== 'ok' || !began) return
    if (typeof op.value !== 'number') {
      this.problem = `read at index ${op.index} returned ${JSON.stringify(op.value)}, expected a number`
      return
    }
    const definite = this.initial + began.pos + began.neg
    const lower = definite + (this.possibleNeg - began.neg)
    const upper = definite + (this.possiblePos - began.pos)
    this.waiting.push({ index: op.index, invokeTime: began.invokeTime, time: op.time, value: op.value, lower, upper, valid: false })
    this.release()
  }

  /** A process invokes: whatever it had in flight stays pending for ever (it can no longer fail). */
  private forget(process: Process): void {
    this.openReads.delete(process)
    if (this.openAdds.delete(process)) this.release()
  }

  /** `process`'s operation completed with `type` (the completion of an add, a read or anything else: pairing is by process). */
  private completeOther(process: Process, type?: Op['type']): void {
    this.openReads.delete(process)
    const add = this.openAdds.get(process)
    if (!add) return
    this.openAdds.delete(process)
    if (type === 'ok') this.adds.ok++
    else if (type === 'fail') {
      this.adds.fail++
      // It certainly did not happen: no read may count it, those that ended while it was in flight included.
      if (add.n > 0) this.possiblePos -= add.n
      else this.possibleNeg -= add.n
      for (const r of this.waiting) {
        if (r.index < add.invokeIndex) continue
        if (add.n > 0) r.upper -= add.n
        else r.lower -= add.n
      }
    }
    this.release()
  }

  /** Judges the reads that no add in flight can change any more, in completion order. */
  private release(): void {
    if (this.waiting.length === 0) return
    let oldest = Infinity
    for (const a of this.openAdds.values()) if (a.invokeIndex < oldest) oldest = a.invokeIndex
    let done = 0
    while (done < this.waiting.length && this.waiting[done]!.index < oldest) this.judge(this.waiting[done++]!)
    if (done > 0) this.waiting = done === this.waiting.length ? [] : this.waiting.slice(done)
  }

  private judge(r: CounterRead): void {
    r.valid = r.lower <= r.value && r.value <= r.upper
    this.reads++
    if (!r.valid) {
      this.errorCount++
      if (this.errors.length < ERRORS) this.errors.push(r)
    }
    this.final = r
    this.onRead?.(r)
  }

  finish(): CounterResult | CheckResult {
    if (this.problem !== undefined) return { valid: 'unknown', summary: `cannot check: ${this.problem}`, checker: 'counter' }
    // Adds still in flight never completed: they may have happened (info), and can no longer fail.
    this.openAdds.clear()
    this.release()
    const adds = { ...this.adds, info: this.addsInvoked - this.adds.ok - this.adds.fail }
    return counterResult({ reads: this.reads, adds, errorCount: this.errorCount, errors: this.errors, final: this.final })
  }
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
      return counterResult({ reads: reads.length, adds, errorCount: bad.length, errors: bad.slice(0, ERRORS), final })
    },
    fold: () => new CounterFold(options),
  }
}
