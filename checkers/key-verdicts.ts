/**
 * The linearizability results of batches of keys merged into the result of
 * one check of the whole history (see linearizable-keys.ts).
 *
 * The library settles partitions thus (partition.ts `settle`): the failing
 * one is the illegal partition with the fewest steps (then the lowest
 * number); a partition that took more steps than it is skipped, and so is an
 * undecided one that took as many. Partitions are numbered in the order of
 * their first operation. The result keeps the partitions left illegal or
 * undecided, of which results.json shows the first three.
 *
 * Candidates are kept only while they could be among those three: one with
 * three earlier candidates that are kept whenever it is can never be, and is
 * dropped at once. So memory holds the anomalies that matter, not every key.
 */
import type { CheckResult as LinResult, Operation, OpInput, PartitionResult } from './linearizability/index.js'
import type { LinearizableCheck } from './linearizable-result.js'

/** An illegal partition of a batch: where it starts, its key, and its operations (to explain it). */
export interface IllegalKey {
  first: number
  key: unknown
  operations: Operation<OpInput, unknown>[]
}

/** What the check of one batch of keys gives back: small, plain data. */
export interface BatchVerdict {
  stats: { ops: number; cacheEntries: number; cacheBytes: number; workers: number; workersNote?: string }
  /** Every partition; those neither illegal nor undecided with their first op id only, and no linearizations. */
  partitions: PartitionResult[]
  illegal: IllegalKey[]
}

/** A batch's verdict from the library's result (`keyAt(first)`: the key of the op at that position). */
export function batchVerdict(r: LinResult, keyAt: (first: number) => unknown, operations: readonly Operation<OpInput, unknown>[]): BatchVerdict {
  const illegal: IllegalKey[] = []
  const partitions = (r.partitions ?? []).map((p): PartitionResult => {
    if (p.result === 'illegal') {
      const ids = new Set(p.opIds)
      illegal.push({ first: p.opIds[0]!, key: keyAt(p.opIds[0]!), operations: operations.filter((op) => ids.has(op.id!)) })
    }
    if (p.result === 'illegal' || p.result === 'unknown') return p
    return { index: p.index, result: p.result, opIds: p.opIds.slice(0, 1), stats: p.stats }
  })
  const stats: BatchVerdict['stats'] = { ops: r.stats.ops, cacheEntries: r.stats.cacheEntries, cacheBytes: r.stats.cacheBytes, workers: r.stats.workers }
  if (r.stats.workersNote !== undefined) stats.workersNote = r.stats.workersNote
  return { stats, partitions, illegal }
}

interface Candidate {
  /** Position of the partition's first operation: partitions are numbered in this order. */
  first: number
  partition: PartitionResult
}

type Failing = Candidate & IllegalKey

/** The merge (see above). */
export class KeyVerdicts {
  /** First positions of every partition, for their numbers. */
  private firsts: number[] = []
  private ops = 0
  private steps = 0
  private cacheEntries = 0
  private cacheBytes = 0
  private workers = 0
  private workersNote: string | undefined
  private ownWorkers = false
  private candidates: Candidate[] = []
  private failing: Failing | undefined

  /** The batches were checked on this many threads of the fold's own (each checking on its calling thread). */
  checkedOn(workers: number): void {
    this.workers = workers
    this.workersNote = undefined
    this.ownWorkers = true
  }

  add(v: BatchVerdict): void {
    this.ops += v.stats.ops
    this.cacheEntries += v.stats.cacheEntries
    this.cacheBytes += v.stats.cacheBytes
    if (!this.ownWorkers) {
      this.workers = Math.max(this.workers, v.stats.workers)
      if (v.stats.workers === 0 && this.workersNote === undefined) this.workersNote = v.stats.workersNote
    }
    for (const p of v.partitions) {
      const first = p.opIds[0]!
      this.firsts.push(first)
      this.steps += p.stats.steps
      if (p.result !== 'illegal' && p.result !== 'unknown') continue
      const c: Candidate = { first, partition: p }
      if (p.result === 'illegal' && this.beats(c)) this.failing = { ...c, ...v.illegal.find((x) => x.first === first)! }
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
