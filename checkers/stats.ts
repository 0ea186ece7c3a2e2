/**
 * Counts of ok / fail / info per operation name. When some operation never
 * succeeded the verdict is 'unknown', not a pass: a system that timed out on
 * everything gives a trivially linearizable history, so the other checkers had
 * nothing to judge. It is not 'invalid' either: a correct system can fail every
 * cas of a short run (each guesses the current value), and no consistency
 * anomaly was seen. Exit code 2 keeps a CI gate red either way.
 *
 * It folds (checker.ts): counts are all it keeps.
 */
import type { Op } from '../core/op.js'
import type { CheckResult, Checker, CheckerFold } from './checker.js'

export interface OpCount {
  ok: number
  fail: number
  info: number
}

class Counts implements CheckerFold {
  private readonly byF: Record<string, OpCount> = {}

  add(op: Op): void {
    if (op.process === 'nemesis' || op.type === 'invoke') return
    const c = (this.byF[op.f] ??= { ok: 0, fail: 0, info: 0 })
    c[op.type]++
  }

  finish(): CheckResult {
    const byF = this.byF
    const never = Object.entries(byF).filter(([, c]) => c.ok === 0).map(([f]) => f)
    const total = Object.values(byF).reduce((n, c) => n + c.ok + c.fail + c.info, 0)
    if (total === 0) return { valid: 'unknown', summary: 'no client operation completed', byF }
    const counts = Object.entries(byF).map(([f, c]) => `${f} ${c.ok}/${c.ok + c.fail + c.info} ok`).join(', ')
    if (never.length === 0) return { valid: true, summary: counts, byF }
    return { valid: 'unknown', summary: `no ${never.join(', ')} ever succeeded, so nothing could be judged of it (${counts})`, byF }
  }
}

export function stats(): Checker {
  return {
    name: 'stats',
    check(history: readonly Op[]): CheckResult {
      const counts = new Counts()
      for (const op of history) counts.add(op)
      return counts.finish()
    },
    fold: () => new Counts(),
  }
}
