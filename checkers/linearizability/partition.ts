/**
 * Checking partitions. Each partition's search runs in slices of steps, so that
 * several partitions can share a thread: `roundRobin` advances all of them by the
 * same number of steps per round, and stops once one is illegal. As in
 * Porcupine, where partitions race and the first illegal one ends the check, a
 * cheap illegal partition is found even when another partition's search is huge.
 *
 * The result does not depend on threads or timing: the failing partition is the
 * illegal one that needed the fewest steps (then the lowest index), and any
 * partition that had not finished within that many steps is reported as skipped.
 */
import { prepare, type SearchLimits, type SearchOutcome, type SearchRun } from './search-common.js'
import { searchLinearizable } from './search-linearizable.js'
import { searchSequential } from './search-sequential.js'
import type { Consistency, Model, Operation, PartitionResult } from './types.js'

/** Steps per slice when partitions share a thread. */
export const SLICE_STEPS = 4096

export class PartitionCheck<State, Input, Output> {
  private run: SearchRun<State> | undefined
  private ms = 0
  steps = 0
  outcome: SearchOutcome<State> | undefined

  constructor(
    private readonly model: Model<State, Input, Output>,
    private readonly ops: readonly Operation<Input, Output>[],
    readonly index: number,
    private readonly consistency: Consistency,
    private readonly limits: SearchLimits,
  ) {}

  /**
   * Runs until the search has taken `budget` steps in all, or has ended, or has
   * gone past the threshold (then it is stopped). True when ended or stopped.
   */
  advance(budget: number, threshold?: Int32Array): boolean {
    while (!this.outcome && this.steps < budget) {
      const until = threshold ? Math.min(budget, this.steps + SLICE_STEPS) : budget
      const started = performance.now()
      let r: IteratorResult<number, SearchOutcome<State>>
      if (!this.run) {
        const p = prepare(this.model, this.ops)
        this.run = this.consistency === 'sequential' ? searchSequential(p, this.limits, until) : searchLinearizable(p, this.limits, until)
        r = this.run.next()
      } else r = this.run.next(until)
      this.ms += performance.now() - started
      if (r.done) {
        this.outcome = r.value
        this.steps = r.value.steps
        // Let the finished search's memo go now, not when every partition is done.
        this.run = undefined
      } else this.steps = r.value
      if (threshold && !this.outcome && this.steps > Atomics.load(threshold, 0)) {
        this.stop('cancelled: a partition that needed fewer steps is illegal')
      }
    }
    return this.outcome !== undefined
  }

  /** Ends an unfinished search early (it will be reported as skipped or unknown). */
  stop(reason: string): void {
    if (this.outcome) return
    this.outcome = { result: 'unknown', reason, steps: this.steps, cacheEntries: 0, cacheBytes: 0 }
    this.run?.return(this.outcome)
    this.run = undefined
  }

  result(): PartitionResult<State> {
    const out = this.outcome ?? { result: 'unknown' as const, reason: 'not finished', steps: this.steps, cacheEntries: 0, cacheBytes: 0 }
    const opIds = this.ops.map((op, i) => op.id ?? i)
    const result: PartitionResult<State> = {
      index: this.index,
      result: out.result,
      opIds,
      stats: { ops: this.ops.length, steps: out.steps, cacheEntries: out.cacheEntries, cacheBytes: out.cacheBytes, ms: this.ms },
    }
    if (out.reason !== undefined) result.reason = out.reason
    if (out.longest) result.longest = out.longest.map((l) => ({ ops: l.ops.map((i) => opIds[i]!), states: l.states }))
    if (out.stuck && result.longest && result.longest.length > 0) {
      result.failure = {
        prefix: result.longest[0]!,
        state: out.stuckState as State,
        stuck: out.stuck.map((s) => ({ id: opIds[s.op]!, next: s.next })),
      }
    }
    return result
  }
}

/** A shared "steps of the cheapest illegal partition so far" cell; int32 max = none yet. */
export function newThreshold(shared: boolean): Int32Array {
  const t = new Int32Array(shared ? new SharedArrayBuffer(4) : new ArrayBuffer(4))
  t[0] = 0x7fffffff
  return t
}

function lowerThreshold(threshold: Int32Array, steps: number): void {
  const s = Math.min(steps, 0x7fffffff)
  while (true) {
    const seen = Atomics.load(threshold, 0)
    if (s >= seen || Atomics.compareExchange(threshold, 0, seen, s) === seen) return
  }
}

/**
 * Advances the checks round-robin, `SLICE_STEPS` at a time, until each has ended
 * or has gone past the threshold (another check, maybe on another thread, is
 * illegal with fewer steps: this one could no longer be the one reported).
 */
export function roundRobin(checks: readonly PartitionCheck<unknown, unknown, unknown>[], threshold: Int32Array): void {
  let active = checks
  let bound = 0
  while (active.length > 0) {
    // Budgets double each round: a cheap illegal partition is found after little
    // work on the others, and a long search is not cut into many small slices.
    bound = Math.max(SLICE_STEPS, 2 * bound)
    for (const c of active) {
      c.advance(bound, threshold)
      if (c.outcome?.result === 'illegal') lowerThreshold(threshold, c.steps)
    }
    const limit = Atomics.load(threshold, 0)
    for (const c of active) if (!c.outcome && c.steps > limit) c.stop('cancelled: a partition that needed fewer steps is illegal')
    active = active.filter((c) => !c.outcome)
  }
}

/** Checks every partition on the calling thread. */
export function checkPartitions<State, Input, Output>(
  model: Model<State, Input, Output>,
  parts: readonly (readonly Operation<Input, Output>[])[],
  consistency: Consistency,
  limits: SearchLimits,
): PartitionResult<State>[] {
  const checks = parts.map((ops, i) => new PartitionCheck(model, ops, i, consistency, limits))
  roundRobin(checks as unknown as PartitionCheck<unknown, unknown, unknown>[], newThreshold(false))
  return settle(checks.map((c) => c.result()))
}

/**
 * Makes a set of partition results independent of scheduling: finds the illegal
 * partition with the fewest steps (then lowest index) and marks every partition
 * that did not decide within that many steps as skipped.
 */
export function settle<State>(results: PartitionResult<State>[]): PartitionResult<State>[] {
  let first: PartitionResult<State> | undefined
  for (const r of results) {
    if (r.result !== 'illegal') continue
    if (!first || r.stats.steps < first.stats.steps) first = r
  }
  if (!first) return results
  const limit = first.stats.steps
  return results.map((r) =>
    r.stats.steps > limit || (r.result === 'unknown' && r.stats.steps >= limit && r !== first)
      ? {
          index: r.index,
          result: 'skipped',
          reason: `not checked: partition ${first.index} is illegal`,
          opIds: r.opIds,
          stats: { ...r.stats, ms: r.stats.ms },
        }
      : r,
  )
}
