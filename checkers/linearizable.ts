/**
 * The linearizability checker as a dstest Checker: turns a history's client ops
 * into the library's operations (checkers/linearizability/) with Jepsen's meaning
 * of ok / fail / info, and checks them against a model.
 *
 * With `independent`, each op's value is `[key, v]` (the independent-keys
 * generators): the key goes to the model, which checks every key on its own
 * (P-compositionality), so a long test with many keys stays cheap. With a model
 * that splits by key (register, cas-register, kv) the checker also folds
 * (checker.ts): the first pass notes where each key's ops are, the second reads
 * a batch of keys back at a time, checks it on the workers and lets it go
 * (linearizable-keys.ts), with the same result as the whole history at once.
 *
 * Operation ids are history indexes, so a failure names ops of the history.
 */
import type { Checker } from './checker.js'
import { checkOperations, createModel, isModelName, modelNames, type Consistency } from './linearizability/index.js'
import { UnknownNameError, UsageError } from '../core/errors.js'
import { foldByKey, KEYED_MODELS } from './linearizable-keys.js'
import { clientOperationCount, keyOfOp, libraryOptions, linearizableResult, toOperations, type LinearizableCheck, type LinearizableResult } from './linearizable-result.js'

export { toOperations, type LinearizableResult } from './linearizable-result.js'

export interface LinearizableOptions {
  model: string
  consistency?: Consistency
  /** Values are `[key, v]`: each key is its own object. */
  independent?: boolean
  /** Initial value of each object (default null). */
  initial?: unknown
  /** A completed read of null matches anything (Knossos histories). */
  nilReadIsUnknown?: boolean
  timeLimitSeconds?: number
  workers?: number
  /** Folding by key: about this many history ops per batch of keys checked at once (default 50,000). */
  batchOps?: number
}

export function linearizable(options: LinearizableOptions): Checker {
  if (!isModelName(options.model)) throw new UnknownNameError('linearizability model', options.model, modelNames)
  const consistency = options.consistency ?? 'linearizable'
  const independent = options.independent ?? false
  const nilReadIsUnknown = options.nilReadIsUnknown ?? false
  if (consistency === 'sequential' && independent) {
    // Herlihy & Wing: linearizability is local, sequential consistency is not, so
    // every key being sequentially consistent says nothing about the whole history.
    throw new UsageError(
      'sequential consistency cannot be checked key by key (it is not compositional)',
      'check the whole history without --independent, with a model whose state holds every key (e.g. kv-unpartitioned)',
    )
  }
  // Sequential consistency does not compose over keys: use the whole-store model.
  const name = consistency === 'sequential' && options.model === 'kv' ? 'kv-unpartitioned' : options.model
  const c: LinearizableCheck = {
    model: options.model,
    modelSpec: { name, options: options.initial === undefined ? {} : { initial: options.initial } },
    consistency,
    independent,
    nilReadIsUnknown,
    timeLimitSeconds: options.timeLimitSeconds,
    workers: options.workers,
    batchOps: options.batchOps ?? 50_000,
  }
  return {
    name: consistency === 'sequential' ? 'sequential' : 'linearizable',
    async check(history): Promise<LinearizableResult> {
      const model = createModel(c.modelSpec)
      const operations = toOperations(history, independent, nilReadIsUnknown)
      const result = await checkOperations(model, operations, libraryOptions(c, c.timeLimitSeconds === undefined ? undefined : c.timeLimitSeconds * 1000, c.workers))
      const failed = result.partitions?.find((p) => p.index === result.failedPartition)
      const firstOp = failed?.opIds[0]
      const failedKey = independent && firstOp !== undefined ? keyOfOp(history[firstOp]) : undefined
      return linearizableResult(c, result, model, operations, failedKey, clientOperationCount(history))
    },
    ...(independent && KEYED_MODELS.has(name) ? { fold: () => foldByKey(c) } : {}),
  }
}
