/**
 * Histories where inference from the reads leaves the order of some committed
 * writes open, the shapes where the checker must search orders (see
 * checkers/elle/README.md, "Orders the history leaves open"). Written from the
 * history alone, as a description of those shapes, not as a second checker:
 * the property test counts them, so that its random mix is known to exercise
 * the search.
 */
import type { Op } from '../../../../core/op.js'
import type { DataModel } from './brute-force.js'

type Mop = [string, unknown, unknown]
interface T {
  type: string
  mops: Mop[]
}

function txns(history: readonly Op[]): T[] {
  const open = new Map<unknown, Op>()
  const out: T[] = []
  for (const op of history) {
    if (op.type === 'invoke') open.set(op.process, op)
    else {
      const inv = open.get(op.process)!
      open.delete(op.process)
      out.push({ type: op.type, mops: (op.type === 'ok' ? op.value : inv.value) as Mop[] })
    }
  }
  for (const inv of open.values()) out.push({ type: 'info', mops: inv.value as Mop[] })
  return out
}

/** Values some committed read returned, per key. */
function observed(ts: T[], dm: DataModel): Map<unknown, Set<unknown>> {
  const seen = new Map<unknown, Set<unknown>>()
  for (const t of ts) {
    if (t.type !== 'ok') continue
    for (const [f, k, v] of t.mops) {
      if (f !== 'r') continue
      const s = seen.get(k) ?? new Set()
      seen.set(k, s)
      if (dm === 'list-append') for (const e of (v ?? []) as unknown[]) s.add(e)
      else s.add(v)
    }
  }
  return seen
}

/** Transactions that certainly committed: ok ones, and info ones a committed read observed. */
function committed(ts: T[], seen: Map<unknown, Set<unknown>>): T[] {
  return ts.filter((t) => t.type === 'ok' || (t.type === 'info' && t.mops.some(([f, k, v]) => f !== 'r' && seen.get(k)?.has(v))))
}

/**
 * List-append: two or more committed transactions appended to one key and no
 * read observed those appends, so nothing orders them.
 */
export function unorderedAppends(history: readonly Op[]): boolean {
  const ts = txns(history)
  const seen = observed(ts, 'list-append')
  const writersOf = new Map<unknown, number>()
  for (const t of committed(ts, seen)) {
    const keys = new Set(t.mops.filter(([f, k, v]) => f === 'append' && !seen.get(k)?.has(v)).map(([, k]) => k))
    for (const k of keys) writersOf.set(k, (writersOf.get(k) ?? 0) + 1)
  }
  return [...writersOf.values()].some((n) => n >= 2)
}

/**
 * Registers: the order of some key's committed writes is not fixed by what a
 * read-only inference can know: the initial state first, a transaction's own
 * writes in order, and a committed transaction's write after the value it read
 * first. True when some two committed writes stay unordered.
 */
export function unorderedWrites(history: readonly Op[]): boolean {
  const ts = txns(history)
  const seen = observed(ts, 'rw-register')
  const before = new Map<unknown, Map<unknown, Set<unknown>>>() // key → value → values known before it
  const edge = (k: unknown, u: unknown, v: unknown): void => {
    const m = before.get(k) ?? new Map<unknown, Set<unknown>>()
    before.set(k, m)
    const s = m.get(v) ?? new Set()
    m.set(v, s)
    s.add(u)
  }
  const writes = new Map<unknown, Set<unknown>>()
  for (const t of committed(ts, seen)) {
    const first = new Map<unknown, unknown>()
    const last = new Map<unknown, unknown>()
    for (const [f, k, v] of t.mops) {
      if (f === 'r') {
        if (t.type === 'ok' && !first.has(k) && !last.has(k)) first.set(k, v)
        continue
      }
      const w = writes.get(k) ?? new Set()
      writes.set(k, w)
      w.add(v)
      edge(k, null, v)
      if (last.has(k)) edge(k, last.get(k), v)
      else if (first.has(k)) edge(k, first.get(k), v)
      last.set(k, v)
    }
  }
  for (const [k, ws] of writes) {
    const m = before.get(k)!
    // Transitive closure of "before", from each value.
    const reach = (v: unknown): Set<unknown> => {
      const out = new Set<unknown>()
      const todo = [v]
      while (todo.length > 0) {
        for (const u of m.get(todo.pop()) ?? []) {
          if (out.has(u)) continue
          out.add(u)
          todo.push(u)
        }
      }
      return out
    }
    const list = [...ws]
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        if (!reach(list[i]).has(list[j]) && !reach(list[j]).has(list[i])) return true
      }
    }
  }
  return false
}
