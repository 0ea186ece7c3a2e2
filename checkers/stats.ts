/**
 * Counts of ok / fail / info per operation name. Invalid when some operation
 * never succeeded at all: a system that timed out on everything is not a pass,
 * even though a history of nothing but `info` is trivially linearizable.
 */
import type { Op } from '../core/op.js'
import type { CheckResult, Checker } from './checker.js'

export interface OpCount {
  ok: number
  fail: number
  info: number
}

export function stats(): Checker {
  return {
    name: 'stats',
    check(history: readonly Op[]): CheckResult {
      const byF: Record<string, OpCount> = {}
      for (const op of history) {
        if (op.process === 'nemesis' || op.type === 'invoke') continue
        const c = (byF[op.f] ??= { ok: 0, fail: 0, info: 0 })
        c[op.type]++
      }
      const never = Object.entries(byF).filter(([, c]) => c.ok === 0).map(([f]) => f)
      const total = Object.values(byF).reduce((n, c) => n + c.ok + c.fail + c.info, 0)
      if (total === 0) return { valid: 'unknown', summary: 'no client operation completed', byF }
      return {
        valid: never.length === 0,
        summary:
          never.length === 0
            ? Object.entries(byF).map(([f, c]) => `${f} ${c.ok}/${c.ok + c.fail + c.info} ok`).join(', ')
            : `no ${never.join(', ')} ever succeeded`,
        byF,
      }
    },
  }
}
