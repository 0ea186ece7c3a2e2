/**
 * The vocabulary of the linearizability checker: models, histories, options and
 * results. Everything here is plain data except `Model`, which is a record of pure
 * functions (after Porcupine's `Model`).
 */

/** What a model's `hash` returns: a number (fast path) or a string. */
export type StateHash = number | string

/**
 * A sequential specification of an object.
 *
 * `step` is the specification: given the state before an operation, the operation's
 * input and its observed output, it returns every state the object may be in after
 * the operation. An empty array means the operation could not have returned that
 * output from that state. `output` is `undefined` when it is unknown (the operation
 * timed out, or never completed); a model must then accept any outcome.
 *
 * @example
 * ```ts
 * // A register holding a number, with reads and writes.
 * type In = { f: 'read' } | { f: 'write'; value: number }
 * const register: Model<number, In, number> = {
 *   init: () => 0,
 *   step: (s, input, output) =>
 *     input.f === 'write' ? [input.value] : output === undefined || output === s ? [s] : [],
 *   equal: (a, b) => a === b,
 *   hash: (s) => s,
 * }
 * checkOperations(register, [
 *   { clientId: 0, input: { f: 'write', value: 1 }, call: 0, output: undefined, return: 10 },
 *   { clientId: 1, input: { f: 'read' }, call: 5, output: 1, return: 15 },
 * ]) // → { result: 'ok', ... }
 * ```
 */
export interface Model<State = unknown, Input = unknown, Output = unknown> {
  init(): State
  step(state: State, input: Input, output: Output | undefined): readonly State[]
  equal(a: State, b: State): boolean
  /** Equal states must have equal hashes. */
  hash(state: State): StateHash
  /**
   * Splits a history into independent sub-histories (P-compositionality, Horn &
   * Kroening 2015): the history is linearizable iff every part is. Each part keeps
   * the operations' original order.
   */
  partition?(history: readonly Operation<Input, Output>[]): Operation<Input, Output>[][]
  /**
   * True when the operation never changes the state: from every state, `step`
   * gives that same state or nothing (a read, a cas that reported failure).
   * Optional. The search then places such an operation as soon as it fits,
   * without trying other orders (Lowe's partial-order reduction for reads).
   * It must hold for every state: a write that happens to leave this state as
   * it was is not read-only. The search throws if `step` contradicts it.
   */
  isReadOnly?(input: Input, output: Output | undefined): boolean
  describeOperation?(input: Input, output: Output | undefined): string
  describeState?(state: State): string
  /**
   * Set by the built-in model registry: how to rebuild this model in a worker
   * thread. Models without it are checked on the calling thread.
   */
  readonly spec?: ModelSpec
}

/** A built-in model by name, with its options: what crosses to a worker thread. */
export interface ModelSpec {
  name: string
  options?: ModelOptions
}

export interface ModelOptions {
  /** The initial value of the object (register value, kv value, counter, ...). */
  initial?: unknown
}

/**
 * One operation of a client. `call` and `return` are times on any common clock
 * (or positions in an event list). An operation whose `return` is `undefined` or
 * `Infinity` never completed: it may have taken effect at any time after its call,
 * or never, and its output is unknown.
 */
export interface Operation<Input = unknown, Output = unknown> {
  clientId: number
  input: Input
  call: number
  output?: Output | undefined
  return?: number | undefined
  /** Identifies the operation in results; defaults to its index in the history. */
  id?: number
}

/** One event of an event history: a call or a return, in real-time order. */
export interface Event<Input = unknown, Output = unknown> {
  kind: 'call' | 'return'
  clientId: number
  /** Matches a return to its call. */
  id: number
  /** The input on a call, the output on a return (`undefined` = unknown). */
  value: Input | Output | undefined
}

export type Consistency = 'linearizable' | 'sequential'

export interface CheckOptions {
  /** Give up with 'unknown' after this long (whole check). Default: no limit. */
  timeoutMs?: number
  /** Record the longest partial linearizations and the point of failure. */
  verbose?: boolean
  /**
   * Worker threads for partitions (default 1: the calling thread). Needs a model
   * with a `spec` (a built-in model) and the compiled `worker.js`; otherwise the
   * check runs on the calling thread and `stats.workers` says why.
   */
  workers?: number
  /** Default 'linearizable'. 'sequential' drops real time, keeps program order. */
  consistency?: Consistency
  /**
   * Cap on memoised (linearized-set, state) pairs per partition. Reaching it ends
   * that partition with 'unknown'. Default 2,000,000.
   */
  maxCacheEntries?: number
  /** How many longest partial linearizations to keep per partition (verbose). Default 4. */
  maxLongest?: number
}

export type Verdict = 'ok' | 'illegal' | 'unknown'

/** A partial linearization: operation ids in order, and the state after each. */
export interface Linearization<State = unknown> {
  ops: number[]
  states: State[]
}

/** An operation that could not be placed next, and what the model said about it. */
export interface StuckOperation<State = unknown> {
  id: number
  /** The states the model allowed after it (empty: the step itself is illegal). */
  next: State[]
}

export interface Failure<State = unknown> {
  /** The longest partial linearization found. */
  prefix: Linearization<State>
  /** The state after that prefix. */
  state: State
  /** Operations that were candidates to go next, and what stepping them gave. */
  stuck: StuckOperation<State>[]
}

export interface PartitionStats {
  ops: number
  /** Search steps (a model step followed by a cache lookup). */
  steps: number
  cacheEntries: number
  /** Rough bytes held by the cache at its peak. */
  cacheBytes: number
  ms: number
}

export interface PartitionResult<State = unknown> {
  index: number
  /** 'skipped': not decided, because a partition that needed fewer steps is illegal. */
  result: Verdict | 'skipped'
  reason?: string
  /** Ids of this partition's operations. */
  opIds: number[]
  stats: PartitionStats
  /** Verbose only: the longest partial linearizations found. */
  longest?: Linearization<State>[]
  /** Verbose only, illegal partitions only. */
  failure?: Failure<State>
}

export interface CheckStats {
  ops: number
  partitions: number
  steps: number
  /** Sum over partitions of peak cache entries. */
  cacheEntries: number
  cacheBytes: number
  ms: number
  /** Worker threads used (0 = calling thread) and, if fewer than asked, why. */
  workers: number
  workersNote?: string
}

export interface CheckResult<State = unknown> {
  result: Verdict
  consistency: Consistency
  /** Why the result is 'unknown' (timeout, memory cap). */
  reason?: string
  /** Present when verbose, or when a partition is illegal or unknown. */
  partitions?: PartitionResult<State>[]
  /** Index of the illegal partition that needed the fewest search steps. */
  failedPartition?: number
  stats: CheckStats
}
