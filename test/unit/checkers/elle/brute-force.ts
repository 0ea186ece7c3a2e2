/**
 * The definitions of serializability and snapshot isolation, checked by brute
 * force on small histories (a handful of transactions). No inference: every
 * candidate execution is tried and its reads compared with the history's.
 *
 * A history's transactions: `ok` ones took effect and their reads returned
 * what the history says; `fail` ones took no effect; `info` ones (and
 * invocations never completed) may or may not have taken effect, and their
 * reads are unknown.
 *
 * - Serializable: some order of all ok transactions and any subset of the
 *   info ones, executed one at a time from empty lists / null registers,
 *   gives every ok read its recorded value. Strict serializable: such an
 *   order that also puts each ok transaction before every transaction invoked
 *   after its completion (history order is real time).
 * - Snapshot isolation (Adya's PL-SI without start times, as Cerone & Gotsman
 *   axiomatise it): some commit order of those transactions and, for each, a
 *   snapshot that is a prefix of the commit order before it, such that each ok
 *   read returns the snapshot's value overlaid with the transaction's own
 *   earlier writes, each transaction's writes apply at its commit, and no
 *   transaction commits a write to a key that another transaction wrote after
 *   its snapshot and before its commit (first committer wins).
 */
import type { Op } from '../../../../core/op.js'

export type DataModel = 'list-append' | 'rw-register'
type Mop = [string, unknown, unknown]
type State = Map<unknown, unknown>

interface BTxn {
  ok: boolean
  mops: Mop[]
  writes: Set<unknown>
  /** Positions of its invocation and (ok only) completion in the history; -1: none. */
  invoked: number
  completed: number
}

function txnsOf(history: readonly Op[]): BTxn[] {
  const open = new Map<unknown, Op>()
  const out: BTxn[] = []
  const at = new Map<Op, number>(history.map((op, i) => [op, i]))
  const add = (invoke: Op, done: Op | undefined): void => {
    const type = done?.type ?? 'info'
    if (type === 'fail') return
    const mops = ((type === 'ok' ? done!.value : invoke.value) as Mop[]).map((m) => [...m] as Mop)
    const writes = new Set(mops.filter((m) => m[0] !== 'r').map((m) => m[1]))
    out.push({ ok: type === 'ok', mops, writes, invoked: at.get(invoke)!, completed: type === 'ok' ? at.get(done!)! : -1 })
  }
  for (const op of history) {
    if (op.f !== 'txn') continue
    if (op.type === 'invoke') open.set(op.process, op)
    else {
      const inv = open.get(op.process) ?? op
      open.delete(op.process)
      add(inv, op)
    }
  }
  for (const inv of open.values()) add(inv, undefined)
  return out
}

const initial = (dm: DataModel): unknown => (dm === 'list-append' ? [] : null)

function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i])
  return a === b
}

/**
 * Runs txn t's micro-ops against `read` (the state it sees for keys it has not
 * written itself). Returns its writes (key → final value) or undefined when an
 * ok read disagrees.
 */
function run(dm: DataModel, t: BTxn, read: (k: unknown) => unknown): Map<unknown, unknown> | undefined {
  const local = new Map<unknown, unknown>()
  const get = (k: unknown): unknown => (local.has(k) ? local.get(k) : read(k))
  for (const [f, k, v] of t.mops) {
    if (f === 'r') {
      if (!t.ok) continue
      const seen = dm === 'list-append' && v === null ? [] : v
      if (!equal(get(k), seen)) return undefined
    } else if (f === 'append') local.set(k, [...(get(k) as unknown[]), v])
    else local.set(k, v)
  }
  return local
}

function apply(state: State, writes: Map<unknown, unknown>): State {
  const next = new Map(state)
  for (const [k, v] of writes) next.set(k, v)
  return next
}

/**
 * Serializable; with `realtime` (strict serializability), the order must also
 * put every ok transaction before each transaction invoked after it completed.
 */
export function serializable(history: readonly Op[], dm: DataModel, realtime = false): boolean {
  const txns = txnsOf(history)
  const okLeft = txns.filter((t) => t.ok).length
  const placed = new Array<boolean>(txns.length).fill(false)
  const search = (state: State, left: number): boolean => {
    if (left === 0) return true
    for (let i = 0; i < txns.length; i++) {
      if (placed[i]) continue
      const t = txns[i]!
      if (realtime && txns.some((u, j) => !placed[j] && u.ok && u.completed < t.invoked)) continue
      const writes = run(dm, t, (k) => (state.has(k) ? state.get(k) : initial(dm)))
      if (!writes) continue
      placed[i] = true
      const found = search(apply(state, writes), left - (t.ok ? 1 : 0))
      placed[i] = false
      if (found) return true
    }
    return false
  }
  return search(new Map(), okLeft)
}

export function snapshotIsolation(history: readonly Op[], dm: DataModel): boolean {
  const txns = txnsOf(history)
  const okLeft = txns.filter((t) => t.ok).length
  const placed = new Array<boolean>(txns.length).fill(false)
  // states[i]: the store after the first i commits; order[i]: the i-th committed txn.
  const states: State[] = [new Map()]
  const order: number[] = []
  const search = (left: number): boolean => {
    if (left === 0) return true
    const i = order.length
    for (let x = 0; x < txns.length; x++) {
      if (placed[x]) continue
      const t = txns[x]!
      for (let s = i; s >= 0; s--) {
        // First committer wins: nothing committed after the snapshot may write what t writes.
        if (s < i) {
          const u = txns[order[s]!]!
          if ([...t.writes].some((k) => u.writes.has(k))) break // an older snapshot also includes u's commit
        }
        const snap = states[s]!
        const writes = run(dm, t, (k) => (snap.has(k) ? snap.get(k) : initial(dm)))
        if (!writes) continue
        placed[x] = true
        order.push(x)
        states.push(apply(states[i]!, writes))
        const found = search(left - (t.ok ? 1 : 0))
        states.pop()
        order.pop()
        placed[x] = false
        if (found) return true
      }
    }
    return false
  }
  return search(okLeft)
}
