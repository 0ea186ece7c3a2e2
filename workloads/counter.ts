/**
 * The counter workload: clients add to one counter and read it; after the
 * faults are healed each node is read once more. The counter checker wants
 * each read between the adds acknowledged before it began and every add that
 * may have happened by the time it ended.
 *
 *   add   1 (or -1, with decrements)
 *   read  null → ok n
 *
 * Options: readFraction (0.5), decrements (false; when true about a third of
 * the adds are -1).
 */
import { counterChecker } from '../checkers/counter.js'
import { stats } from '../checkers/stats.js'
import { booleanOption, knownOptions, numberOption } from './options.js'
import { defineWorkload, type WorkloadOptions } from './workload.js'

export function counterOptions(o: WorkloadOptions): { readFraction: number; decrements: boolean } {
  knownOptions('counter', o.options, ['readFraction', 'decrements'])
  return {
    readFraction: numberOption('counter', o.options, 'readFraction', 0.5, { min: 0, max: 1 }),
    decrements: booleanOption('counter', o.options, 'decrements', false),
  }
}

export const counterWorkload = defineWorkload({
  name: 'counter',
  description: 'increments (and optionally decrements) of one counter and reads; each read must lie between what was surely added before it and what may have been by its end',
  operations: ['add', 'read'],
  generator(o: WorkloadOptions) {
    const opts = counterOptions(o)
    return (ctx) => {
      if (ctx.random.bool(opts.readFraction)) return { f: 'read', value: null }
      return { f: 'add', value: opts.decrements && ctx.random.bool(1 / 3) ? -1 : 1 }
    }
  },
  finalGenerator(o: WorkloadOptions) {
    return o.nodes.map(() => ({ f: 'read', value: null }))
  },
  checkers(o: WorkloadOptions) {
    counterOptions(o)
    return { counter: counterChecker(), stats: stats() }
  },
})
