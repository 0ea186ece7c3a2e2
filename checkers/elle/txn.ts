/**
 * Transactions out of a history: each `f: 'txn'` invocation paired with its
 * completion by process, as Jepsen pairs them. `ok`: it committed. `fail`: it
 * certainly did not. `info`, or never completed: it may have committed, at any
 * time after its invocation; its reads are unknown.
 *
 * Held as columns (typed arrays) so that a million transactions stay compact.
 * Micro-operations are the history's own arrays, `[f, key, value]`; keys are
 * interned to small integers.
 */
import type { Op } from '../../core/op.js'
import type { DataModel } from './types.js'

export const OK = 0
export const INFO = 1
export const FAIL = 2
export const TYPE_NAMES = ['ok', 'info', 'fail'] as const

/** A history that is not one of the data model's histories. */
export class ElleInputError extends Error {
  /** History index of the offending operation, when there is one. */
  readonly opIndex: number | undefined
  constructor(message: string, opIndex?: number) {
    super(message)
    this.name = 'ElleInputError'
    this.opIndex = opIndex
  }
}

export type Mop = [string, unknown, unknown]

export interface Txns {
  n: number
  type: Uint8Array
  process: Int32Array
  /** Positions in the history array: history order is real-time order. */
  invokePos: Int32Array
  /** -1 when it never completed. */
  completePos: Int32Array
  /** The history's op indexes, for results. */
  invokeIndex: Int32Array
  completeIndex: Int32Array
  /** Its micro-operations, as the history holds them (the completion's, or the invocation's when that is all there is). */
  mops(t: number): Mop[]
  /** The history, whose positions the columns refer to. */
  history: readonly Op[]
  /** Micro-op j of txn t is at mopStart[t] + j in the flat columns below. */
  mopStart: Int32Array
  mopKey: Int32Array
  /** 1 for append / write, 0 for read. */
  mopWrite: Uint8Array
  /** Each micro-op's value, flat: later passes read it without going through the op's arrays. */
  mopValue: unknown[]
  /** keyId → the key as written in the history. */
  keys: unknown[]
}

const WRITE_F: Record<DataModel, string> = { 'list-append': 'append', 'rw-register': 'w' }

/** A key as a Map key: scalars as themselves, anything else as its JSON. */
function internKey(ids: Map<unknown, number>, keys: unknown[], key: unknown): number {
  const k = key !== null && typeof key === 'object' ? `\u0001${JSON.stringify(key)}` : key
  let id = ids.get(k)
  if (id === undefined) {
    id = keys.length
    ids.set(k, id)
    keys.push(key)
  }
  return id
}

export function readTxns(history: readonly Op[], dataModel: DataModel): Txns {
  const writeF = WRITE_F[dataModel]
  const open = new Map<number, number>()
  const H = history.length
  const type = new Uint8Array(H)
  const proc = new Int32Array(H)
  const invokePos = new Int32Array(H)
  const completePos = new Int32Array(H)
  let count = 0
  const start = (op: Op, pos: number): number => {
    type[count] = INFO
    proc[count] = op.process as number
    invokePos[count] = pos
    completePos[count] = -1
    return count++
  }

  for (let pos = 0; pos < H; pos++) {
    const op = history[pos]!
    if (op.f !== 'txn' || typeof op.process !== 'number') continue
    if (op.type === 'invoke') {
      open.set(op.process, start(op, pos))
      continue
    }
    // A completion with no invocation (hand-written histories often have only
    // completions) was invoked where it completed.
    let t = open.get(op.process)
    if (t === undefined) t = start(op, pos)
    open.delete(op.process)
    type[t] = op.type === 'ok' ? OK : op.type === 'fail' ? FAIL : INFO
    completePos[t] = pos
  }

  // Positions only, no array of ops: on a long history the heap is the history,
  // and every extra array of references is work for the garbage collector.
  const n = count
  const valuePos = new Int32Array(n)
  const mopStart = new Int32Array(n + 1)
  let total = 0
  for (let t = 0; t < n; t++) {
    const done = completePos[t]! >= 0 ? history[completePos[t]!] : undefined
    valuePos[t] = type[t] === OK || (done !== undefined && Array.isArray(done.value)) ? completePos[t]! : invokePos[t]!
    const value = history[valuePos[t]!]!.value
    const at = (done ?? history[invokePos[t]!]!).index
    if (!Array.isArray(value)) throw new ElleInputError(`op ${at}: a transaction's value must be a list of micro-operations, found ${describe(value)}`, at)
    mopStart[t] = total
    total += value.length
  }
  mopStart[n] = total
  const mops = (t: number): Mop[] => history[valuePos[t]!]!.value as Mop[]

  const ids = new Map<unknown, number>()
  const keys: unknown[] = []
  const mopKey = new Int32Array(total)
  const mopWrite = new Uint8Array(total)
  const mopValue = new Array<unknown>(total)
  for (let t = 0; t < n; t++) {
    const list = mops(t)
    const base = mopStart[t]!
    for (let j = 0; j < list.length; j++) {
      const m = list[j]
      if (!Array.isArray(m) || m.length !== 3 || (m[0] !== 'r' && m[0] !== writeF)) {
        const at = history[completePos[t]! >= 0 ? completePos[t]! : invokePos[t]!]!.index
        throw new ElleInputError(
          `op ${at}: ${describe(m)} is not a ${dataModel} micro-operation: expected ['${writeF}', key, value] or ['r', key, value]`,
          at,
        )
      }
      mopKey[base + j] = internKey(ids, keys, m[1])
      if (m[0] === writeF) mopWrite[base + j] = 1
      mopValue[base + j] = m[2]
    }
  }

  const completeIndex = new Int32Array(n)
  const invokeIndex = new Int32Array(n)
  for (let t = 0; t < n; t++) {
    invokeIndex[t] = history[invokePos[t]!]!.index
    completeIndex[t] = history[completePos[t]! >= 0 ? completePos[t]! : invokePos[t]!]!.index
  }
  return {
    n,
    type: type.slice(0, n),
    process: proc.slice(0, n),
    invokePos: invokePos.slice(0, n),
    completePos: completePos.slice(0, n),
    invokeIndex,
    completeIndex,
    mops,
    history,
    mopStart,
    mopKey,
    mopWrite,
    mopValue,
    keys,
  }
}

export function describe(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 80 ? `${s.slice(0, 77)}...` : s
}
