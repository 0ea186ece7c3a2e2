/**
 * `--target raft-kv`: the bundled Raft key-value store (server in ./server/,
 * copied into every node by `imageLayer()` together with the shared
 * ../server-kit/, and started with node). Supports
 * kill/start, pause/resume, log download, clock faults and asking who leads;
 * `--bug NAME` runs one of the deliberate bug modes of ./server/bugs.ts.
 * Written with dstest's public API only (../../index.js), as a user's target is.
 */
import { defineTarget, type Cluster, type Killable, type LogFiles, type Pausable, type Primaries, type Target } from '../../index.js'
import { NodeServer, type FilesLayer, type Readiness } from '../node-server.js'
import { RAFT_KV_PORT, RaftKvClient } from './client.js'
import { BUGS } from './server/bugs.js'
import type { Status } from './server/messages.js'

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

export const raftKvTarget = defineTarget<Target & Killable & Pausable & LogFiles & Primaries & { imageLayer(): FilesLayer }>({
  name: 'raft-kv',
  description: 'the bundled Raft key-value store: read/write/cas registers and multi-key append/read/write transactions',
  bugs: BUGS,
  workloads: ['register'],
  operations: ['read', 'write', 'cas', 'txn'],
  runtimes: ['docker', 'ssh'],
  // Its node processes run under libfaketime (NodeProcess), and node reads the clock through libc.
  clock: 'faketime',

  ...server.controls(leaderElected),

  client: ({ node, address }) => new RaftKvClient({ node, address }),

  async primaries(cluster: Cluster) {
    const statuses = await server.statuses(cluster)
    return statuses.filter((s): s is Status => s?.role === 'leader').map((s) => s.id)
  },
})

export default raftKvTarget
