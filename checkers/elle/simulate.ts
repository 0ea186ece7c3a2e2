/**
 * Synthetic list-append histories for benchmarks and scale tests: concurrent
 * processes against an in-memory store that applies each transaction
 * atomically between its invocation and its completion, so the history is
 * strict serializable unless stale reads are injected. Keys rotate (a key is
 * retired after `appendsPerKey` appends and a fresh one takes its place), so
 * lists stay short however long the history.
 */
import type { Op } from '../../core/op.js'

export interface ListAppendSimulation {
  txns: number
  /** Concurrent processes (default 10). */
  processes?: number
  /** Micro-operations per transaction: 1..maxOps (default 5). */
  maxOps?: number
  /** Keys in use at any time (default 8). */
  keys?: number
  /** Appends before a key is retired (default 16). */
  appendsPerKey?: number
  /** Share of micro-operations that are reads (default 0.5). */
  readRatio?: number
  /** Share of transactions that fail (no effect) and that end indeterminate (default 0.02 / 0.01). */
  failRate?: number
  infoRate?: number
  /** Share of reads that miss the key's newest append (default 0); one that misses a write completed before it began closes a cycle. */
  staleReadRate?: number
  seed?: number
}

type Mop = [string, number, unknown]

export function simulateListAppend(o: ListAppendSimulation): Op[] {
  const processes = o.processes ?? 10
  const maxOps = o.maxOps ?? 5
  const liveKeys = o.keys ?? 8
  const perKey = o.appendsPerKey ?? 16
  const readRatio = o.readRatio ?? 0.5
  const failRate = o.failRate ?? 0.02
  const infoRate = o.infoRate ?? 0.01
  const staleRate = o.staleReadRate ?? 0
  let seed = (o.seed ?? 1) >>> 0
  // mulberry32: small, fast, good enough to drive a simulation.
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) >>> 0
    let x = seed
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number): number => Math.floor(random() * n)

  const lists = new Map<number, number[]>()
  // The next value to append to each key: values are unique per key whether or not the append takes effect.
  const nextValue = new Map<number, number>()
  const keys: number[] = []
  let nextKey = 0
  const freshKey = (): number => {
    lists.set(nextKey, [])
    nextValue.set(nextKey, 0)
    return nextKey++
  }
  for (let i = 0; i < liveKeys; i++) keys.push(freshKey())
  const history: Op[] = []
  const pending: (Mop[] | undefined)[] = new Array<Mop[] | undefined>(processes)
  const procId = Array.from({ length: processes }, (_, i) => i)
  let invoked = 0
  let open = 0
  let time = 0
  const push = (op: Omit<Op, 'index' | 'time'>): void => {
    time += 1000 + int(1000)
    history.push({ index: history.length, time, ...op })
  }

  while (invoked < o.txns || open > 0) {
    const w = int(processes)
    const mops = pending[w]
    if (mops === undefined) {
      if (invoked >= o.txns) continue
      invoked++
      open++
      const n = 1 + int(maxOps)
      const txn: Mop[] = []
      for (let i = 0; i < n; i++) {
        const k = keys[int(keys.length)]!
        if (random() < readRatio) txn.push(['r', k, null])
        else {
          const v = nextValue.get(k)!
          nextValue.set(k, v + 1)
          txn.push(['append', k, v])
        }
      }
      pending[w] = txn
      push({ type: 'invoke', process: procId[w]!, f: 'txn', value: txn })
      continue
    }
    pending[w] = undefined
    open--
    const roll = random()
    const outcome = roll < failRate ? 'fail' : roll < failRate + infoRate ? 'info' : 'ok'
    // The store applies the whole transaction at this instant (between invocation and completion).
    const done: Mop[] = mops.slice()
    if (outcome === 'ok' || (outcome === 'info' && random() < 0.5)) {
      for (let i = 0; i < done.length; i++) {
        const m = done[i]!
        const list = lists.get(m[1])!
        if (m[0] === 'append') list.push(m[2] as number)
        else {
          let seen = list.slice()
          if (staleRate > 0 && seen.length > 0 && random() < staleRate) seen = seen.slice(0, -1)
          done[i] = ['r', m[1], seen]
        }
      }
    }
    if (outcome === 'info') {
      push({ type: 'info', process: procId[w]!, f: 'txn', value: mops })
      procId[w]! += processes // Jepsen's rule: a process that timed out is never reused
    } else push({ type: outcome, process: procId[w]!, f: 'txn', value: done })
    for (let i = 0; i < keys.length; i++) if (nextValue.get(keys[i]!)! >= perKey) keys[i] = freshKey()
  }
  return history
}

export interface RwRegisterSimulation {
  txns: number
  /** Concurrent processes (default 10). */
  processes?: number
  /** Micro-operations per transaction: 1..maxOps (default 4). */
  maxOps?: number
  /** Keys in use at any time (default 8). */
  keys?: number
  /** Writes before a key is retired (default 32). */
  writesPerKey?: number
  /** Share of micro-operations that are reads (default 0.5). */
  readRatio?: number
  /** Share of transactions that fail (no effect) and that end indeterminate (default 0.02 / 0.01). */
  failRate?: number
  infoRate?: number
  /** Share of reads that return the key's previous value (default 0): one that misses a write completed before it began closes a cycle. */
  staleReadRate?: number
  /** After the last transaction, a read of each key ever used, one transaction per key (default true). */
  finalReads?: boolean
  seed?: number
}

/**
 * Synthetic rw-register histories shaped like a register workload's: many
 * writes per key, most never read (a read sees only the newest value), reads of
 * single keys, keys retired and replaced so the history can grow, and a final
 * read of every key. The store applies each transaction atomically at its
 * completion, so the history is strict serializable unless stale reads are
 * injected.
 */
export function simulateRwRegister(o: RwRegisterSimulation): Op[] {
  const processes = o.processes ?? 10
  const maxOps = o.maxOps ?? 4
  const liveKeys = o.keys ?? 8
  const perKey = o.writesPerKey ?? 32
  const readRatio = o.readRatio ?? 0.5
  const failRate = o.failRate ?? 0.02
  const infoRate = o.infoRate ?? 0.01
  const staleRate = o.staleReadRate ?? 0
  let seed = (o.seed ?? 1) >>> 0
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) >>> 0
    let x = seed
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number): number => Math.floor(random() * n)

  // Each key's current and previous value (null: the initial state), and the next value to write.
  const current = new Map<number, number | null>()
  const previous = new Map<number, number | null>()
  const nextValue = new Map<number, number>()
  const keys: number[] = []
  let nextKey = 0
  const freshKey = (): number => {
    current.set(nextKey, null)
    previous.set(nextKey, null)
    nextValue.set(nextKey, 1)
    return nextKey++
  }
  for (let i = 0; i < liveKeys; i++) keys.push(freshKey())
  const history: Op[] = []
  const pending: (Mop[] | undefined)[] = new Array<Mop[] | undefined>(processes)
  const procId = Array.from({ length: processes }, (_, i) => i)
  let invoked = 0
  let open = 0
  let time = 0
  const push = (op: Omit<Op, 'index' | 'time'>): void => {
    time += 1000 + int(1000)
    history.push({ index: history.length, time, ...op })
  }

  while (invoked < o.txns || open > 0) {
    const w = int(processes)
    const mops = pending[w]
    if (mops === undefined) {
      if (invoked >= o.txns) continue
      invoked++
      open++
      const txn: Mop[] = []
      if (random() < readRatio) txn.push(['r', keys[int(keys.length)]!, null])
      else {
        for (let i = 1 + int(maxOps); i > 0; i--) {
          const k = keys[int(keys.length)]!
          if (random() < readRatio) txn.push(['r', k, null])
          else {
            const v = nextValue.get(k)!
            nextValue.set(k, v + 1)
            txn.push(['w', k, v])
          }
        }
      }
      pending[w] = txn
      push({ type: 'invoke', process: procId[w]!, f: 'txn', value: txn })
      continue
    }
    pending[w] = undefined
    open--
    const roll = random()
    const outcome = roll < failRate ? 'fail' : roll < failRate + infoRate ? 'info' : 'ok'
    const done: Mop[] = mops.slice()
    if (outcome === 'ok' || (outcome === 'info' && random() < 0.5)) {
      for (let i = 0; i < done.length; i++) {
        const [f, k, v] = done[i]!
        if (f === 'w') {
          previous.set(k, current.get(k)!)
          current.set(k, v as number)
        } else {
          // A stale read returns the previous value, unless this transaction wrote the key already.
          const own = done.slice(0, i).some((m) => m[0] === 'w' && m[1] === k)
          const stale = !own && staleRate > 0 && current.get(k) !== null && random() < staleRate
          done[i] = ['r', k, stale ? previous.get(k)! : current.get(k)!]
        }
      }
    }
    if (outcome === 'info') {
      push({ type: 'info', process: procId[w]!, f: 'txn', value: mops })
      procId[w]! += processes
    } else push({ type: outcome, process: procId[w]!, f: 'txn', value: done })
    for (let i = 0; i < keys.length; i++) if (nextValue.get(keys[i]!)! > perKey) keys[i] = freshKey()
  }
  if (o.finalReads ?? true) {
    const p = Math.max(...procId) + 1
    for (let k = 0; k < nextKey; k++) {
      push({ type: 'invoke', process: p, f: 'txn', value: [['r', k, null]] })
      push({ type: 'ok', process: p, f: 'txn', value: [['r', k, current.get(k)!]] })
    }
  }
  return history
}
