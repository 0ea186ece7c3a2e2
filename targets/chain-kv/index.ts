/**
 * `--target chain-kv`: the bundled chain-replication key-value store (server in
 * ./server/, copied into every node by `imageLayer()` together with the shared
 * ../server-kit/, and started with node). Supports kill/start,
 * pause/resume, log download, clock faults and asking who the head and tail
 * are; `--bug NAME` runs one of the deliberate bug modes of ./server/bugs.ts.
 * Written with dstest's public API only (../../index.js), as a user's target is.
 */
import { defineTarget, EnvironmentError, settlingQueueWorkload, type Cluster, type Killable, type LogFiles, type Pausable, type Primaries, type Target } from '../../index.js'
import { NodeServer, type FilesLayer, type Readiness } from '../node-server.js'
import { CHAIN_KV_PORT, ChainKvClient } from './client.js'
import { BUGS } from './server/bugs.js'
import type { Status } from './server/messages.js'
import { bankOptions, openBank, type BankOptions } from '../workload-requests.js'

export const server = new NodeServer<Status>({ name: 'chain-kv', port: CHAIN_KV_PORT, bugs: BUGS })
export const { serverDir: SERVER_DIR, dataDir: DATA_DIR, logFile: LOG_FILE, pidFile: PID_FILE } = server

/**
 * Ready: every node has adopted one configuration whose chain holds them all,
 * and its head and tail hold a lease (they take writes and answer reads now,
 * rather than refusing the first operations as unavailable).
 */
const chainFormed: Readiness<Status> = {
  check(statuses) {
    const first = statuses[0]
    if (first === undefined || first.chain.length !== statuses.length) return false
    if (!statuses.every((s) => s?.epoch === first.epoch && s.role !== 'standby')) return false
    const serving = (id: string | null): boolean => statuses.some((s) => s?.id === id && s.lease)
    return serving(first.head) && serving(first.tail)
  },
  describe: (s) => `${s.role} epoch ${s.epoch}${s.lease ? '' : ' (no lease)'}`,
  awaited: 'a chain of all nodes whose head and tail hold a lease',
}

const controls = server.controls(chainFormed)
/** The bank each running cluster was set up with, for its clients. */
const bankOfRun = new Map<string, BankOptions>()

export const chainKvTarget = defineTarget<Target & Killable & Pausable & LogFiles & Primaries & { imageLayer(): FilesLayer }>({
  name: 'chain-kv',
  description: 'the bundled chain-replication key-value store (master replicated with Raft): registers, sets, a counter, ids, a queue, a bank and multi-key transactions (list-append, rw-register), each applied whole at the head',
  bugs: BUGS,
  // The queue whose dequeues carry request ids and are settled at the end (server-kit/kv-store.ts), under the name `queue`.
  workloads: ['register', 'set', 'bank', 'counter', 'unique-ids', settlingQueueWorkload, 'list-append', 'rw-register'],
  operations: ['read', 'write', 'cas', 'append', 'txn', 'add', 'transfer', 'generate', 'enqueue', 'dequeue', 'settle-dequeues'],
  runtimes: ['docker', 'ssh'],
  // Its node processes run under libfaketime (NodeProcess), and node reads the clock through libc.
  clock: 'faketime',

  ...controls,

  /** Starts the servers; for the bank workload, opens its accounts (as Jepsen's client setup does). */
  async setup(cluster, options) {
    await controls.setup(cluster, options)
    if (options.workload?.name !== 'bank') return
    bankOfRun.set(cluster.runId, bankOptions(options.workload.options))
    const client = clientOf(cluster, cluster.nodes[0]!.name, 'register', options.bug)
    try {
      await openBank(client, options.workload.options)
    } catch (err) {
      throw new EnvironmentError('E_CLUSTER', `chain-kv: ${(err as Error).message}`, `read ${LOG_FILE} of each node (downloaded into the run's nodes/ folder)`)
    } finally {
      await client.close()
    }
  },

  async teardown(cluster) {
    bankOfRun.delete(cluster.runId)
    await controls.teardown(cluster)
  },

  client: ({ node, cluster, workload, bug }) => clientOf(cluster, node, workload, bug),

  /** The head and the tail of the newest configuration any node reports. */
  async primaries(cluster: Cluster) {
    const statuses = (await server.statuses(cluster)).filter((s): s is Status => s !== undefined)
    const newest = statuses.sort((a, b) => b.epoch - a.epoch).find((s) => s.head !== null)
    if (!newest) return []
    return [...new Set([newest.head!, newest.tail!])]
  },
})

function clientOf(cluster: Cluster, node: string, workload: string, bug: string | undefined): ChainKvClient {
  return new ChainKvClient({
    node,
    nodes: cluster.nodes.map((n) => ({ name: n.name, address: n.address })),
    // Bug read-any is a server that answers reads anywhere: the client asks its own node.
    readAt: bug === 'read-any' ? 'own-node' : 'tail',
    workload,
    bank: bankOfRun.get(cluster.runId),
  })
}

export default chainKvTarget
