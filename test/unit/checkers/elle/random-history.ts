/**
 * Random small transactional histories for property tests: up to 6
 * transactions over 3 keys, each ok, failed or indeterminate, produced by a
 * simulated database that runs them in a random commit order from a random
 * snapshot, and that sometimes misbehaves (stale, torn, garbage or
 * self-inconsistent reads; failed transactions whose writes leak). The mix
 * gives serializable histories, snapshot-isolated ones that are not
 * serializable, and histories that are neither.
 */
import fc from 'fast-check'
import type { Op } from '../../../../core/op.js'
import type { DataModel } from './brute-force.js'

type Mop = [string, unknown, unknown]

interface TxnPlan {
  mops: { kind: 'r' | 'w' | 'rw'; key: number }[]
  outcome: 'ok' | 'fail' | 'info'
  /** info: did it take effect? fail: did its writes leak anyway (a bug)? */
  effect: boolean
  order: number
  snapshot: number
}

export interface HistoryPlan {
  txns: TxnPlan[]
  /** How reads behave: 0 serial, 1 snapshot (SI-like, no write conflicts checked), 2 misbehaving. */
  mode: 0 | 1 | 2
  /** Per read, in misbehaving mode: what it does. */
  faults: number[]
  /** How far before and after its commit point each transaction is invoked and completes. */
  spread: number[]
}

const txnPlan: fc.Arbitrary<TxnPlan> = fc.record({
  mops: fc.array(fc.record({ kind: fc.constantFrom<'r' | 'w' | 'rw'>('r', 'w', 'rw'), key: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 3 }),
  outcome: fc.constantFrom<'ok' | 'fail' | 'info'>('ok', 'ok', 'ok', 'ok', 'fail', 'info'),
  effect: fc.boolean(),
  order: fc.nat(),
  snapshot: fc.nat(),
})

export const historyPlan: fc.Arbitrary<HistoryPlan> = fc.record({
  txns: fc.array(txnPlan, { minLength: 1, maxLength: 6 }),
  mode: fc.constantFrom<0 | 1 | 2>(0, 1, 1, 2, 2),
  faults: fc.array(fc.nat({ max: 9 }), { minLength: 20, maxLength: 20 }),
  spread: fc.array(fc.nat({ max: 250 }), { minLength: 12, maxLength: 12 }),
})

/** Runs the plan on a simulated store and records the history it gives. */
export function buildHistory(plan: HistoryPlan, dm: DataModel): Op[] {
  const n = plan.txns.length
  const commitOrder = plan.txns.map((_, i) => i).sort((a, b) => plan.txns[a]!.order - plan.txns[b]!.order || a - b)
  const states: Map<number, unknown>[] = [new Map()]
  const invokeValues: Mop[][] = new Array<Mop[]>(n)
  const doneValues: Mop[][] = new Array<Mop[]>(n)
  const empty = (): unknown => (dm === 'list-append' ? [] : null)
  let nextValue = 1
  let fault = 0
  for (let pos = 0; pos < n; pos++) {
    const x = commitOrder[pos]!
    const t = plan.txns[x]!
    const snapshotAt = plan.mode === 0 ? pos : t.snapshot % (pos + 1)
    const snap = states[snapshotAt]!
    const latest = states[pos]!
    // Register writes, and list appends, this transaction made (its own view on top of the snapshot).
    const local = new Map<number, unknown>()
    const appended = new Map<number, unknown[]>()
    const invoke: Mop[] = []
    const done: Mop[] = []
    const see = (k: number): unknown => (local.has(k) ? local.get(k) : snap.has(k) ? snap.get(k) : empty())
    const read = (k: number): unknown => {
      let v = see(k)
      if (plan.mode === 2) {
        const f = plan.faults[fault++ % plan.faults.length]!
        const committed = latest.has(k) ? latest.get(k) : empty()
        if (f === 1) v = committed // ignores the snapshot
        else if (f === 2 && Array.isArray(v) && v.length > 0) v = v.slice(0, -1) // misses the newest append
        else if (f === 3) v = dm === 'list-append' ? [...(v as unknown[]), 99] : 99 // a value nobody wrote
        else if (f === 4) v = snap.has(k) ? snap.get(k) : empty() // ignores its own writes
        else if (f === 5 && Array.isArray(v) && v.length > 1) v = [v[1], v[0], ...v.slice(2)] // torn order
      }
      return Array.isArray(v) ? [...v] : v
    }
    const write = (k: number): Mop => {
      const v = nextValue++
      if (dm === 'list-append') {
        local.set(k, [...(see(k) as unknown[]), v])
        appended.set(k, [...(appended.get(k) ?? []), v])
      } else local.set(k, v)
      return [dm === 'list-append' ? 'append' : 'w', k, v]
    }
    for (const m of t.mops) {
      if (m.kind !== 'w') {
        invoke.push(['r', m.key, null])
        done.push(['r', m.key, read(m.key)])
      }
      if (m.kind !== 'r') {
        const w = write(m.key)
        invoke.push(w)
        done.push(w)
      }
    }
    invokeValues[x] = invoke
    doneValues[x] = done
    const applied = t.outcome === 'ok' || t.effect
    const next = new Map(latest)
    if (applied) {
      for (const [k, v] of local) {
        // Appends land on the latest committed list, which may hold more than the snapshot did.
        if (dm === 'list-append') next.set(k, [...((latest.get(k) ?? []) as unknown[]), ...appended.get(k)!])
        else next.set(k, v)
      }
    }
    states.push(next)
  }
  // Each transaction is invoked before its commit point and completes after it (commit
  // points 100 apart, so neighbours may overlap); one process per transaction.
  const timed: { at: number; op: Omit<Op, 'index' | 'time'> }[] = []
  commitOrder.forEach((x, pos) => {
    const t = plan.txns[x]!
    const c = 100 * pos + 50
    timed.push({ at: c - plan.spread[(2 * x) % plan.spread.length]! - 0.5, op: { type: 'invoke', process: x, f: 'txn', value: invokeValues[x] } })
    timed.push({
      at: c + plan.spread[(2 * x + 1) % plan.spread.length]!,
      op: { type: t.outcome, process: x, f: 'txn', value: t.outcome === 'ok' ? doneValues[x] : invokeValues[x] },
    })
  })
  timed.sort((a, b) => a.at - b.at)
  return timed.map(({ op }, index) => ({ ...op, index, time: index }))
}
