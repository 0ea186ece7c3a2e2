/**
 * Elle's transaction generator, shared by the list-append and rw-register
 * workloads. `keyCount` keys are live at once; a transaction is 1 to 5
 * micro-operations (`minTxnLength`..`maxTxnLength`), each a read or a write
 * of a live key, the first live keys picked most often (`keyDist`
 * exponential: each key half as often as the one before it) or all alike
 * (uniform). Written values are 1, 2, 3, ... per key, so each is unique and a
 * read names its writer. After `maxWritesPerKey` writes a key retires and a
 * fresh key takes its place: lists stay short, and so do the checker's
 * version orders.
 *
 *   invoke  txn [['append', 3, 7], ['r', 4, null], ...]       (rw-register: ['w', k, v])
 *   ok      txn [['append', 3, 7], ['r', 4, [1, 2]], ...]      reads filled in
 *
 * After the faults are healed, every key that was ever used is read once, by a
 * transaction of its own (single-key transactions, which every transactional
 * target can run), so the last version of each key is observed and every write
 * has a place in its key's version order.
 */
import type { Op } from '../core/op.js'
import { fillIn } from '../core/generator/index.js'
import type { GenContext, GenLike, GenStep, Generator } from '../core/generator/types.js'
import { canonicalModel, consistencyModelNames } from '../checkers/elle/index.js'
import { UsageError } from '../core/errors.js'
import { choiceOption, knownOptions, namesOption, numberOption } from './options.js'
import type { WorkloadOptions } from './workload.js'

export interface TxnWorkloadOptions {
  /** Keys live at once. */
  keyCount: number
  minTxnLength: number
  maxTxnLength: number
  /** Writes to a key before it retires and a fresh key takes its place. */
  maxWritesPerKey: number
  /** Share of micro-operations that are reads. */
  readFraction: number
  keyDist: 'exponential' | 'uniform'
  /** The models the target promises: the history is checked against them. */
  consistencyModels: string[]
}

export const TXN_OPTION_NAMES = ['keyCount', 'minTxnLength', 'maxTxnLength', 'maxWritesPerKey', 'readFraction', 'keyDist', 'consistencyModels'] as const

export function txnWorkloadOptions(workload: string, o: WorkloadOptions): TxnWorkloadOptions {
  const raw = o.options
  knownOptions(workload, raw, TXN_OPTION_NAMES)
  const minTxnLength = numberOption(workload, raw, 'minTxnLength', 1, { min: 1, max: 100, integer: true })
  const maxTxnLength = numberOption(workload, raw, 'maxTxnLength', Math.max(5, minTxnLength), { min: 1, max: 100, integer: true })
  if (maxTxnLength < minTxnLength) {
    throw new UsageError(`${workload} workload: option maxTxnLength (${maxTxnLength}) is below minTxnLength (${minTxnLength})`, 'fix workloadOptions in the config file (see README "Workloads")')
  }
  const consistencyModels = namesOption(workload, raw, 'consistencyModels', ['strict-serializable'])
  for (const m of consistencyModels) {
    if (!canonicalModel(m)) throw new UsageError(`${workload} workload: option consistencyModels names an unknown model '${m}'`, `choose from: ${consistencyModelNames.join(', ')}`)
  }
  return {
    keyCount: numberOption(workload, raw, 'keyCount', 8, { min: 1, max: 1000, integer: true }),
    minTxnLength,
    maxTxnLength,
    maxWritesPerKey: numberOption(workload, raw, 'maxWritesPerKey', 32, { min: 1, integer: true }),
    readFraction: numberOption(workload, raw, 'readFraction', 0.5, { min: 0, max: 1 }),
    keyDist: choiceOption(workload, raw, 'keyDist', 'exponential', ['exponential', 'uniform'] as const),
    consistencyModels,
  }
}

/** The micro-operation that writes: `append` for lists, `w` for registers. */
export type WriteF = 'append' | 'w'
export type MicroOp = [string, number, unknown]

/** The live keys and how often each was written; immutable, so a generator state can be asked twice. */
interface KeyState {
  readonly keys: readonly number[]
  readonly writes: readonly number[]
  readonly nextKey: number
}

/** Cumulative weights of the live key slots, for picking one. */
function slotWeights(opts: TxnWorkloadOptions): number[] {
  const out: number[] = []
  let sum = 0
  for (let i = 0; i < opts.keyCount; i++) {
    sum += opts.keyDist === 'exponential' ? 2 ** -i : 1
    out.push(sum)
  }
  return out
}

/** One transaction drawn from `state`, and the state after it. */
export function drawTxn(opts: TxnWorkloadOptions, writeF: WriteF, weights: readonly number[], state: KeyState, ctx: GenContext): { mops: MicroOp[]; state: KeyState } {
  const keys = state.keys.slice()
  const writes = state.writes.slice()
  let nextKey = state.nextKey
  const length = ctx.random.between(opts.minTxnLength, opts.maxTxnLength)
  const mops: MicroOp[] = []
  const total = weights[weights.length - 1]!
  for (let i = 0; i < length; i++) {
    const u = ctx.random.float() * total
    let slot = 0
    while (slot < weights.length - 1 && weights[slot]! <= u) slot++
    const key = keys[slot]!
    if (ctx.random.bool(opts.readFraction)) {
      mops.push(['r', key, null])
      continue
    }
    writes[slot] = writes[slot]! + 1
    mops.push([writeF, key, writes[slot]])
    if (writes[slot]! >= opts.maxWritesPerKey) {
      keys[slot] = nextKey++
      writes[slot] = 0
    }
  }
  return { mops, state: { keys, writes, nextKey } }
}

/**
 * The main phase's generator. Its state lives in the generator value (the
 * runner may ask one state twice for one operation, and a counter in a
 * closure would then skip values); the keys invoked are noted in `used` as
 * the runner reports the invocations, for the final reads.
 */
class TxnGen implements Generator {
  constructor(
    private readonly opts: TxnWorkloadOptions,
    private readonly writeF: WriteF,
    private readonly weights: readonly number[],
    private readonly state: KeyState,
    private readonly used: Set<number>,
  ) {}
  op(ctx: GenContext): GenStep {
    const { mops, state } = drawTxn(this.opts, this.writeF, this.weights, this.state, ctx)
    const op = fillIn({ f: 'txn', value: mops }, ctx)
    if (op === null) return { pending: true, gen: this }
    return { op, gen: new TxnGen(this.opts, this.writeF, this.weights, state, this.used) }
  }
  update(_ctx: GenContext, event: Op): Generator {
    if (event.type === 'invoke' && event.f === 'txn' && Array.isArray(event.value)) {
      for (const m of event.value as unknown[]) if (Array.isArray(m) && typeof m[1] === 'number') this.used.add(m[1])
    }
    return this
  }
}

/** Keys invoked so far, per run (a library user may run several tests in one process). */
const usedKeys = new WeakMap<WorkloadOptions, Set<number>>()

export function txnGenerator(opts: TxnWorkloadOptions, writeF: WriteF, o: WorkloadOptions): Generator {
  const used = new Set<number>()
  usedKeys.set(o, used)
  const keys = Array.from({ length: opts.keyCount }, (_, i) => i)
  return new TxnGen(opts, writeF, slotWeights(opts), { keys, writes: keys.map(() => 0), nextKey: opts.keyCount }, used)
}

/** A read of every key the main phase used, one transaction each; built when first asked (after the main phase), once. */
export function finalReads(o: WorkloadOptions): GenLike {
  let built = false
  return () => {
    if (built) return null
    built = true
    const keys = [...(usedKeys.get(o) ?? [])].sort((a, b) => a - b)
    return keys.map((k) => ({ f: 'txn', value: [['r', k, null]] }))
  }
}
