/**
 * From the linearizability library's result to the checker's: the summary,
 * the failing key, the trimmed detail and the explanation. Shared by the
 * check of a whole history and the fold by key, so both say the same.
 */
import type { Op } from '../core/op.js'
import type { CheckResult } from './checker.js'
import {
  explain,
  operationsFromJepsen,
  type Argument,
  type BuiltinModel,
  type CheckOptions,
  type CheckResult as LinResult,
  type Consistency,
  type JepsenRecord,
  type ModelSpec,
  type Operation,
  type OpInput,
} from './linearizability/index.js'

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

/** Client operations are invocations (with their completions) by client processes. */
export function isClientInvocation(op: Op): boolean {
  return op.type === 'invoke' && op.process !== 'nemesis'
}

export function clientOperationCount(history: readonly Op[]): number {
  let n = 0
  for (const op of history) if (isClientInvocation(op)) n++
  return n
}

function count(n: number): string {
  return n.toLocaleString('en-US')
}

/** The key a failure is reported under: the first element of its first op's value, as it is in the history. */
export function keyOfOp(op: Op | undefined): unknown {
  return (op?.value as unknown[] | undefined)?.[0]
}

/** What the check of one history is, once the options are resolved. */
export interface LinearizableCheck {
  /** The model named in the options (what results.json says). */
  model: string
  /** The spec the check ran with (kv becomes kv-unpartitioned for a sequential check). */
  modelSpec: ModelSpec
  consistency: Consistency
  independent: boolean
  nilReadIsUnknown: boolean
  timeLimitSeconds: number | undefined
  workers: number | undefined
  batchOps: number
}

/** The library's options for a check that has `timeoutMs` left (undefined: no limit), on the library's `workers` if given. */
export function libraryOptions(c: LinearizableCheck, timeoutMs: number | undefined, workers: number | undefined): CheckOptions {
  return {
    consistency: c.consistency,
    verbose: true,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(workers === undefined ? {} : { workers }),
  }
}

/**
 * The checker's result from the library's. `operations` must hold the failing
 * partition's operations (or more) for the explanation; `failedKey` is that
 * partition's key, with `independent`; `clientOps` the client operations of
 * the whole history (those that failed are not checked, and the summary says so).
 */
export function linearizableResult(
  c: LinearizableCheck,
  result: LinResult,
  model: BuiltinModel,
  operations: readonly Operation<OpInput, unknown>[],
  failedKey: unknown,
  clientOps: number,
): LinearizableResult {
  const valid = result.result === 'ok' ? true : result.result === 'illegal' ? false : 'unknown'
  const parts = result.stats.partitions
  const word = c.consistency === 'sequential' ? 'sequentially consistent' : 'linearizable'
  const what = c.independent ? `${parts} key(s)` : 'the history'
  // Client operations are invocations with their completions; those that failed never took effect and are not checked.
  const dropped = clientOps - result.stats.ops
  const checked =
    dropped > 0
      ? `checked ${count(result.stats.ops)} of ${count(clientOps)} client operations; the ${count(dropped)} that failed cannot have taken effect`
      : `${count(result.stats.ops)} client operations`
  let summary: string
  if (valid === true) summary = `${what} ${word} (${checked}; model ${c.model})`
  else if (valid === false) summary = `not ${word}${c.independent ? `: key ${JSON.stringify(failedKey)} has no valid order` : ''} (model ${c.model})`
  else summary = `could not decide: ${result.reason ?? 'search limit reached'}`
  const out: LinearizableResult = {
    valid,
    summary,
    model: c.model,
    modelSpec: c.modelSpec,
    consistency: c.consistency,
    independent: c.independent,
    nilReadIsUnknown: c.nilReadIsUnknown,
    ops: result.stats.ops,
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
}
