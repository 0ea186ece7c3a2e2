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
 */
import { DstestError, ExitCode } from '../core/errors.js'
import type { History } from '../core/op.js'

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
 * Runs every checker on the same history. A checker that throws is reported as
 * 'unknown' with the error (it could not decide), never as valid; but a
 * history the checker refuses as bad input (a DstestError with exit code 3)
 * stops the check, so the user sees the one-line error and exit 3.
 */
export function compose(checkers: Readonly<Record<string, Checker>> | readonly Checker[]): Checker {
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
          if (e instanceof DstestError && e.exitCode === ExitCode.badInput) throw e
          const message = e instanceof Error ? e.message : String(e)
          results[name] = { valid: 'unknown', summary: `checker crashed: ${message}`, error: message }
        }
      }
      const valid = mergeValidity(Object.values(results).map((r) => r.valid))
      const bad = Object.entries(results).filter(([, r]) => r.valid !== true)
      const summary =
        bad.length === 0
          ? `all ${entries.length} checker(s) valid`
          : bad.map(([n, r]) => `${n}: ${r.valid === false ? 'INVALID' : 'unknown'}${r.summary ? ` (${r.summary})` : ''}`).join('; ')
      return { valid, summary, checkers: results }
    },
  }
}
