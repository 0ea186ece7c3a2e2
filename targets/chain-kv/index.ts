/**
 * `--target chain-kv`: the bundled chain-replication key-value store (server in
 * ./server/, copied into every node by `imageLayer()` together with the shared
 * ../server-kit/, and started with node). Supports kill/start,
 * pause/resume, log download, clock faults and asking who the head and tail
 * are; `--bug NAME` runs one of the deliberate bug modes of ./server/bugs.ts.
 * Written with dstest's public API only (../../index.js), as a user's target is.
 */
import { defineTarget, type Cluster, type Killable, type LogFiles, type Pausable, type Primaries, type Target } from '../../index.js'
import { NodeServer, type FilesLayer, type Readiness } from '../node-server.js'
import { CHAIN_KV_PORT, ChainKvClient } from './client.js'
import { BUGS } from './server/bugs.js'
import type { Status } from './server/messages.js'

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

export const chainKvTarget = defineTarget<Target & Killable & Pausable & LogFiles & Primaries & { imageLayer(): FilesLayer }>({
  name: 'chain-kv',
  description: 'the bundled chain-replication key-value store (master replicated with Raft): read/write/cas registers and single-key append',
  bugs: BUGS,
  workloads: ['register'],
  operations: ['read', 'write', 'cas', 'append'],
  runtimes: ['docker', 'ssh'],
  // Its node processes run under libfaketime (NodeProcess), and node reads the clock through libc.
  clock: 'faketime',

  ...server.controls(chainFormed),

  client: ({ node, cluster, bug }) =>
    new ChainKvClient({
      node,
      nodes: cluster.nodes.map((n) => ({ name: n.name, address: n.address })),
      // Bug read-any is a server that answers reads anywhere: the client asks its own node.
      readAt: bug === 'read-any' ? 'own-node' : 'tail',
    }),

  /** The head and the tail of the newest configuration any node reports. */
  async primaries(cluster: Cluster) {
    const statuses = (await server.statuses(cluster)).filter((s): s is Status => s !== undefined)
    const newest = statuses.sort((a, b) => b.epoch - a.epoch).find((s) => s.head !== null)
    if (!newest) return []
    return [...new Set([newest.head!, newest.tail!])]
  },
})

export default chainKvTarget
