/**
 * `--target memory`: in-process systems for every bundled workload (a
 * linearizable register/KV, a set, a bank, a counter, an id generator, a FIFO
 * queue, a store of read/write groups for long-fork, a transactional store for
 * list-append and rw-register), each correct by default and with deliberate
 * bugs that its workload's checker must catch. For ten-second demos and for
 * testing the runner, generators, checkers, store and CLI without Docker.
 */
import { DstestError, UsageError } from '../../core/errors.js'
import { defineTarget } from '../target.js'
import { bankSystem } from './bank.js'
import { counterSystem } from './counter.js'
import { longForkSystem } from './long-fork.js'
import { queueSystem } from './queue.js'
import { registerSystem } from './register.js'
import { setSystem } from './set.js'
import { listAppendSystem, rwRegisterSystem, TXN_BUGS } from './transactions.js'
import type { MemorySystem, SystemOptions } from './system.js'
import { uniqueIdsSystem } from './unique-ids.js'

const systems: Record<string, (options: SystemOptions) => MemorySystem> = {
  register: registerSystem,
  set: setSystem,
  bank: bankSystem,
  counter: counterSystem,
  'unique-ids': uniqueIdsSystem,
  queue: queueSystem,
  'long-fork': longForkSystem,
  'list-append': listAppendSystem,
  'rw-register': rwRegisterSystem,
}

const TXN_WORKLOADS = ['list-append', 'rw-register'] as const

/** Each bug, the workload(s) it breaks, and what it does. */
const bugs = {
  'stale-read': ['register', 'clients on even-numbered nodes read a replica that lags writes by 20 ms (not linearizable)'],
  'lost-add': ['set', 'every 37th add is acknowledged, then dropped'],
  'torn-transfer': ['bank', 'a transfer is two writes 3 ms apart: a read between them sees the money missing'],
  'lost-increment': ['counter', 'an add reads the counter and writes it back 2 ms later: overlapping adds count once'],
  'duplicate-id': ['unique-ids', 'the id counter is bumped 2 ms after it is read: overlapping requests get the same id'],
  'lost-enqueue': ['queue', 'every 29th enqueue is acknowledged, then dropped'],
  'duplicate-dequeue': ['queue', 'every 31st dequeue returns the head without removing it'],
  'unordered-dequeue': ['queue', 'every 7th dequeue takes the second value, not the head (caught with workload option fifo)'],
  'long-fork': ['long-fork', 'odd and even nodes each see their own writes at once and the others\' 50 ms later (parallel snapshot isolation)'],
  ...Object.fromEntries(Object.entries(TXN_BUGS).map(([bug, what]) => [bug, [TXN_WORKLOADS, what]])),
} satisfies Record<string, readonly [string | readonly string[], string]>

const workloadsOf = (fits: string | readonly string[]): readonly string[] => (typeof fits === 'string' ? [fits] : fits)

export const memoryBugs: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(bugs).map(([name, [fits, what]]) => [name, `${workloadsOf(fits).join(' and ')} workload${typeof fits === 'string' ? '' : 's'}: ${what}`]),
)

/** The workloads a bug mode breaks. */
export function bugWorkloads(bug: string): readonly string[] {
  const entry = (bugs as Record<string, readonly [string | readonly string[], string]>)[bug]
  return entry ? workloadsOf(entry[0]) : []
}

/** Per run (a library user may run several tests in one process): its bug and its systems, built when first used. */
interface Run {
  bug: string | undefined
  workloadOptions: Readonly<Record<string, unknown>>
  systems: Map<string, MemorySystem>
}
const runs = new Map<string, Run>()

function closeRun(runId: string): void {
  for (const s of runs.get(runId)?.systems.values() ?? []) s.close()
  runs.delete(runId)
}

/** A bug names the workload it breaks: with another workload it would do nothing, and a run would pass for nothing. */
function checkBugFits(bug: string | undefined, workload: string): void {
  if (bug === undefined) return
  const fits = bugWorkloads(bug)
  if (!fits.includes(workload)) {
    throw new UsageError(`bug '${bug}' of target memory breaks the ${fits.join(' and ')} workload${fits.length > 1 ? 's' : ''}, not ${workload}`, `run it with --workload ${fits.join(' or ')}`)
  }
}

export const memoryTarget = defineTarget({
  name: 'memory',
  description: 'in-process systems for every bundled workload (register, set, bank, counter, unique-ids, queue, long-fork, and a strict-serializable transactional store for list-append and rw-register), for demos and tests (no Docker needed)',
  bugs: memoryBugs,
  workloads: Object.keys(systems),
  operations: ['read', 'write', 'cas', 'add', 'transfer', 'generate', 'enqueue', 'dequeue', 'txn'],
  runtimes: ['memory'],
  async setup(cluster, options) {
    if (options.bug !== undefined && !(options.bug in memoryBugs)) {
      throw new DstestError('E_UNKNOWN_NAME', `unknown bug '${options.bug}' for target memory`, {
        fix: `choose one of: ${Object.keys(memoryBugs).join(', ')}`,
      })
    }
    if (options.workload) checkBugFits(options.bug, options.workload.name)
    closeRun(cluster.runId)
    runs.set(cluster.runId, { bug: options.bug, workloadOptions: options.workload?.options ?? {}, systems: new Map() })
    // Build the workload's system now, so bad workload options are refused before the test starts.
    if (options.workload && systems[options.workload.name]) systemFor(cluster.runId, options.workload.name)
  },
  async teardown(cluster) {
    closeRun(cluster.runId)
  },
  client({ node, cluster, workload }) {
    return systemFor(cluster.runId, workload).client(node)
  },
})

function systemFor(runId: string, workload: string): MemorySystem {
  const run = runs.get(runId)
  if (!run) throw new Error(`memory target is not set up for run ${runId}`)
  let system = run.systems.get(workload)
  if (!system) {
    const make = systems[workload]
    if (!make) throw new UsageError(`target memory has no client for workload '${workload}'`, `choose one of: ${Object.keys(systems).join(', ')}`)
    checkBugFits(run.bug, workload)
    system = make({ bug: run.bug, workloadOptions: run.workloadOptions })
    run.systems.set(workload, system)
  }
  return system
}
