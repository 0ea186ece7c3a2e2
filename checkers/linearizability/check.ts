/**
 * The entry points: check an operation history or an event history against a
 * model. Partitions (the model's `partition`) are checked independently and
 * concurrently (round-robin on one thread, or on worker threads); an illegal
 * partition ends the check, and the result is the same either way (see
 * `partition.ts`).
 */
import { eventsToOperations } from './history.js'
import { createModel } from './models/index.js'
import { checkPartitions, newThreshold, settle } from './partition.js'
import { pool, workerScript } from './pool.js'
import type { SearchLimits } from './search-common.js'
import type { CheckOptions, CheckResult, Event, Model, ModelSpec, Operation, PartitionResult } from './types.js'

const DEFAULT_MAX_CACHE_ENTRIES = 2_000_000

type ModelArg<S, I, O> = Model<S, I, O> | ModelSpec

function resolveModel<S, I, O>(model: ModelArg<S, I, O>): Model<S, I, O> {
  return 'step' in model ? model : (createModel(model) as unknown as Model<S, I, O>)
}

/**
 * Linearizability is compositional (Herlihy & Wing 1990): a history is
 * linearizable iff each object's sub-history is. Sequential consistency is not
 * (each key can be sequentially consistent while the whole store is not), so a
 * sequential check refuses a model that splits the history.
 */
function partitionsOf<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], options: CheckOptions): Operation<I, O>[][] {
  const withIds = history.map((op, i) => (op.id === undefined ? { ...op, id: i } : op))
  const parts = (model.partition ? model.partition(withIds) : [withIds]).filter((p) => p.length > 0)
  if (options.consistency === 'sequential' && parts.length > 1) {
    const name = model.spec ? `'${model.spec.name}'` : 'this model'
    throw new Error(
      `sequential consistency is not compositional, so ${name} cannot check it partition by partition: use a model that keeps the whole history in one state (e.g. 'kv-unpartitioned')`,
    )
  }
  return parts
}

function limitsFor(options: CheckOptions, started: number): SearchLimits {
  return {
    deadline: options.timeoutMs === undefined ? Infinity : started + options.timeoutMs,
    maxCacheEntries: options.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES,
    verbose: options.verbose ?? false,
    maxLongest: options.maxLongest ?? 4,
  }
}

function assemble<S>(
  options: CheckOptions,
  ops: number,
  partitions: PartitionResult<S>[],
  started: number,
  workers: number,
  workersNote: string | undefined,
): CheckResult<S> {
  const failed = partitions.find((p) => p.result === 'illegal')
  const unknown = partitions.find((p) => p.result === 'unknown')
  const result: CheckResult<S> = {
    result: failed ? 'illegal' : unknown ? 'unknown' : 'ok',
    consistency: options.consistency ?? 'linearizable',
    partitions,
    stats: {
      ops,
      partitions: partitions.length,
      steps: partitions.reduce((a, p) => a + p.stats.steps, 0),
      cacheEntries: partitions.reduce((a, p) => a + p.stats.cacheEntries, 0),
      cacheBytes: partitions.reduce((a, p) => a + p.stats.cacheBytes, 0),
      ms: performance.now() - started,
      workers,
    },
  }
  if (workersNote !== undefined) result.stats.workersNote = workersNote
  if (failed) result.failedPartition = failed.index
  else if (unknown) result.reason = `partition ${unknown.index}: ${unknown.reason ?? 'undecided'}`
  return result
}

/** Checks on the calling thread. Same result as `checkOperations`. */
export function checkOperationsSync<S, I, O>(
  model: ModelArg<S, I, O>,
  history: readonly Operation<I, O>[],
  options: CheckOptions = {},
  workersNote?: string,
): CheckResult<S> {
  const started = performance.now()
  const m = resolveModel(model)
  const parts = partitionsOf(m, history, options)
  const limits = limitsFor(options, started)
  const consistency = options.consistency ?? 'linearizable'
  const results = checkPartitions(m, parts, consistency, limits)
  return assemble(options, history.length, results, started, 0, workersNote)
}

/**
 * Checks a history of operations against a model.
 *
 * `model` is a model object, or a built-in model by name (`{ name: 'kv' }`).
 * With `workers > 1`, a built-in model (one with a `spec`) and more than one
 * partition, partitions are checked on worker threads.
 */
export async function checkOperations<S, I, O>(
  model: ModelArg<S, I, O>,
  history: readonly Operation<I, O>[],
  options: CheckOptions = {},
): Promise<CheckResult<S>> {
  const want = options.workers ?? 1
  if (want <= 1) return checkOperationsSync(model, history, options)
  const m = resolveModel(model)
  if (!m.spec) return checkOperationsSync(m, history, options, 'the model has no spec (not a built-in model): checked on the calling thread')
  const script = workerScript()
  if ('reason' in script) return checkOperationsSync(m, history, options, script.reason)
  const started = performance.now()
  const parts = partitionsOf(m, history, options)
  if (parts.length <= 1) return checkOperationsSync(m, history, options, 'one partition: checked on the calling thread')

  const size = Math.min(want, parts.length)
  const workers = pool(script.url, size)
  const limits = limitsFor(options, started)
  const threshold = newThreshold(true)
  // Groups of about equal size (largest partitions first, each to the lightest group).
  const groups: { index: number; ops: Operation<I, O>[] }[][] = Array.from({ length: size }, () => [])
  const load = new Array<number>(size).fill(0)
  const bySize = parts.map((ops, index) => ({ index, ops })).sort((a, b) => b.ops.length - a.ops.length || a.index - b.index)
  for (const part of bySize) {
    const g = load.indexOf(Math.min(...load))
    groups[g]!.push(part)
    load[g]! += part.ops.length
  }
  const replies = await Promise.all(
    groups.map((group) =>
      workers.run({
        spec: m.spec!,
        parts: group as { index: number; ops: Operation<unknown, unknown>[] }[],
        consistency: options.consistency ?? 'linearizable',
        timeoutMs: options.timeoutMs === undefined ? undefined : Math.max(0, limits.deadline - performance.now()),
        maxCacheEntries: limits.maxCacheEntries,
        verbose: limits.verbose,
        maxLongest: limits.maxLongest,
        threshold,
      }),
    ),
  )
  const results = (replies.flat() as PartitionResult<S>[]).sort((a, b) => a.index - b.index)
  return assemble(options, history.length, settle(results), started, size, undefined)
}

/** Checks an event history (calls and returns in real-time order). */
export function checkEvents<S, I, O>(
  model: ModelArg<S, I, O>,
  events: readonly Event<I, O>[],
  options: CheckOptions = {},
): Promise<CheckResult<S>> {
  return checkOperations(model, eventsToOperations(events), options)
}

export function checkEventsSync<S, I, O>(
  model: ModelArg<S, I, O>,
  events: readonly Event<I, O>[],
  options: CheckOptions = {},
): CheckResult<S> {
  return checkOperationsSync(model, eventsToOperations(events), options)
}
