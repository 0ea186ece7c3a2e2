/**
 * What both searches (linearizable, sequential) share: the prepared partition,
 * the outcome record, Zobrist keys for the linearized set, and the recorder of
 * the longest partial linearizations.
 */
import type { Model, Operation, Verdict } from './types.js'

/** One partition, as parallel arrays indexed by local operation number. */
export interface Prepared<State, Input, Output> {
  model: Model<State, Input, Output>
  n: number
  inputs: Input[]
  outputs: (Output | undefined)[]
  calls: Float64Array
  /** `Infinity` for operations that never completed. */
  returns: Float64Array
  clients: Float64Array
  /** 1 where the model says the operation never changes the state (`isReadOnly`). */
  readOnly: Uint8Array
}

export interface SearchLimits {
  /** `performance.now()` value after which the search gives up; Infinity = none. */
  deadline: number
  maxCacheEntries: number
  verbose: boolean
  maxLongest: number
}

export interface SearchOutcome<State> {
  result: Verdict
  reason?: string
  steps: number
  cacheEntries: number
  cacheBytes: number
  /** Local operation numbers. */
  longest?: { ops: number[]; states: State[] }[]
  stuck?: { op: number; next: State[] }[]
  /** State after longest[0]. */
  stuckState?: State
}

/**
 * A search in progress. It yields its step count whenever it reaches its step
 * budget, and is resumed with a new budget (`next(budget)`); it returns its outcome.
 * Budgets in steps, not time, let partitions share a thread deterministically.
 */
export type SearchRun<State> = Generator<number, SearchOutcome<State>, number>

export function prepare<State, Input, Output>(
  model: Model<State, Input, Output>,
  ops: readonly Operation<Input, Output>[],
): Prepared<State, Input, Output> {
  const n = ops.length
  const calls = new Float64Array(n)
  const returns = new Float64Array(n)
  const clients = new Float64Array(n)
  const inputs: Input[] = new Array(n)
  const outputs: (Output | undefined)[] = new Array(n)
  const readOnly = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    const op = ops[i]!
    calls[i] = op.call
    const r = op.return
    returns[i] = r === undefined || r === null ? Infinity : r
    clients[i] = op.clientId
    inputs[i] = op.input
    // An operation that never completed has no output, whatever the record says.
    outputs[i] = returns[i] === Infinity ? undefined : op.output
    if (model.isReadOnly?.(op.input, outputs[i]) === true) readOnly[i] = 1
  }
  return { model, n, inputs, outputs, calls, returns, clients, readOnly }
}

/** Deterministic 32-bit keys, one per operation (splitmix32). */
export function zobristKeys(n: number): Int32Array {
  const keys = new Int32Array(n)
  let x = 0x2545f491
  for (let i = 0; i < n; i++) {
    x = (x + 0x9e3779b9) | 0
    let z = x
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    keys[i] = z ^ (z >>> 16)
  }
  return keys
}

/**
 * Keeps the longest partial linearizations seen (verbose mode): the search calls
 * `offer` after each successful step with its stack, and `popped` after taking
 * an op off it. The first one is kept up to date incrementally: the recorder
 * knows how much of the stack still agrees with it and copies only the rest,
 * so its copying costs no more than the search's own steps, however long the
 * partition. Others of the same length (up to `max`) are copied when found.
 */
export class LongestRecorder<State> {
  best = -1
  readonly found: { ops: number[]; states: State[] }[] = []
  private readonly first: { ops: number[]; states: State[] } = { ops: [], states: [] }
  /** The stack's first `agree` ops (and states) are those of `first`. */
  private agree = 0

  constructor(private readonly max: number) {}

  offer(depth: number, stackOp: Int32Array, stackState: State[], current: State): void {
    const after = (i: number): State => (i + 1 < depth ? stackState[i + 1]! : current)
    const first = this.first
    if (depth > this.best) {
      for (let i = this.agree; i < depth; i++) {
        first.ops[i] = stackOp[i]!
        first.states[i] = after(i)
      }
      first.ops.length = depth
      first.states.length = depth
      this.agree = depth
      this.best = depth
      this.found.length = 0
      this.found.push(first)
      return
    }
    if (this.agree === depth - 1 && first.ops[depth - 1] === stackOp[depth - 1] && first.states[depth - 1] === current) this.agree = depth
    if (depth === this.best && this.agree < depth && this.found.length < this.max) {
      const ops = Array.from(stackOp.subarray(0, depth))
      const states = stackState.slice(1, depth)
      states.push(current)
      this.found.push({ ops, states })
    }
  }

  /** The stack is down to `depth` ops. */
  popped(depth: number): void {
    if (this.agree > depth) this.agree = depth
  }
}

/** Why the search must stop now ('timeout'), or undefined. Called every few thousand steps. */
export function stopReason(limits: SearchLimits): string | undefined {
  if (limits.deadline !== Infinity && performance.now() > limits.deadline) return 'timeout'
  return undefined
}
