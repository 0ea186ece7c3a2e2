/**
 * `--target chain-kv`: the bundled chain-replication key-value store (server in
 * ./server/, copied into every node by `imageLayer()` together with the shared
 * ../server-kit/, and started with node). Supports kill/start,
 * pause/resume, log download and asking who the head and tail are; `--bug NAME`
 * runs one of the deliberate bug modes of ./server/bugs.ts.
 */
import type { Cluster } from '../../control/remote.js'
import { NodeServer, type Readiness } from '../node-server.js'
import { defineTarget, type HasImage, type Killable, type LogFiles, type Pausable, type Primaries, type Target } from '../target.js'
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
  failure: 'formed no chain of all nodes whose head and tail hold a lease',
}

export const chainKvTarget = defineTarget<Target & Killable & Pausable & LogFiles & Primaries & HasImage>({
  name: 'chain-kv',
  description: 'the bundled chain-replication key-value store (master replicated with Raft): read/write/cas registers and single-key append',
  bugs: BUGS,
  workloads: ['register'],
  operations: ['read', 'write', 'cas', 'append'],
  runtimes: ['docker', 'ssh'],

  ...server.controls(chainFormed),

  client: ({ node, cluster }) =>
    new ChainKvClient({
      node,
      nodes: cluster.nodes.map((n) => ({ name: n.name, address: n.address })),
      // Bug read-any is a server that answers reads anywhere: the client asks its own node.
      readAt: server.bugOf(cluster) === 'read-any' ? 'own-node' : 'tail',
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
