/**
 * The operation and the history: the vocabulary every part of dstest speaks.
 * See DESIGN.md "The operation and the history".
 */

export type OpType = 'invoke' | 'ok' | 'fail' | 'info'

/** A logical single-threaded client, or the nemesis. */
export type Process = number | 'nemesis'

export interface Op {
  /** Position in the history, 0..n-1. */
  index: number
  /** Nanoseconds since the test started (monotonic clock). */
  time: number
  type: OpType
  process: Process
  /** 'read' | 'write' | 'cas' | 'add' | 'txn' | 'start-partition' | ... */
  f: string
  /** JSON-serialisable. */
  value: unknown
  /** Which node the client talked to. */
  node?: string
  /** Why a fail/info happened. */
  error?: string
}

export type History = Op[]

/** What a client (or the nemesis) answers for one invocation. */
export interface Completion {
  /** ok: it happened. fail: it certainly did not. info: unknown. */
  type: 'ok' | 'fail' | 'info'
  value?: unknown
  node?: string
  error?: string
}

export const OP_TYPES: readonly OpType[] = ['invoke', 'ok', 'fail', 'info']

export function isOpType(x: unknown): x is OpType {
  return x === 'invoke' || x === 'ok' || x === 'fail' || x === 'info'
}

/**
 * Pairs each invocation with its completion, by process, as Jepsen does: the next
 * ok/fail/info of the same process completes the open invoke. An invoke never
 * completed (the test stopped first) pairs with `undefined`.
 */
export interface OpPair {
  invoke: Op
  complete: Op | undefined
}

export function pairOps(history: readonly Op[]): OpPair[] {
  const open = new Map<Process, number>()
  const pairs: OpPair[] = []
  for (const op of history) {
    if (op.type === 'invoke') {
      open.set(op.process, pairs.length)
      pairs.push({ invoke: op, complete: undefined })
    } else {
      const at = open.get(op.process)
      if (at === undefined) continue // a completion with no invoke (nemesis info, imports): kept unpaired
      const pair = pairs[at]
      if (pair) pair.complete = op
      open.delete(op.process)
    }
  }
  return pairs
}
