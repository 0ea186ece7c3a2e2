/**
 * The unique-ids workload: clients ask the system for ids; no two acknowledged
 * ids may be equal. The checker reports the count, the range and any duplicate.
 *
 *   generate  null → ok id
 */
import { uniqueIdsChecker } from '../checkers/unique-ids.js'
import { stats } from '../checkers/stats.js'
import { knownOptions } from './options.js'
import { defineWorkload, type WorkloadOptions } from './workload.js'

export const uniqueIdsWorkload = defineWorkload({
  name: 'unique-ids',
  description: 'generate ids; invalid on any id acknowledged twice; reports the count and the range',
  operations: ['generate'],
  generator(o: WorkloadOptions) {
    knownOptions('unique-ids', o.options, [])
    return () => ({ f: 'generate', value: null })
  },
  checkers(o: WorkloadOptions) {
    knownOptions('unique-ids', o.options, [])
    return { 'unique-ids': uniqueIdsChecker(), stats: stats() }
  },
})
