/**
 * The linearizability checker folding by key (independent keys with a model
 * that checks each key on its own). While the history is recorded or read it
 * keeps only where each key's ops are (core/history/keys.ts); then it reads a
 * batch of whole keys back at a time, checks the batch (on the workers, while
 * the next batch is read) and keeps only what the result can name: counts, and
 * the few partitions that are illegal or undecided. Memory holds a few numbers
 * per key and two batches, whatever the length of the history.
 *
 * The result is the one the whole history gives at once, because every
 * partition's search only depends on its own ops (their ids and times are
 * their positions in the history), and the results are merged by the rule the
 * library settles partitions by (see KeyVerdicts).
 */
import { KeyIndex } from '../core/history/keys.js'
import type { HistorySource } from '../core/history/source.js'
import type { Op } from '../core/op.js'
import type { CheckerFold } from './checker.js'
import { checkOperations, createModel, type CheckResult as LinResult, type Operation, type OpInput, type PartitionResult } from './linearizability/index.js'
import { keyOfOp, libraryOptions, linearizableResult, toOperations, type LinearizableCheck, type LinearizableResult } from './linearizable-result.js'

/** Models whose `partition` gives one part per key (`input.key`), so keys can be checked apart. */
export const KEYED_MODELS: ReadonlySet<string> = new Set(['register', 'cas-register', 'kv'])

/** Batches checked at once: one on the workers while the next is read. */
const IN_FLIGHT = 2

export function foldByKey(c: LinearizableCheck): CheckerFold {
  const index = new KeyIndex((op) => (Array.isArray(op.value) && op.value.length === 2 ? op.value[0] : undefined))
  return {
    add: (op) => index.add(op),
    async finish(source: HistorySource): Promise<LinearizableResult> {
      const started = performance.now()
      const deadline = c.timeLimitSeconds === undefined ? undefined : started + c.timeLimitSeconds * 1000
      const model = createModel(c.modelSpec)
      const verdicts = new KeyVerdicts()
      const running: Promise<void>[] = []
      let error: unknown
      for await (const ops of index.batches(source, c.batchOps)) {
        if (error !== undefined) break
        const operations = operationsAt(ops, c.nilReadIsUnknown)
        if (operations.length === 0) continue
        const left = deadline === undefined ? undefined : Math.max(0, deadline - performance.now())
        // Rejections are caught at once (an unhandled one would end the process) and rethrown below.
        running.push(
          checkOperations(model, operations, libraryOptions(c, left)).then(
            (r) => verdicts.add(r, ops, operations),
            (e: unknown) => {
              error ??= e
            },
          ),
        )
        if (running.length >= IN_FLIGHT) await running.shift()
      }
      await Promise.all(running)
      if (error !== undefined) throw error
      const { result, failing } = verdicts.result(c, performance.now() - started)
      return linearizableResult(c, result, model, failing?.operations ?? [], failing?.key)
    },
  }
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

interface Candidate {
  /** Position of the partition's first operation: partitions are numbered in this order. */
  first: number
  partition: PartitionResult
}

interface Failing extends Candidate {
  key: unknown
  operations: Operation<OpInput, unknown>[]
}

/**
 * The merge of every batch's partitions into the result of one check. The
 * library settles partitions thus (partition.ts `settle`): the failing one is
 * the illegal partition with the fewest steps (then the lowest number); a
 * partition that took more steps than it is skipped, and so is an undecided
 * one that took as many. The result keeps the partitions left illegal or
 * undecided, of which results.json shows the first three.
 *
 * Candidates are kept only while they could be among those three: one with
 * three earlier candidates that are kept whenever it is can never be, and is
 * dropped at once. So memory holds the anomalies that matter, not every key.
 */
export class KeyVerdicts {
  /** First positions of every partition, for their numbers. */
  private firsts: number[] = []
  private ops = 0
  private steps = 0
  private cacheEntries = 0
  private cacheBytes = 0
  private workers = 0
  private workersNote: string | undefined
  private candidates: Candidate[] = []
  private failing: Failing | undefined

  add(r: LinResult, ops: readonly Op[], operations: readonly Operation<OpInput, unknown>[]): void {
    this.ops += r.stats.ops
    this.cacheEntries += r.stats.cacheEntries
    this.cacheBytes += r.stats.cacheBytes
    this.workers = Math.max(this.workers, r.stats.workers)
    if (r.stats.workers === 0 && this.workersNote === undefined) this.workersNote = r.stats.workersNote
    for (const p of r.partitions ?? []) {
      const first = p.opIds[0]!
      this.firsts.push(first)
      this.steps += p.stats.steps
      if (p.result !== 'illegal' && p.result !== 'unknown') continue
      const c: Candidate = { first, partition: p }
      if (p.result === 'illegal' && this.beats(c)) {
        const ids = new Set(p.opIds)
        this.failing = { ...c, key: keyOfOp(ops.find((op) => op.index === first)), operations: operations.filter((op) => ids.has(op.id!)) }
      }
      this.candidates.push(c)
    }
    this.prune()
  }

  /** True when `c` (illegal) would be reported instead of the failing partition so far. */
  private beats(c: Candidate): boolean {
    const f = this.failing
    return !f || c.partition.stats.steps < f.partition.stats.steps || (c.partition.stats.steps === f.partition.stats.steps && c.first < f.first)
  }

  /** Steps of the failing partition so far (none: Infinity). */
  private get limit(): number {
    return this.failing?.partition.stats.steps ?? Infinity
  }

  private survives(c: Candidate, limit = this.limit): boolean {
    return c.partition.result === 'illegal' ? c.partition.stats.steps <= limit : c.partition.stats.steps < limit
  }

  private prune(): void {
    const alive = this.candidates.filter((c) => this.survives(c))
    // e is kept whenever c is kept (whatever the final limit): fewer steps, or as many and e is illegal or c undecided.
    const keptWith = (e: Candidate, c: Candidate): boolean =>
      e.partition.stats.steps < c.partition.stats.steps ||
      (e.partition.stats.steps === c.partition.stats.steps && (e.partition.result === 'illegal' || c.partition.result === 'unknown'))
    this.candidates = alive.filter((c) => {
      let before = 0
      for (const e of alive) if (e !== c && e.first < c.first && keptWith(e, c) && ++before >= 3) return false
      return true
    })
  }

  /** The library's result for the whole history, and the failing partition's key and operations. */
  result(c: LinearizableCheck, ms: number): { result: LinResult; failing: Failing | undefined } {
    const firsts = Float64Array.from(this.firsts).sort()
    const numbered = (x: Candidate): PartitionResult => ({ ...x.partition, index: lowerBound(firsts, x.first) })
    const kept = this.candidates.filter((x) => this.survives(x))
    if (this.failing && !kept.some((x) => x.first === this.failing!.first)) kept.push(this.failing)
    const partitions = kept.sort((a, b) => a.first - b.first).map(numbered)
    const failed = this.failing && numbered(this.failing)
    const unknown = partitions.find((p) => p.result === 'unknown')
    const result: LinResult = {
      result: failed ? 'illegal' : unknown ? 'unknown' : 'ok',
      consistency: c.consistency,
      partitions,
      stats: {
        ops: this.ops,
        partitions: this.firsts.length,
        steps: this.steps,
        cacheEntries: this.cacheEntries,
        cacheBytes: this.cacheBytes,
        ms,
        workers: this.workers,
      },
    }
    if (this.workers === 0 && this.workersNote !== undefined) result.stats.workersNote = this.workersNote
    if (failed) result.failedPartition = failed.index
    else if (unknown) result.reason = `partition ${unknown.index}: ${unknown.reason ?? 'undecided'}`
    return { result, failing: this.failing }
  }
}

/** How many of the sorted `xs` are below `x`. */
function lowerBound(xs: Float64Array, x: number): number {
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (xs[mid]! < x) lo = mid + 1
    else hi = mid
  }
  return lo
}
