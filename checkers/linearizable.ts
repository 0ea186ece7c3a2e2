/**
 * The linearizability checker as a dstest Checker: turns a history's client ops
 * into the library's operations (checkers/linearizability/) with Jepsen's meaning
 * of ok / fail / info, and checks them against a model.
 *
 * With `independent`, each op's value is `[key, v]` (the independent-keys
 * generators): every key is its own object and is checked on its own
 * (P-compositionality), so a 60-second test with thousands of keys stays cheap.
 */
import type { Op } from '../core/op.js'
import type { CheckResult, Checker } from './checker.js'
import {
  checkOperations,
  createModel,
  isModelName,
  modelNames,
  operationsFromJepsen,
  type CheckResult as LinResult,
  type Consistency,
  type JepsenRecord,
} from './linearizability/index.js'
import { UnknownNameError } from '../core/errors.js'

export interface LinearizableOptions {
  model: string
  consistency?: Consistency
  /** Values are `[key, v]`; check each key as its own object. */
  independent?: boolean
  /** Initial value of each object (default null). */
  initial?: unknown
  /** A completed read of null matches anything (Knossos histories). */
  nilReadIsUnknown?: boolean
  timeLimitSeconds?: number
  workers?: number
}

export interface KeyFailure {
  key: unknown
  verdict: 'illegal' | 'unknown'
  reason?: string
  /** The linearizability library's result for that key (verbose: the partial linearization and where it got stuck). */
  detail: LinResult
}

/** Groups client ops by key; values become the inner `v`. Nemesis ops are dropped. */
export function splitByKey(history: readonly Op[]): Map<string, { key: unknown; records: JepsenRecord[] }> {
  const out = new Map<string, { key: unknown; records: JepsenRecord[] }>()
  const openKey = new Map<number, string>()
  for (const op of history) {
    if (typeof op.process !== 'number') continue
    let k: string | undefined
    let key: unknown
    let v: unknown
    if (op.type === 'invoke') {
      if (!Array.isArray(op.value) || op.value.length !== 2) continue
      ;[key, v] = op.value as [unknown, unknown]
      k = JSON.stringify(key)
      openKey.set(op.process, k)
    } else {
      k = openKey.get(op.process)
      if (k === undefined) continue
      openKey.delete(op.process)
      key = JSON.parse(k)
      v = Array.isArray(op.value) && op.value.length === 2 ? op.value[1] : null
    }
    let group = out.get(k)
    if (!group) out.set(k, (group = { key, records: [] }))
    group.records.push({ process: op.process, type: op.type, f: op.f, value: v })
  }
  return out
}

function clientRecords(history: readonly Op[]): JepsenRecord[] {
  const out: JepsenRecord[] = []
  for (const op of history) if (typeof op.process === 'number') out.push({ process: op.process, type: op.type, f: op.f, value: op.value })
  return out
}

export function linearizable(options: LinearizableOptions): Checker {
  if (!isModelName(options.model)) throw new UnknownNameError('linearizability model', options.model, modelNames)
  const consistency = options.consistency ?? 'linearizable'
  return {
    name: consistency === 'sequential' ? 'sequential' : 'linearizable',
    async check(history): Promise<CheckResult> {
      const spec = { name: options.model, options: options.initial === undefined ? {} : { initial: options.initial } }
      const model = createModel(spec)
      const groups = options.independent
        ? [...splitByKey(history).values()]
        : [{ key: null as unknown, records: clientRecords(history) }]
      const deadline = options.timeLimitSeconds === undefined ? undefined : Date.now() + options.timeLimitSeconds * 1000
      const failures: KeyFailure[] = []
      let ops = 0
      let unknown = 0
      for (const group of groups) {
        const operations = operationsFromJepsen(group.records, { nilReadIsUnknown: options.nilReadIsUnknown ?? false })
        ops += operations.length
        const timeoutMs = deadline === undefined ? undefined : Math.max(1, deadline - Date.now())
        const result = await checkOperations(model, operations, {
          consistency,
          verbose: true,
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          ...(options.workers === undefined ? {} : { workers: options.workers }),
        })
        if (result.result === 'illegal') failures.push({ key: group.key, verdict: 'illegal', detail: result })
        else if (result.result === 'unknown') {
          unknown++
          failures.push({ key: group.key, verdict: 'unknown', ...(result.reason ? { reason: result.reason } : {}), detail: result })
        }
      }
      const illegal = failures.filter((f) => f.verdict === 'illegal')
      const valid = illegal.length > 0 ? false : unknown > 0 ? 'unknown' : true
      const what = options.independent ? `${groups.length} key(s)` : 'the history'
      const word = consistency === 'sequential' ? 'sequentially consistent' : 'linearizable'
      const summary =
        valid === true
          ? `${what} ${word} (${ops} ops, model ${options.model})`
          : valid === false
            ? `not ${word}: ${illegal.length} of ${groups.length} key(s) have no valid order${options.independent ? ` (first: key ${JSON.stringify(illegal[0]!.key)})` : ''}`
            : `could not decide ${unknown} key(s): ${failures[0]?.reason ?? 'search limit'}`
      return {
        valid,
        summary,
        model: options.model,
        consistency,
        keys: groups.length,
        ops,
        // Keep results.json small: the details of the first few bad keys.
        failures: failures.slice(0, 5).map((f) => ({ key: f.key, verdict: f.verdict, reason: f.reason, detail: f.detail })),
      }
    },
  }
}
