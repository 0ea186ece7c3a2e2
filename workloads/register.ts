/**
 * The register workload: reads, writes and compare-and-sets on independent keys,
 * checked for linearizability per key with the cas-register model.
 *
 * Groups of `threadsPerKey` client threads work one key each for `opsPerKey`
 * operations, then move on to a fresh key, so every key's history stays small
 * enough to check exactly (as Jepsen's independent register tests do). Written
 * values are unique per key (1, 2, 3, ...), so a read names the write it saw.
 *
 *   value of read   [key, null]  → ok [key, v]
 *   value of write  [key, v]
 *   value of cas    [key, [from, to]]   ok: it swapped; fail: the value was not `from`
 */
import { availableParallelism } from 'node:os'
import type { GenLike } from '../core/generator/types.js'
import { independentConcurrent, limit } from '../core/generator/index.js'
import { linearizable } from '../checkers/linearizable.js'
import { stats } from '../checkers/stats.js'
import { defineWorkload, type WorkloadOptions } from './workload.js'

export interface RegisterOptions {
  /** Share of reads, writes and cas (normalised). Default 2 : 1 : 1. */
  mix: { read: number; write: number; cas: number }
  /** Operations on one key before its threads move to a fresh key. */
  opsPerKey: number
  /** Threads working one key at a time (capped at the concurrency). */
  threadsPerKey: number
  /** Consistency model to check: 'linearizable' (default); 'sequential' is refused, as it cannot be checked key by key. */
  consistency: 'linearizable' | 'sequential'
}

export function registerOptions(o: WorkloadOptions): RegisterOptions {
  const raw = o.options as Partial<RegisterOptions>
  const mix = { read: 2, write: 1, cas: 1, ...(raw.mix ?? {}) }
  const total = mix.read + mix.write + mix.cas
  if (!(total > 0) || [mix.read, mix.write, mix.cas].some((x) => !(x >= 0))) {
    throw new TypeError(`register workload: mix must be non-negative numbers, got ${JSON.stringify(raw.mix)}`)
  }
  return {
    mix: { read: mix.read / total, write: mix.write / total, cas: mix.cas / total },
    opsPerKey: raw.opsPerKey ?? 200,
    threadsPerKey: Math.max(1, Math.min(o.concurrency, raw.threadsPerKey ?? Math.min(5, o.concurrency))),
    consistency: raw.consistency ?? 'linearizable',
  }
}

/** One key's operations: unique written values, cas from a value that may or may not be current. */
export function keyOps(opts: RegisterOptions): GenLike {
  let next = 1
  return limit(opts.opsPerKey, (ctx) => {
    const r = ctx.random.float()
    if (r < opts.mix.read) return { f: 'read', value: null }
    if (r < opts.mix.read + opts.mix.write) return { f: 'write', value: next++ }
    // From: one of the last few values written (often the current one, so many
    // cas succeed), or now and then the initial nil.
    const from = next === 1 || ctx.random.bool(0.05) ? null : Math.max(1, next - 1 - ctx.random.int(3))
    return { f: 'cas', value: [from, next++] }
  })
}

/**
 * The highest key handed out so far, per generator: the final phase reads every
 * key up to it. (A key lives a few seconds; a write lost to a crash shows only
 * when someone reads that key again, after the faults are healed.)
 */
const lastKey = new WeakMap<WorkloadOptions, { max: number }>()

export const registerWorkload = defineWorkload({
  name: 'register',
  description: 'read / write / cas on independent keys, then a final read of every key; linearizability per key (cas-register model)',
  operations: ['read', 'write', 'cas'],
  generator(o: WorkloadOptions) {
    const opts = registerOptions(o)
    const seen = { max: -1 }
    lastKey.set(o, seen)
    const key = (i: number): number => {
      seen.max = Math.max(seen.max, i)
      return i
    }
    return independentConcurrent(key, opts.threadsPerKey, () => keyOps(opts))
  },
  finalGenerator(o: WorkloadOptions) {
    // Built when first asked (after the main phase), once: one read per key, spread over the threads.
    let built = false
    return () => {
      if (built) return null
      built = true
      const max = lastKey.get(o)?.max ?? -1
      return Array.from({ length: max + 1 }, (_, k) => ({ f: 'read', value: [k, null] }))
    }
  },
  checkers(o: WorkloadOptions) {
    const opts = registerOptions(o)
    return {
      [opts.consistency === 'sequential' ? 'sequential' : 'linearizable']: linearizable({
        model: 'cas-register',
        independent: true,
        consistency: opts.consistency,
        // Keys are independent partitions: check them on both cores.
        workers: Math.min(4, availableParallelism()),
      }),
      stats: stats(),
    }
  },
})
