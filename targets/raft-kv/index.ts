/**
 * `--target raft-kv`: the bundled Raft key-value store (server in ./server/,
 * copied into every node by `imageLayer()` together with the shared
 * ../server-kit/, and started with node). Supports
 * kill/start, pause/resume, log download, clock faults and asking who leads;
 * `--bug NAME` runs one of the deliberate bug modes of ./server/bugs.ts.
 * Written with dstest's public API only (../../index.js), as a user's target is.
 */
import { defineTarget, EnvironmentError, settlingQueueWorkload, type Cluster, type Killable, type LogFiles, type Pausable, type Primaries, type Target } from '../../index.js'
import { NodeServer, type FilesLayer, type Readiness } from '../node-server.js'
import { RAFT_KV_PORT, RaftKvClient } from './client.js'
import { BUGS } from './server/bugs.js'
import type { Status } from './server/messages.js'
import { bankOptions, openBank, type BankOptions } from '../workload-requests.js'

export const server = new NodeServer<Status>({ name: 'raft-kv', port: RAFT_KV_PORT, bugs: BUGS })
export const { serverDir: SERVER_DIR, dataDir: DATA_DIR, logFile: LOG_FILE, pidFile: PID_FILE } = server

/** Ready: a majority of nodes follow one leader. */
const leaderElected: Readiness<Status> = {
  check(statuses) {
    const leader = statuses.find((s) => s?.role === 'leader')
    return leader !== undefined && statuses.filter((s) => s?.term === leader.term && s.leader === leader.id).length > statuses.length / 2
  },
  describe: (s) => `${s.role} term ${s.term}`,
  awaited: 'a leader followed by a majority',
}

const controls = server.controls(leaderElected)
/** The bank each running cluster was set up with, for its clients. */
const bankOfRun = new Map<string, BankOptions>()

export const raftKvTarget = defineTarget<Target & Killable & Pausable & LogFiles & Primaries & { imageLayer(): FilesLayer }>({
  name: 'raft-kv',
  description: 'the bundled Raft key-value store: registers, sets, a counter, ids, a queue, a bank and multi-key transactions (list-append, rw-register), each operation one log entry',
  bugs: BUGS,
  // The queue whose dequeues carry request ids and are settled at the end (server-kit/kv-store.ts), under the name `queue`.
  workloads: ['register', 'set', 'bank', 'counter', 'unique-ids', settlingQueueWorkload, 'long-fork', 'list-append', 'rw-register'],
  operations: ['read', 'write', 'cas', 'append', 'txn', 'add', 'transfer', 'generate', 'enqueue', 'dequeue', 'settle-dequeues'],
  runtimes: ['docker', 'ssh'],
  // Its node processes run under libfaketime (NodeProcess), and node reads the clock through libc.
  clock: 'faketime',

  ...controls,

  /** Starts the servers; for the bank workload, opens its accounts (as Jepsen's client setup does). */
  async setup(cluster, options) {
    await controls.setup(cluster, options)
    if (options.workload?.name !== 'bank') return
    const bank = bankOptions(options.workload.options)
    bankOfRun.set(cluster.runId, bank)
    const first = cluster.nodes[0]!
    const client = new RaftKvClient({ node: first.name, address: first.address })
    try {
      await openBank(client, options.workload.options)
    } catch (err) {
      throw new EnvironmentError('E_CLUSTER', `raft-kv: ${(err as Error).message}`, `read ${LOG_FILE} of each node (downloaded into the run's nodes/ folder)`)
    } finally {
      await client.close()
    }
  },

  async teardown(cluster) {
    bankOfRun.delete(cluster.runId)
    await controls.teardown(cluster)
  },

  client: ({ node, address, workload, cluster }) => new RaftKvClient({ node, address, workload, bank: bankOfRun.get(cluster.runId) }),

  async primaries(cluster: Cluster) {
    const statuses = await server.statuses(cluster)
    return statuses.filter((s): s is Status => s?.role === 'leader').map((s) => s.id)
  },
})

export default raftKvTarget
