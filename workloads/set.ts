/**
 * The set workload (Jepsen's set-full): clients add unique elements to sets
 * and read whole sets, often; after the faults are healed every set is read
 * once more. Checked per element by the set checker (stable, lost, stale,
 * never read, recovered, duplicated, unexpected).
 *
 * Sets are independent keys, as in the register workload: groups of
 * `threadsPerKey` threads work one key for `opsPerKey` operations, then take a
 * fresh key, so no read returns more than about opsPerKey / 2 elements and the
 * history stays small however long the test runs.
 *
 *   add   [key, element]    elements 0, 1, 2, ... per key, each added once
 *   read  [key, null]     → ok [key, [element, ...]]
 *
 * Options: readFraction (0.5), opsPerKey (200), threadsPerKey (min(5,
 * concurrency)), linearizable (false: when true a stale read is an anomaly).
 */
import { independentConcurrent, limit } from '../core/generator/index.js'
import { setChecker } from '../checkers/set.js'
import { stats } from '../checkers/stats.js'
import { booleanOption, knownOptions, numberOption } from './options.js'
import { defineWorkload, type WorkloadOptions } from './workload.js'

export interface SetWorkloadOptions {
  readFraction: number
  opsPerKey: number
  threadsPerKey: number
  linearizable: boolean
}

export function setOptions(o: WorkloadOptions): SetWorkloadOptions {
  const raw = o.options
  knownOptions('set', raw, ['readFraction', 'opsPerKey', 'threadsPerKey', 'linearizable'])
  return {
    readFraction: numberOption('set', raw, 'readFraction', 0.5, { min: 0, max: 1 }),
    opsPerKey: numberOption('set', raw, 'opsPerKey', 200, { min: 1, integer: true }),
    threadsPerKey: Math.min(o.concurrency, numberOption('set', raw, 'threadsPerKey', Math.min(5, o.concurrency), { min: 1, integer: true })),
    linearizable: booleanOption('set', raw, 'linearizable', false),
  }
}

/** The highest key handed out, per generator: the final phase reads every key up to it. */
const lastKey = new WeakMap<WorkloadOptions, { max: number }>()

export const setWorkload = defineWorkload({
  name: 'set',
  description: "unique adds to sets and frequent reads of whole sets, then a final read of each; per element: stable, lost, stale, never read, recovered, duplicated (Jepsen's set-full)",
  operations: ['add', 'read'],
  generator(o: WorkloadOptions) {
    const opts = setOptions(o)
    const seen = { max: -1 }
    lastKey.set(o, seen)
    const key = (i: number): number => {
      seen.max = Math.max(seen.max, i)
      return i
    }
    return independentConcurrent(key, opts.threadsPerKey, () => {
      let next = 0
      return limit(opts.opsPerKey, (ctx) => (ctx.random.bool(opts.readFraction) ? { f: 'read', value: null } : { f: 'add', value: next++ }))
    })
  },
  finalGenerator(o: WorkloadOptions) {
    let built = false
    return () => {
      if (built) return null
      built = true
      const max = lastKey.get(o)?.max ?? -1
      return Array.from({ length: max + 1 }, (_, k) => ({ f: 'read', value: [k, null] }))
    }
  },
  checkers(o: WorkloadOptions) {
    const opts = setOptions(o)
    return { set: setChecker({ independent: true, linearizable: opts.linearizable }), stats: stats() }
  },
})
