/**
 * The rw-register workload (Elle's): transactions of register writes and
 * reads on a few live keys that rotate (workloads/txn-generator.ts), then a
 * read of every key; the history is checked by the transactional checker for
 * the consistency models the target promises.
 *
 *   txn  [['w', k, v], ['r', k, null], ...]  → ok [['w', k, v], ['r', k, 3], ...]
 *
 * A read names the write it saw (values are unique per key), but a register
 * keeps no past: the order of versions is inferred from the initial state,
 * from transactions that read a version and then wrote the next, and, for the
 * models that need them, from process and real-time order. Anomalies that hide
 * in orders nothing shows can be missed (checkers/elle/README.md says when);
 * list-append sees more and is the stronger test.
 *
 * Options: as list-append's (keyCount 8, minTxnLength 1, maxTxnLength 5,
 * maxWritesPerKey 32, readFraction 0.5, keyDist, consistencyModels).
 */
import { rwRegister } from '../checkers/elle.js'
import { stats } from '../checkers/stats.js'
import { finalReads, txnGenerator, txnWorkloadOptions } from './txn-generator.js'
import { defineWorkload, type WorkloadOptions } from './workload.js'

export const rwRegisterWorkload = defineWorkload({
  name: 'rw-register',
  description:
    "Elle's rw-register: transactions of 1-5 register writes and reads, shaped as list-append's; version orders inferred from the reads, the initial state and process/real-time order (a weaker test than list-append's), checked against consistencyModels (default strict-serializable)",
  operations: ['txn'],
  generator(o: WorkloadOptions) {
    return txnGenerator(txnWorkloadOptions('rw-register', o), 'w', o)
  },
  finalGenerator: finalReads,
  checkers(o: WorkloadOptions) {
    const opts = txnWorkloadOptions('rw-register', o)
    return { 'rw-register': rwRegister({ consistencyModels: opts.consistencyModels }), stats: stats() }
  },
})
