/**
 * A checker is a pure function from a history to a verdict. Results merge as
 * false > 'unknown' > true: one anomaly makes the test invalid; otherwise one
 * undecided checker makes it unknown.
 *
 *     import { compose, stats, type Checker } from 'dstest'
 *     // A counter's final read must equal the sum of the adds that surely happened.
 *     const counter: Checker = {
 *       name: 'counter',
 *       check(history) {
 *         const added = history.filter((op) => op.type === 'ok' && op.f === 'add').reduce((n, op) => n + Number(op.value), 0)
 *         const last = history.filter((op) => op.type === 'ok' && op.f === 'read').at(-1)
 *         if (!last) return { valid: 'unknown', summary: 'no read completed' }
 *         return { valid: last.value === added, summary: `read ${String(last.value)}, expected ${added}` }
 *       },
 *     }
 *     const all = compose({ counter, stats: stats() })
 *
 * A history can be longer than memory. A checker that can judge one without
 * holding it also offers `fold`: it sees every op once, in order (as the run
 * records them, or from a file), and then gives its result, reading the
 * history again from disk if it needs a second pass. The result is the one
 * `check` gives for the same history. A checker without `fold` gets the
 * whole history as an array, loaded once for all such checkers, and only when
 * one needs it.
 */
import { DstestError, ExitCode } from '../core/errors.js'
import type { History, Op } from '../core/op.js'
import { readAllOps, type HistorySource } from '../core/history/source.js'

export type Validity = true | false | 'unknown'

export interface CheckResult {
  valid: Validity
  /** One line a person can read in CI output and JUnit. */
  summary?: string
  /** Anything else the checker wants in results.json (JSON-serialisable). */
  [key: string]: unknown
}

export interface CheckContext {
  /** Client threads of the test, for checkers that reason about processes. */
  concurrency: number
  nodes: readonly string[]
}

export interface Checker {
  readonly name: string
  check(history: History, context: CheckContext): CheckResult | Promise<CheckResult>
  /** The streaming form, for checkers that need not hold the history (see above). */
  fold?(context: CheckContext): CheckerFold
}

/** One check of one history, op by op. */
export interface CheckerFold {
  /** The next op of the history. Ops come in history order, `index` = position. */
  add(op: Op): void
  /** The result, once every op was added. `source` holds those same ops, to be read again if needed. */
  finish(source: HistorySource): CheckResult | Promise<CheckResult>
}

export interface ComposedResult extends CheckResult {
  checkers: Record<string, CheckResult>
}

export function mergeValidity(values: Iterable<Validity>): Validity {
  let out: Validity = true
  for (const v of values) {
    if (v === false) return false
    if (v === 'unknown') out = 'unknown'
  }
  return out
}

/**
 * A checker that threw could not decide: unknown, never valid. But a history
 * it refuses as bad input (a DstestError with exit code 3) stops the check, so
 * the user sees the one-line error and exit 3.
 */
function crashed(e: unknown): CheckResult {
  if (e instanceof DstestError && e.exitCode === ExitCode.badInput) throw e
  const message = e instanceof Error ? e.message : String(e)
  return { valid: 'unknown', summary: `checker crashed: ${message}`, error: message }
}

function merged(results: Record<string, CheckResult>, count: number): ComposedResult {
  const valid = mergeValidity(Object.values(results).map((r) => r.valid))
  const bad = Object.entries(results).filter(([, r]) => r.valid !== true)
  const summary =
    bad.length === 0
      ? `all ${count} checker(s) valid`
      : bad.map(([n, r]) => `${n}: ${r.valid === false ? 'INVALID' : 'unknown'}${r.summary ? ` (${r.summary})` : ''}`).join('; ')
  return { valid, summary, checkers: results }
}

/**
 * Runs every checker on the same history. A checker that throws is reported as
 * 'unknown' with the error (it could not decide), never as valid; but a
 * history the checker refuses as bad input stops the check (see `crashed`).
 *
 * The composed checker folds too: checkers with a `fold` fold, and the others
 * get the history loaded from the source once, after the fold, if any of them
 * is there.
 */
export function compose(checkers: Readonly<Record<string, Checker>> | readonly Checker[]): Checker & { fold(context: CheckContext): CheckerFold } {
  const entries: [string, Checker][] = Array.isArray(checkers)
    ? (checkers as readonly Checker[]).map((c) => [c.name, c])
    : Object.entries(checkers as Record<string, Checker>)
  return {
    name: 'compose',
    async check(history, context): Promise<ComposedResult> {
      const results: Record<string, CheckResult> = {}
      for (const [name, checker] of entries) {
        try {
          results[name] = await checker.check(history, context)
        } catch (e) {
          results[name] = crashed(e)
        }
      }
      return merged(results, entries.length)
    },
    fold(context): CheckerFold {
      // Each checker's fold, or the error that ended it; undefined: it needs the array.
      const folds = entries.map(([, checker]): CheckerFold | { error: unknown } | undefined => {
        if (!checker.fold) return undefined
        try {
          return checker.fold(context)
        } catch (error) {
          return { error }
        }
      })
      return {
        add(op) {
          folds.forEach((f, i) => {
            if (f === undefined || 'error' in f) return
            try {
              f.add(op)
            } catch (error) {
              folds[i] = { error }
            }
          })
        },
        async finish(source): Promise<ComposedResult> {
          let history: Op[] | undefined
          let needed = folds.filter((f) => f === undefined).length
          const results: Record<string, CheckResult> = {}
          for (const [i, [name, checker]] of entries.entries()) {
            const f = folds[i]
            try {
              if (f === undefined) {
                history ??= await readAllOps(source)
                results[name] = await checker.check(history, context)
                // Let the array go as soon as the last checker that needs it is done.
                if (--needed === 0) history = undefined
              } else if ('error' in f) results[name] = crashed(f.error)
              else results[name] = await f.finish(source)
            } catch (e) {
              results[name] = crashed(e)
            }
          }
          return merged(results, entries.length)
        },
      }
    },
  }
}

/** Checks a history on disk with `checker`: its fold over one pass, or (without one) the whole history loaded. */
export async function checkSource(checker: Checker, source: HistorySource, context: CheckContext): Promise<CheckResult> {
  if (!checker.fold) return checker.check(await readAllOps(source), context)
  const fold = checker.fold(context)
  for await (const block of source.blocks()) for (const op of block) fold.add(op)
  return fold.finish(source)
}
