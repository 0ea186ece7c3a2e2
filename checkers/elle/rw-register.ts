/**
 * Read-write register histories: `['w', k, v]` writes v (unique per key),
 * `['r', k, v]` reads it (null: the initial state). A read names its writer
 * exactly (wr), but a read shows only one version, so the order of versions
 * is known only in part. It is inferred, as Elle does, from:
 *
 * - the initial state: null comes before every written value;
 * - writes follow reads: a transaction that read v and then wrote w puts w after v;
 * - a transaction's own writes, in order;
 * - process order, when the checked models include session guarantees
 *   (a transaction's versions of k come after those of the process's previous
 *   transaction on k);
 * - real-time order, when they include real-time guarantees.
 *
 * Each version edge u → v gives ww from u's writer to v's writer and rw from
 * every transaction that read u to v's writer. Edges from process or real-time
 * inference carry that origin, so a cycle that needs them is reported as a
 * -process / -realtime anomaly, which only the session / strong models forbid.
 *
 * This order is partial: two writes that no read, no read-then-write and no
 * requested order relate stay unordered. Those are open orders
 * (open-orders.ts): the check decides whether some order of them avoids the
 * cycles a model forbids (resolve.ts).
 */
import { Cases, keyName, show, txnRef } from './cases.js'
import type { EdgeExplainer } from './explain.js'
import { EdgeList, RW, RW_PROCESS, RW_REALTIME, WR, WW, WW_PROCESS, WW_REALTIME } from './graph.js'
import { lostUpdates } from './list-append.js'
import type { Analysis, KeyVersions } from './open-orders.js'
import { realtimeReduction } from './orders.js'
import { describe, ElleInputError, FAIL, OK, type Txns } from './txn.js'

/** Where a version order edge came from. */
type Source = 'initial-state' | 'writes-follow-reads' | 'process' | 'realtime'
const LEVEL: Record<Source, 0 | 1 | 2> = { 'initial-state': 0, 'writes-follow-reads': 0, process: 1, realtime: 2 }
const WW_BY_LEVEL = [WW, WW_PROCESS, WW_REALTIME]
const RW_BY_LEVEL = [RW, RW_PROCESS, RW_REALTIME]

export function analyseRwRegister(txns: Txns, cases: Cases, edges: EdgeList, orders: { process: boolean; realtime: boolean }): Analysis {
  const { n, type, mops, mopStart, mopKey, mopWrite } = txns
  const nKeys = txns.keys.length

  // --- writes
  const writers: Map<unknown, number>[] = Array.from({ length: nKeys }, () => new Map<unknown, number>())
  const writeTxn: number[] = []
  const writeLast: boolean[] = []
  for (let t = 0; t < n; t++) {
    const list = mops(t)
    const base = mopStart[t]!
    for (let j = 0; j < list.length; j++) {
      if (!mopWrite[base + j]) continue
      const k = mopKey[base + j]!
      const v = list[j]![2]
      const at = txns.completeIndex[t]
      if (v === null || typeof v === 'object') {
        throw new ElleInputError(`op ${at}: wrote ${describe(v)} to ${describe(list[j]![1])}: values must be numbers or strings (null is the initial state)`, at)
      }
      const w = writers[k]!
      if (w.has(v)) {
        throw new ElleInputError(
          `op ${at}: ${describe(v)} is written to ${describe(list[j]![1])} more than once (also by op ${txns.completeIndex[writeTxn[w.get(v)!]!]}): rw-register needs every written value to be unique per key`,
          at,
        )
      }
      w.set(v, writeTxn.length)
      writeTxn.push(t)
      let last = true
      for (let i = j + 1; i < list.length; i++) if (mopWrite[base + i] && mopKey[base + i] === k) last = false
      writeLast.push(last)
    }
  }
  const writerTxn = (k: number, v: unknown): number => {
    const x = writers[k]!.get(v)
    return x === undefined ? -1 : writeTxn[x]!
  }
  // A value nobody wrote, or that only a failed transaction wrote, was never a
  // version of the key: it is reported, and the order inference leaves it out.
  const isVersion = (k: number, v: unknown): boolean => v === null || (writerTxn(k, v) >= 0 && type[writerTxn(k, v)] !== FAIL)

  // --- external reads and internal consistency
  const readers: Map<unknown, number[]>[] = Array.from({ length: nKeys }, () => new Map<unknown, number[]>())
  const luKey: number[] = []
  const luVersion: number[] = []
  const luTxn: number[] = []
  const versionIds = new Map<unknown, number>()
  const versionOf: unknown[] = []
  for (let t = 0; t < n; t++) {
    if (type[t] !== OK) continue
    const list = mops(t)
    const base = mopStart[t]!
    for (let j = 0; j < list.length; j++) {
      if (mopWrite[base + j]) continue
      const k = mopKey[base + j]!
      const v = list[j]![2]
      const key = list[j]![1]
      const mop = list[j]!
      let prior: number = -1
      for (let i = j - 1; i >= 0; i--) if (mopKey[base + i] === k) {
        prior = i
        break
      }
      if (prior >= 0) {
        const expected = list[prior]![2]
        if (expected !== v) {
          cases.add('internal', () => ({
            type: 'internal',
            txns: [txnRef(txns, t, 'T1')],
            key,
            mop,
            expected,
            explanation: `T1 read ${keyName(key)} = ${show(v)}, but it had just ${mopWrite[base + prior] ? 'written' : 'read'} ${show(expected)} there itself`,
          }))
        }
        continue
      }
      if (v !== null && typeof v === 'object') {
        throw new ElleInputError(`op ${txns.completeIndex[t]}: read of ${describe(key)} returned ${describe(v)}: register values are numbers or strings`, txns.completeIndex[t])
      }
      if (isVersion(k, v)) {
        let rs = readers[k]!.get(v)
        if (!rs) readers[k]!.set(v, (rs = []))
        rs.push(t)
      }
      if (v !== null) {
        const x = writers[k]!.get(v)
        if (x === undefined) {
          cases.add('garbage-read', () => ({
            type: 'garbage-read',
            txns: [txnRef(txns, t, 'T1')],
            key,
            mop,
            element: v,
            explanation: `T1 read ${keyName(key)} = ${show(v)}, which no transaction wrote`,
          }))
        } else {
          const w = writeTxn[x]!
          if (w === t) {
            cases.add('future-read', () => ({
              type: 'future-read',
              txns: [txnRef(txns, t, 'T1')],
              key,
              mop,
              element: v,
              explanation: `T1 read ${keyName(key)} = ${show(v)} before it wrote ${show(v)} itself`,
            }))
          } else if (type[w] === FAIL) {
            cases.add('G1a', () => ({
              type: 'G1a',
              txns: [txnRef(txns, t, 'T1'), txnRef(txns, w, 'T2')],
              key,
              mop,
              element: v,
              explanation: `T1 read ${keyName(key)} = ${show(v)}, written by T2, which failed (an aborted read)`,
            }))
          } else {
            edges.add(w, t, WR)
            if (!writeLast[x]) {
              cases.add('G1b', () => ({
                type: 'G1b',
                txns: [txnRef(txns, t, 'T1'), txnRef(txns, w, 'T2')],
                key,
                mop,
                element: v,
                explanation: `T1 read ${keyName(key)} = ${show(v)}, an intermediate state: T2 wrote ${show(v)} and then another value to ${keyName(key)} in the same transaction`,
              }))
            }
          }
        }
      }
      if (writesKey(txns, t, k)) {
        let id = versionIds.get(v)
        if (id === undefined) {
          id = versionOf.length
          versionIds.set(v, id)
          versionOf.push(v)
        }
        luKey.push(k)
        luVersion.push(id)
        luTxn.push(t)
      }
    }
  }
  lostUpdates(txns, cases, luKey, luVersion, luTxn, (_k, id) => versionOf[id])

  // --- version orders, per key: incoming[k].get(v) = Map(u → the source that put u before v)
  const incoming: Map<unknown, Map<unknown, Source>>[] = Array.from({ length: nKeys }, () => new Map())
  const addVersion = (k: number, u: unknown, v: unknown, source: Source): void => {
    if (u === v || !isVersion(k, u) || !isVersion(k, v)) return
    let from = incoming[k]!.get(v)
    if (!from) incoming[k]!.set(v, (from = new Map()))
    const had = from.get(u)
    if (had === undefined || LEVEL[source] < LEVEL[had]) from.set(u, source)
  }
  for (let t = 0; t < n; t++) {
    if (type[t] === FAIL) continue
    const list = mops(t)
    const base = mopStart[t]!
    for (let j = 0; j < list.length; j++) {
      if (!mopWrite[base + j]) continue
      const k = mopKey[base + j]!
      addVersion(k, null, list[j]![2], 'initial-state')
      // The version before this write, as this transaction knows it: its own
      // previous write of k, or (committed only) what it read of k first.
      for (let i = j - 1; i >= 0; i--) {
        if (mopKey[base + i] !== k) continue
        if (mopWrite[base + i] || type[t] === OK) {
          if (!mopWrite[base + i] && !isFirstAccess(txns, t, i)) continue
          addVersion(k, list[i]![2], list[j]![2], 'writes-follow-reads')
          break
        }
      }
    }
  }
  if (orders.process) {
    const last = new Map<number, Map<number, unknown>>()
    for (let t = 0; t < n; t++) {
      if (type[t] === FAIL) continue
      const p = txns.process[t]!
      let seen = last.get(p)
      if (!seen) last.set(p, (seen = new Map()))
      for (const [k, first, final] of accesses(txns, t)) {
        if (seen.has(k) && first !== undefined) addVersion(k, seen.get(k), first, 'process')
        // An indeterminate transaction may not have happened: nothing may follow from it.
        if (final !== undefined && type[t] === OK) seen.set(k, final)
      }
    }
  }
  if (orders.realtime) {
    const touching: number[][] = Array.from({ length: nKeys }, () => [])
    const byTxn: Map<number, [unknown, unknown]>[] = []
    for (let t = 0; t < n; t++) {
      if (type[t] === FAIL) continue
      const m = new Map<number, [unknown, unknown]>()
      for (const [k, first, final] of accesses(txns, t)) {
        touching[k]!.push(t)
        m.set(k, [first, final])
      }
      byTxn[t] = m
    }
    for (let k = 0; k < nKeys; k++) {
      realtimeReduction(txns, touching[k]!, (f, t) => {
        const prev = byTxn[f]!.get(k)![1]
        const next = byTxn[t]!.get(k)![0]
        if (prev !== undefined && next !== undefined) addVersion(k, prev, next, 'realtime')
      })
    }
  }

  // --- cyclic version orders (from the data alone), then the edges they give
  for (let k = 0; k < nKeys; k++) {
    const cycle = dataVersionCycle(incoming[k]!)
    if (cycle) {
      const key = txns.keys[k]
      cases.add('cyclic-versions', () => ({
        type: 'cyclic-versions',
        txns: [],
        key,
        values: cycle,
        explanation: `the reads and writes of ${keyName(key)} put its versions in a cycle: ${cycle.map(show).join(' < ')} < ${show(cycle[0])}`,
      }))
    }
    for (const [v, from] of incoming[k]!) {
      const wv = writerTxn(k, v)
      if (wv < 0 || type[wv] === FAIL) continue
      for (const [u, source] of from) {
        const level = LEVEL[source]
        if (u !== null) {
          const wu = writerTxn(k, u)
          if (wu >= 0 && type[wu] !== FAIL) edges.add(wu, wv, WW_BY_LEVEL[level]!)
        }
        for (const r of readers[k]!.get(u) ?? []) edges.add(r, wv, RW_BY_LEVEL[level]!)
      }
    }
  }

  const open = openWrites(txns, writers, writeTxn, readers, incoming)

  const explain: EdgeExplainer = (from, to, rel, level) => {
    if (rel === WR) {
      for (const [k, first] of accesses(txns, to)) {
        if (first !== undefined && first !== null && writerTxn(k, first) === from && readsFirst(txns, to, k)) return { key: txns.keys[k], value: first }
      }
      return undefined
    }
    const list = mops(to)
    const base = mopStart[to]!
    for (let j = 0; j < list.length; j++) {
      if (!mopWrite[base + j]) continue
      const k = mopKey[base + j]!
      const v = list[j]![2]
      for (const [u, source] of incoming[k]!.get(v) ?? []) {
        if (LEVEL[source] !== level) continue
        const ok = rel === WW ? u !== null && writerTxn(k, u) === from : (readers[k]!.get(u) ?? []).includes(from)
        if (ok) return { key: txns.keys[k], value: u, value2: v, via: source }
      }
    }
    return undefined
  }
  return { explain, open }
}

/**
 * Each key's versions written by transactions that certainly committed (ok,
 * or indeterminate with a write some read returned), with their readers and
 * the order known between them, as open orders: the keys where two such
 * versions have different writers.
 */
function openWrites(
  txns: Txns,
  writers: Map<unknown, number>[],
  writeTxn: number[],
  readers: Map<unknown, number[]>[],
  incoming: Map<unknown, Map<unknown, Source>>[],
): KeyVersions[] {
  const committed = new Uint8Array(txns.n)
  for (let t = 0; t < txns.n; t++) if (txns.type[t] === OK) committed[t] = 1
  for (let k = 0; k < writers.length; k++) {
    for (const [v, rs] of readers[k]!) {
      if (v === null || rs.length === 0) continue
      const x = writers[k]!.get(v)
      if (x !== undefined) committed[writeTxn[x]!] = 1
    }
  }
  const out: KeyVersions[] = []
  for (let k = 0; k < writers.length; k++) {
    const index = new Map<unknown, number>()
    const kv: KeyVersions = { key: k, writer: [], first: [], last: [], readers: [], known: [] }
    for (const [v, x] of writers[k]!) {
      const t = writeTxn[x]!
      if (!committed[t]) continue
      index.set(v, kv.writer.length)
      kv.writer.push(t)
      kv.first.push(v)
      kv.last.push(v)
      kv.readers.push(readers[k]!.get(v) ?? [])
    }
    if (new Set(kv.writer).size < 2) continue
    for (const [v, from] of incoming[k]!) {
      const b = index.get(v)
      if (b === undefined) continue
      for (const [u, source] of from) {
        const a = u === null ? undefined : index.get(u)
        if (a !== undefined) kv.known.push([a, b, LEVEL[source]])
      }
    }
    out.push(kv)
  }
  return out
}

function writesKey(txns: Txns, t: number, k: number): boolean {
  const base = txns.mopStart[t]!
  for (let i = base; i < txns.mopStart[t + 1]!; i++) if (txns.mopWrite[i] && txns.mopKey[i] === k) return true
  return false
}

function isFirstAccess(txns: Txns, t: number, j: number): boolean {
  const base = txns.mopStart[t]!
  const k = txns.mopKey[base + j]
  for (let i = 0; i < j; i++) if (txns.mopKey[base + i] === k) return false
  return true
}

function readsFirst(txns: Txns, t: number, k: number): boolean {
  const base = txns.mopStart[t]!
  for (let i = base; i < txns.mopStart[t + 1]!; i++) if (txns.mopKey[i] === k) return !txns.mopWrite[i]
  return false
}

/**
 * For each key transaction t touches: the first version it knows of (what it
 * read first, for a committed transaction, else its first write) and the last
 * (its final write, else what it read). Undefined where unknown.
 */
function accesses(txns: Txns, t: number): [number, unknown, unknown][] {
  const list = txns.mops(t)
  const base = txns.mopStart[t]!
  const ok = txns.type[t] === OK
  const out = new Map<number, [number, unknown, unknown]>()
  for (let j = 0; j < list.length; j++) {
    const k = txns.mopKey[base + j]!
    const write = txns.mopWrite[base + j] === 1
    if (!write && !ok) continue // an indeterminate transaction's reads are unknown
    const v = list[j]![2]
    const a = out.get(k)
    if (!a) out.set(k, [k, v, v])
    else if (write || a[2] === undefined) a[2] = v
  }
  return [...out.values()]
}

/** A cycle among a key's versions using the initial-state and writes-follow-reads edges only, or undefined. */
function dataVersionCycle(incoming: Map<unknown, Map<unknown, Source>>): unknown[] | undefined {
  const succ = new Map<unknown, unknown[]>()
  for (const [v, from] of incoming) {
    for (const [u, source] of from) {
      if (LEVEL[source] !== 0) continue
      let s = succ.get(u)
      if (!s) succ.set(u, (s = []))
      s.push(v)
    }
  }
  // Iterative depth-first search with colours: grey on the path, black done.
  const colour = new Map<unknown, 1 | 2>()
  for (const start of succ.keys()) {
    if (colour.has(start)) continue
    const path: unknown[] = [start]
    const iters: number[] = [0]
    colour.set(start, 1)
    while (path.length > 0) {
      const u = path[path.length - 1]
      const next = succ.get(u) ?? []
      const i = iters[iters.length - 1]!
      if (i >= next.length) {
        colour.set(u, 2)
        path.pop()
        iters.pop()
        continue
      }
      iters[iters.length - 1] = i + 1
      const v = next[i]
      const c = colour.get(v)
      if (c === 1) return path.slice(path.indexOf(v))
      if (c === undefined) {
        colour.set(v, 1)
        path.push(v)
        iters.push(0)
      }
    }
  }
  return undefined
}
