/**
 * The unique-ids checker: clients ask the system for an id (`generate`), and no
 * two acknowledged answers may be equal. Invalid on any duplicate; unknown when
 * no generate was acknowledged. Reports how many were attempted and
 * acknowledged, the duplicates with the ops that returned them, and the range
 * of the ids (for numbers; lowest and highest as text otherwise).
 *
 * Values: `generate` null → the id (any JSON value; equal when their JSON is).
 */
import { pairOps } from '../core/op.js'
import type { CheckResult, Checker } from './checker.js'

export interface Duplicate {
  id: unknown
  /** How many acknowledged generates returned it. */
  count: number
  /** History indexes of those completions (at most 10). */
  ops: number[]
}

export interface UniqueIdsResult extends CheckResult {
  checker: 'unique-ids'
  attempted: number
  acknowledged: number
  /** Ids returned more than once. */
  duplicatedCount: number
  /** The most repeated duplicates first (at most 20). */
  duplicates: Duplicate[]
  /** Lowest and highest id. */
  range: [unknown, unknown] | null
}

export function uniqueIdsChecker(): Checker {
  return {
    name: 'unique-ids',
    check(history): CheckResult {
      let attempted = 0
      let acknowledged = 0
      const seen = new Map<string, { id: unknown; ops: number[] }>()
      let lo: unknown
      let hi: unknown
      const less = (a: unknown, b: unknown): boolean =>
        typeof a === 'number' && typeof b === 'number' ? a < b : (JSON.stringify(a) ?? '') < (JSON.stringify(b) ?? '')
      for (const { invoke, complete } of pairOps(history)) {
        if (invoke.process === 'nemesis' || invoke.f !== 'generate') continue
        attempted++
        if (complete?.type !== 'ok') continue
        acknowledged++
        const id = complete.value
        const key = JSON.stringify(id) ?? 'null'
        const entry = seen.get(key)
        if (entry) entry.ops.push(complete.index)
        else seen.set(key, { id, ops: [complete.index] })
        if (acknowledged === 1 || less(id, lo)) lo = id
        if (acknowledged === 1 || less(hi, id)) hi = id
      }
      const dups = [...seen.values()].filter((e) => e.ops.length > 1).sort((a, b) => b.ops.length - a.ops.length)
      const duplicates = dups.slice(0, 20).map((e) => ({ id: e.id, count: e.ops.length, ops: e.ops.slice(0, 10) }))
      const range: [unknown, unknown] | null = acknowledged ? [lo, hi] : null
      const tally = `${acknowledged}/${attempted} generates acknowledged${range ? `, ids ${JSON.stringify(range[0])}..${JSON.stringify(range[1])}` : ''}`
      let valid: CheckResult['valid']
      let summary: string
      if (dups.length) {
        const d = duplicates[0]!
        valid = false
        summary = `${dups.length} id(s) returned more than once (e.g. ${JSON.stringify(d.id)} ${d.count} times, ops ${d.ops.slice(0, 3).join(', ')}) (${tally})`
      } else if (!acknowledged) {
        valid = 'unknown'
        summary = `no generate was acknowledged, so nothing could be judged (${tally})`
      } else {
        valid = true
        summary = `${acknowledged} distinct ids (${tally})`
      }
      const result: UniqueIdsResult = { valid, summary, checker: 'unique-ids', attempted, acknowledged, duplicatedCount: dups.length, duplicates, range }
      return result
    },
  }
}
