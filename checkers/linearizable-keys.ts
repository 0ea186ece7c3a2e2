/**
 * The linearizability checker folding by key (independent keys with a model
 * that checks each key on its own). While the history is recorded or read it
 * keeps only where each key's ops are (core/history/keys.ts). Then each batch
 * of whole keys is read back from disk and checked on a worker thread, which
 * sends back only the verdict (key-verdicts.ts): the main thread never holds
 * the keys' ops. Memory holds a few numbers per key and one batch per worker,
 * whatever the length of the history.
 *
 * Without the compiled worker (TypeScript sources), for a history in memory,
 * or with one worker, the batches are read and checked on this thread.
 *
 * The result is the one the whole history gives at once, because every
 * partition's search only depends on its own ops (their ids and times are
 * their positions in the history), and the batches' results are merged by the
 * rule the library settles partitions by.
 */
import { KeyIndex, readKeyBatch, type KeyBatch } from '../core/history/keys.js'
import type { HistorySource } from '../core/history/source.js'
import type { Op } from '../core/op.js'
import type { CheckerFold } from './checker.js'
import { batchVerdict, KeyVerdicts, type BatchVerdict } from './key-verdicts.js'
import { keyWorkerScript, runOnKeyWorkers } from './key-workers.js'
import { checkOperations, createModel, type Operation, type OpInput } from './linearizability/index.js'
import { isClientInvocation, keyOfOp, libraryOptions, linearizableResult, toOperations, type LinearizableCheck, type LinearizableResult } from './linearizable-result.js'

/** Models whose `partition` gives one part per key (`input.key`), so keys can be checked apart. */
export const KEYED_MODELS: ReadonlySet<string> = new Set(['register', 'cas-register', 'kv'])

/** The key of an invocation, as `toOperations` reads it with `independent`. */
export function keyOfInvocation(op: Op): unknown {
  return Array.isArray(op.value) && op.value.length === 2 ? op.value[0] : undefined
}

export function foldByKey(c: LinearizableCheck): CheckerFold {
  const index = new KeyIndex(keyOfInvocation)
  let clientOps = 0
  return {
    add: (op) => {
      index.add(op)
      if (isClientInvocation(op)) clientOps++
    },
    async finish(source: HistorySource): Promise<LinearizableResult> {
      const started = performance.now()
      const left = (): number | undefined => (c.timeLimitSeconds === undefined ? undefined : Math.max(0, started + c.timeLimitSeconds * 1000 - performance.now()))
      const verdicts = new KeyVerdicts()
      const plan = index.plan(c.batchOps)
      const script = keyWorkerScript()
      if (source.file && 'url' in script && (c.workers ?? 1) > 1) {
        verdicts.checkedOn(c.workers!)
        await runOnKeyWorkers(script.url, c.workers!, { path: source.file.path, positions: source.file.positions.toArray(), check: c }, plan, left, (v) => verdicts.add(v))
      } else {
        await onThisThread(source, plan, c, left, verdicts)
      }
      const { result, failing } = verdicts.result(c, performance.now() - started)
      return linearizableResult(c, result, createModel(c.modelSpec), failing?.operations ?? [], failing?.key, clientOps)
    },
  }
}

/** Batches checked at once on this thread: one on the library's workers (if any) while the next is read. */
const IN_FLIGHT = 2

async function onThisThread(source: HistorySource, plan: Iterable<KeyBatch>, c: LinearizableCheck, left: () => number | undefined, verdicts: KeyVerdicts): Promise<void> {
  const running: Promise<void>[] = []
  let error: unknown
  for (const batch of plan) {
    if (error !== undefined) break
    const ops = await readKeyBatch(source, batch, keyOfInvocation)
    // Rejections are caught at once (an unhandled one would end the process) and rethrown below.
    running.push(
      checkBatch(ops, c, left(), c.workers).then(
        (v) => verdicts.add(v),
        (e: unknown) => void (error ??= e),
      ),
    )
    if (running.length >= IN_FLIGHT) await running.shift()
  }
  await Promise.all(running)
  if (error !== undefined) throw error
}

/** Checks the ops of some whole keys (on the library's `workers`, if given). */
export async function checkBatch(ops: readonly Op[], c: LinearizableCheck, timeoutMs: number | undefined, workers: number | undefined): Promise<BatchVerdict> {
  const operations = operationsAt(ops, c.nilReadIsUnknown)
  const r = await checkOperations(createModel(c.modelSpec), operations, libraryOptions(c, timeoutMs, workers))
  return batchVerdict(r, (first) => keyOfOp(ops.find((op) => op.index === first)), operations)
}

/**
 * A batch's operations with the ids and times they have in the whole history:
 * the library numbers records by their place in the list it is given, and
 * these ops are a subset of the history.
 */
function operationsAt(ops: readonly Op[], nilReadIsUnknown: boolean): Operation<OpInput, unknown>[] {
  const operations = toOperations(ops, true, nilReadIsUnknown)
  for (const op of operations) {
    op.call = ops[op.call]!.index
    if (op.return !== undefined && op.return !== Infinity) op.return = ops[op.return]!.index
    op.id = ops[op.id!]!.index
  }
  return operations
}
