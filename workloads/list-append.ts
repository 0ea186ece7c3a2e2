/**
 * The list-append workload (Elle's): transactions of appends to lists and
 * whole-list reads on a few live keys that rotate (workloads/txn-generator.ts),
 * then a read of every key; the history is checked by the transactional
 * checker for the consistency models the target promises.
 *
 *   txn  [['append', k, v], ['r', k, null], ...]  → ok [['append', k, v], ['r', k, [1, 2, ...]], ...]
 *
 * A list's order of elements is its order of versions, so every read shows
 * which appends came before which: the checker infers ww, wr and rw
 * dependencies exactly and finds the cycles (G0, G1c, G-single, G2-item, ...)
 * and the aborted, intermediate and garbage reads among them.
 *
 * Options: keyCount (8), minTxnLength (1), maxTxnLength (5), maxWritesPerKey
 * (32), readFraction (0.5), keyDist ('exponential' or 'uniform'),
 * consistencyModels (['strict-serializable']: what the target promises).
 */
import { listAppend } from '../checkers/elle.js'
import { stats } from '../checkers/stats.js'
import { finalReads, txnGenerator, txnWorkloadOptions } from './txn-generator.js'
import { defineWorkload, type WorkloadOptions } from './workload.js'

export const listAppendWorkload = defineWorkload({
  name: 'list-append',
  description:
    "Elle's list-append: transactions of 1-5 appends and whole-list reads on 8 live keys that retire after 32 appends, then a read of every key; dependency cycles (G0, G1c, G-single, G2-item...) and aborted, intermediate and garbage reads, checked against the models the target promises (option consistencyModels, default strict-serializable)",
  operations: ['txn'],
  generator(o: WorkloadOptions) {
    return txnGenerator(txnWorkloadOptions('list-append', o), 'append', o)
  },
  finalGenerator: finalReads,
  checkers(o: WorkloadOptions) {
    const opts = txnWorkloadOptions('list-append', o)
    return { 'list-append': listAppend({ consistencyModels: opts.consistencyModels }), stats: stats() }
  },
})
