/**
 * The linearizability checker as a dstest Checker: turns a history's client ops
 * into the library's operations (checkers/linearizability/) with Jepsen's meaning
 * of ok / fail / info, and checks them against a model.
 *
 * With `independent`, each op's value is `[key, v]` (the independent-keys
 * generators): the key goes to the model, which checks every key on its own
 * (P-compositionality), so a long test with many keys stays cheap.
 *
 * Operation ids are history indexes, so a failure names ops of the history.
 */
import type { Op } from '../core/op.js'
import type { CheckResult, Checker } from './checker.js'
import {
  checkOperations,
  createModel,
  explain,
  isModelName,
  modelNames,
  operationsFromJepsen,
  type Argument,
  type CheckResult as LinResult,
  type Consistency,
  type JepsenRecord,
  type ModelSpec,
  type Operation,
  type OpInput,
} from './linearizability/index.js'
import { UnknownNameError, UsageError } from '../core/errors.js'

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
}

/** What results.json keeps of a linearizability check (enough to redraw the failure). */
export interface LinearizableResult extends CheckResult {
  model: string
  modelSpec: ModelSpec
  consistency: Consistency
  independent: boolean
  nilReadIsUnknown: boolean
  ops: number
  partitions: number
  /** The key of the failing partition, with `independent`. */
  failedKey?: unknown
  /** The library's result, trimmed to the failing partition. */
  detail?: LinResult
  /** Plain-language account of the failure. */
  explanation?: string
  /** Why the operation that could not go next can never be placed (register-like models), naming its ops by history index. */
  argument?: Argument
}

/** One record per history op (positions = Op.index); nemesis ops are skipped by the library. */
export function toOperations(history: readonly Op[], independent: boolean, nilReadIsUnknown: boolean): Operation<OpInput, unknown>[] {
  const records: JepsenRecord[] = history.map((op) => {
    if (independent && Array.isArray(op.value) && op.value.length === 2) {
      return { process: op.process, type: op.type, f: op.f, key: op.value[0], value: op.value[1] }
    }
    return { process: op.process, type: op.type, f: op.f, value: op.value }
  })
  return operationsFromJepsen(records, { nilReadIsUnknown })
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
  const modelSpec: ModelSpec = { name: options.model, options: options.initial === undefined ? {} : { initial: options.initial } }
  return {
    name: consistency === 'sequential' ? 'sequential' : 'linearizable',
    async check(history): Promise<LinearizableResult> {
      // Sequential consistency does not compose over keys: use the whole-store model.
      const name = consistency === 'sequential' && options.model === 'kv' ? 'kv-unpartitioned' : options.model
      const model = createModel({ ...modelSpec, name })
      const operations = toOperations(history, independent, nilReadIsUnknown)
      const result = await checkOperations(model, operations, {
        consistency,
        verbose: true,
        ...(options.timeLimitSeconds === undefined ? {} : { timeoutMs: options.timeLimitSeconds * 1000 }),
        ...(options.workers === undefined ? {} : { workers: options.workers }),
      })
      const valid = result.result === 'ok' ? true : result.result === 'illegal' ? false : 'unknown'
      const parts = result.partitions?.length ?? 1
      const failed = result.partitions?.find((p) => p.index === result.failedPartition)
      const firstOp = failed?.opIds[0]
      const failedKey = independent && firstOp !== undefined ? (history[firstOp]?.value as unknown[] | undefined)?.[0] : undefined
      const word = consistency === 'sequential' ? 'sequentially consistent' : 'linearizable'
      const what = independent ? `${parts} key(s)` : 'the history'
      let summary: string
      if (valid === true) summary = `${what} ${word} (${operations.length} ops, model ${options.model})`
      else if (valid === false) summary = `not ${word}${independent ? `: key ${JSON.stringify(failedKey)} has no valid order` : ''} (model ${options.model})`
      else summary = `could not decide: ${result.reason ?? 'search limit reached'}`
      const out: LinearizableResult = {
        valid,
        summary,
        model: options.model,
        modelSpec: { ...modelSpec, name },
        consistency,
        independent,
        nilReadIsUnknown,
        ops: operations.length,
        partitions: parts,
      }
      if (failedKey !== undefined) out.failedKey = failedKey
      if (valid !== true) {
        // Keep the failing (or undecided) partitions only: results.json stays small.
        const keep = result.partitions?.filter((p) => p.result === 'illegal' || p.result === 'unknown').slice(0, 3)
        out.detail = { ...result, ...(keep ? { partitions: keep } : {}) }
      }
      if (valid === false) {
        const e = explain(result, model, operations)
        if (e) out.explanation = e.text
        if (e?.argument) out.argument = e.argument
      }
      return out
    },
  }
}
