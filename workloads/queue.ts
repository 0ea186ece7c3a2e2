/**
 * The queue workload (Jepsen's total queue): clients enqueue unique values and
 * dequeue; after the faults are healed the queue is drained, one dequeue at a
 * time until one finds it empty. The queue checker wants every acknowledged
 * value out exactly once (lost, duplicated, unexpected, recovered), and with
 * `fifo` also checks order with the linearizability checker's queue model.
 *
 *   enqueue  v       0, 1, 2, ... each enqueued once
 *   dequeue  null  → ok v, or ok null when the queue is empty
 *
 * `settlingQueueWorkload` is the same workload for a target that can tell
 * what a dequeue took after its client gave up on it (raft-kv and chain-kv,
 * which serve it under the name `queue`): each dequeue of the main phase
 * carries a request id, unique in the run, as its value; the final phase
 * first asks the target to settle them, then drains (the drain's dequeues
 * carry none):
 *
 *   dequeue          'd0', 'd1', ...  → ok v, or ok null when the queue is empty
 *   settle-dequeues  null             → ok {request: v, ...}: every request that
 *                                       took a value; the others never will
 *
 * so the checker counts a dequeue that timed out as what it took
 * (checkers/queue.ts), rather than as one that may have taken anything.
 *
 * Options: dequeueFraction (0.5), fifo (false: set it for a queue that promises
 * first-in first-out order; the check can take long on big histories),
 * fifoTimeLimit (60 seconds before that check gives up with unknown),
 * atLeastOnce (false: set it for a queue that may deliver a value twice, so
 * duplicates are reported but are no anomaly).
 */
import type { Op, Process } from '../core/op.js'
import { fillIn } from '../core/generator/index.js'
import type { GenContext, GenStep, Generator } from '../core/generator/types.js'
import { queueChecker } from '../checkers/queue.js'
import { stats } from '../checkers/stats.js'
import { booleanOption, knownOptions, numberOption } from './options.js'
import { defineWorkload, type WorkloadOptions } from './workload.js'

export function queueOptions(o: WorkloadOptions): { dequeueFraction: number; fifo: boolean; fifoTimeLimit: number; atLeastOnce: boolean } {
  knownOptions('queue', o.options, ['dequeueFraction', 'fifo', 'fifoTimeLimit', 'atLeastOnce'])
  return {
    dequeueFraction: numberOption('queue', o.options, 'dequeueFraction', 0.5, { min: 0, max: 1 }),
    fifo: booleanOption('queue', o.options, 'fifo', false),
    fifoTimeLimit: numberOption('queue', o.options, 'fifoTimeLimit', 60, { min: 0.001 }),
    atLeastOnce: booleanOption('queue', o.options, 'atLeastOnce', false),
  }
}

/** Gives up after this many dequeues in a row that did not answer (the checker then calls what is left unconfirmed). */
const MAX_MISSES = 20

/**
 * Dequeues one at a time until one completes ok with nothing: the queue is
 * drained. Each waits for the previous to complete, so the last one proves
 * the queue empty after every value taken before it.
 */
export function drainQueue(): Generator {
  return new Drain(undefined, false, 0)
}

class Drain implements Generator {
  constructor(
    private readonly inFlight: Process | undefined,
    private readonly done: boolean,
    private readonly misses: number,
  ) {}
  op(ctx: GenContext): GenStep {
    if (this.done) return null
    if (this.inFlight !== undefined) return { pending: true, gen: this }
    const op = fillIn({ f: 'dequeue', value: null }, ctx)
    return op === null ? { pending: true, gen: this } : { op, gen: new Drain(op.process, false, this.misses) }
  }
  update(_ctx: GenContext, event: Op): Generator {
    if (event.type === 'invoke' || event.process !== this.inFlight) return this
    if (event.type === 'ok') return event.value === null ? new Drain(undefined, true, 0) : new Drain(undefined, false, 0)
    return new Drain(undefined, this.misses + 1 >= MAX_MISSES, this.misses + 1)
  }
}

/** The queue workload; with `settle`, for a target whose dequeues take a request id and that answers settle-dequeues (see the header). */
function queueWorkloadWith(settle: boolean) {
  return defineWorkload({
    name: 'queue',
    description: settle
      ? 'enqueue unique values and dequeue (each dequeue with a request id the target settles at the end, so one that timed out is known), then drain; lost, duplicated and unexpected values (total queue), and FIFO order with the fifo option'
      : 'enqueue unique values and dequeue, then drain; lost, duplicated and unexpected values (total queue), and FIFO order with the fifo option',
    operations: settle ? ['enqueue', 'dequeue', 'settle-dequeues'] : ['enqueue', 'dequeue'],
    generator(o: WorkloadOptions) {
      const opts = queueOptions(o)
      let next = 0
      let request = 0
      return (ctx) => (ctx.random.bool(opts.dequeueFraction) ? { f: 'dequeue', value: settle ? `d${request++}` : null } : { f: 'enqueue', value: next++ })
    },
    finalGenerator() {
      // The settle may run beside the drain: it ends only the main phase's requests, and the drain's dequeues carry none.
      return settle ? [{ f: 'settle-dequeues', value: null }, drainQueue()] : drainQueue()
    },
    checkers(o: WorkloadOptions) {
      const opts = queueOptions(o)
      return { queue: queueChecker({ fifo: opts.fifo, fifoTimeLimitSeconds: opts.fifoTimeLimit, atLeastOnce: opts.atLeastOnce }), stats: stats() }
    },
  })
}

export const queueWorkload = queueWorkloadWith(false)
export const settlingQueueWorkload = queueWorkloadWith(true)
