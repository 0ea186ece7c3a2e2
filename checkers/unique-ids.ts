/**
 * The unique-ids checker: clients ask the system for an id (`generate`), and no
 * two acknowledged answers may be equal. Invalid on any duplicate; unknown when
 * no generate was acknowledged. Reports how many were attempted and
 * acknowledged, the duplicates with the ops that returned them, and the range
 * of the ids (for numbers; lowest and highest as text otherwise).
 *
 * Values: `generate` null → the id (any JSON value; equal when their JSON is).
 *
 * It folds (`UniqueIdsFold`): every distinct id, compactly, and the duplicates.
 */
import { pairOps, type Op } from '../core/op.js'
import type { CheckResult, Checker, CheckerFold } from './checker.js'
import { IdTable } from './id-table.js'
import { InvocationOrder } from './invocation-order.js'

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

/** Lowest and highest id: numbers by value, anything else by its JSON (as check and fold both compare). */
function less(a: unknown, b: unknown): boolean {
  return typeof a === 'number' && typeof b === 'number' ? a < b : (JSON.stringify(a) ?? '') < (JSON.stringify(b) ?? '')
}

/** The result from the tallies; `dups` are every id returned more than once, most repeated first (ties: first seen first). */
function uniqueIdsResult(attempted: number, acknowledged: number, dups: readonly Duplicate[], lo: unknown, hi: unknown): UniqueIdsResult {
  const duplicates = dups.slice(0, 20).map((e) => ({ id: e.id, count: e.count, ops: e.ops.slice(0, 10) }))
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
  return { valid, summary, checker: 'unique-ids', attempted, acknowledged, duplicatedCount: dups.length, duplicates, range }
}

interface Acknowledged {
  id: unknown
  index: number
}

/**
 * The unique-ids check as a fold. It must keep every distinct id it has seen,
 * since any later answer may repeat it (`IdTable`: 17-34 bytes a number, its
 * table being 35-70% full, and 8-16 for where it was first returned); per
 * id that was returned more than once, its count and first
 * ten ops; and the generates in flight. Acknowledgements are taken in the
 * order their generates were invoked (as `pairOps` lists them), which fixes
 * which op of a duplicate comes first and how the range is found.
 */
class UniqueIdsFold implements CheckerFold {
  private attempted = 0
  private acknowledged = 0
  private readonly ids = new IdTable()
  /** The completion index of each distinct id's first acknowledgement, by ordinal. */
  private firstOp = new Float64Array(1024)
  private readonly duplicated = new Map<number, Duplicate>()
  private lo: unknown
  private hi: unknown
  private readonly order = new InvocationOrder<Acknowledged>((a) => this.acknowledge(a))

  add(op: Op): void {
    if (op.process === 'nemesis') return
    if (op.type === 'invoke') {
      if (op.f !== 'generate') return this.order.abandon(op.process)
      this.attempted++
      this.order.invoked(op.process, op.index)
    } else this.order.completed(op.process, op.type === 'ok' ? { id: op.value, index: op.index } : undefined)
  }

  private acknowledge({ id, index }: Acknowledged): void {
    this.acknowledged++
    const ordinal = this.ids.see(id)
    if (ordinal < 0) {
      const n = this.ids.size - 1
      if (n >= this.firstOp.length) {
        const grown = new Float64Array(this.firstOp.length * 2)
        grown.set(this.firstOp)
        this.firstOp = grown
      }
      this.firstOp[n] = index
    } else {
      const d = this.duplicated.get(ordinal)
      if (d) {
        d.count++
        if (d.ops.length < 10) d.ops.push(index)
      } else {
        // The id as first returned (as check reports it): a number's first form is in the table; other ids equal by JSON are alike.
        const first = typeof id === 'number' && Number.isFinite(id) ? this.ids.found : id
        this.duplicated.set(ordinal, { id: first, count: 2, ops: [this.firstOp[ordinal]!, index] })
      }
    }
    if (this.acknowledged === 1 || less(id, this.lo)) this.lo = id
    if (this.acknowledged === 1 || less(this.hi, id)) this.hi = id
  }

  finish(): UniqueIdsResult {
    this.order.finish()
    const dups = [...this.duplicated].sort((a, b) => b[1].count - a[1].count || a[0] - b[0]).map(([, d]) => d)
    return uniqueIdsResult(this.attempted, this.acknowledged, dups, this.lo, this.hi)
  }
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
      const dups = [...seen.values()]
        .filter((e) => e.ops.length > 1)
        .sort((a, b) => b.ops.length - a.ops.length)
        .map((e) => ({ id: e.id, count: e.ops.length, ops: e.ops }))
      return uniqueIdsResult(attempted, acknowledged, dups, lo, hi)
    },
    fold: () => new UniqueIdsFold(),
  }
}
