/**
 * The long-fork workload: keys come in groups of `groupSize` (keys 0..n-1, then
 * n..2n-1, ...); each key is written once, by a transaction of one write, and
 * reads read a whole group in one transaction (its keys in random order). The
 * long-fork checker looks for two reads of a group that saw its writes in
 * incompatible orders, which snapshot isolation forbids and parallel snapshot
 * isolation allows.
 *
 *   txn  [['w', k, 1]]                              ok when written
 *   txn  [['r', k, null], ...]  (a whole group)   → ok [['r', k, 1 or null], ...]
 *
 * Half the operations write the next key; the other half read the group of one
 * of the last few keys written, where writes are still in flight and a fork
 * can show. Options: groupSize (3), readFraction (0.5).
 */
import type { Op } from '../core/op.js'
import { fillIn } from '../core/generator/index.js'
import type { GenContext, GenStep, Generator } from '../core/generator/types.js'
import { longForkChecker } from '../checkers/long-fork.js'
import { stats } from '../checkers/stats.js'
import { knownOptions, numberOption } from './options.js'
import { defineWorkload, type WorkloadOptions } from './workload.js'

export function longForkOptions(o: WorkloadOptions): { groupSize: number; readFraction: number } {
  knownOptions('long-fork', o.options, ['groupSize', 'readFraction'])
  return {
    groupSize: numberOption('long-fork', o.options, 'groupSize', 3, { min: 2, max: 100, integer: true }),
    readFraction: numberOption('long-fork', o.options, 'readFraction', 0.5, { min: 0, max: 1 }),
  }
}

/** The keys of k's group, lowest first. */
export function groupOf(k: number, groupSize: number): number[] {
  const first = k - (k % groupSize)
  return Array.from({ length: groupSize }, (_, i) => first + i)
}

/**
 * The next key lives in the generator's state, not in a closure: the runner may
 * ask the same state twice for one operation, and a closure counter would skip
 * keys, leaving groups half written and reads with nothing to compare.
 */
class LongForkGen implements Generator {
  constructor(
    private readonly groupSize: number,
    private readonly readFraction: number,
    private readonly next: number,
  ) {}
  op(ctx: GenContext): GenStep {
    const write = this.next === 0 || !ctx.random.bool(this.readFraction)
    let value: unknown
    if (write) value = [['w', this.next, 1]]
    else {
      const recent = Math.max(0, this.next - 1 - ctx.random.int(2 * this.groupSize))
      value = ctx.random.shuffle(groupOf(recent, this.groupSize)).map((k) => ['r', k, null])
    }
    const op = fillIn({ f: 'txn', value }, ctx)
    if (op === null) return { pending: true, gen: this }
    return { op, gen: write ? new LongForkGen(this.groupSize, this.readFraction, this.next + 1) : this }
  }
  update(_ctx: GenContext, _event: Op): Generator {
    return this
  }
}

export const longForkWorkload = defineWorkload({
  name: 'long-fork',
  description: 'keys in groups, each written once; reads of a whole group in one transaction; invalid when two reads saw the writes in incompatible orders (a long fork)',
  operations: ['txn'],
  generator(o: WorkloadOptions) {
    const opts = longForkOptions(o)
    return new LongForkGen(opts.groupSize, opts.readFraction, 0)
  },
  checkers(o: WorkloadOptions) {
    const opts = longForkOptions(o)
    return { 'long-fork': longForkChecker({ groupSize: opts.groupSize }), stats: stats() }
  },
})
