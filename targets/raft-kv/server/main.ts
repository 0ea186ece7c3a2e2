/**
 * raft-kv server entry point: `node main.js --id n1 --peers ... --listen ... --data ...`
 * (options in args.ts). One Raft server (../../server-kit/raft/) replicating
 * the key-value state machine, serving peers and clients on one HTTP port.
 * The bug modes map to library options here and in routes.ts.
 */
import { RaftNode } from '../../server-kit/raft/raft.js'
import { HttpPeerTransport, raftRoutes } from '../../server-kit/raft/peers.js'
import { RaftStorage } from '../../server-kit/raft/storage.js'
import { serveApp } from '../../server-kit/serve.js'
import { parseArgs } from './args.js'
import type { Command, KvReply, Status } from './messages.js'
import { kvRoutes } from './routes.js'
import { KvStateMachine } from './state-machine.js'

/** The lazy flush period of bug no-fsync. */
const NO_FSYNC_FLUSH_MS = 2000

serveApp('raft-kv', parseArgs, (config, logger) => {
  const storage = new RaftStorage<Command>(config.data, {
    persistVote: config.bug !== 'no-vote-persist',
    lazyFlushMs: config.bug === 'no-fsync' ? NO_FSYNC_FLUSH_MS : undefined,
  })
  const sm = new KvStateMachine()
  const options = {
    id: config.id,
    peers: [...config.peers.keys()].filter((p) => p !== config.id),
    electionMs: config.electionMs,
    heartbeatMs: config.heartbeatMs,
    snapshotEvery: config.snapshotEvery,
    maxBatch: 500,
    requestTimeoutMs: config.requestTimeoutMs,
    leaseReads: config.bug === 'lease-read',
  }
  const node = new RaftNode(options, sm, storage, new HttpPeerTransport<Command>(config.peers, Math.max(200, config.electionMs.min)), logger)
  return {
    status: (): Status => ({ ...node.status(), bug: config.bug }),
    routes: { ...raftRoutes(node), ...kvRoutes(node, sm, { addresses: config.peers, bug: config.bug, requestTimeoutMs: config.requestTimeoutMs }) },
    refusal: (error, message): KvReply => ({ ok: false, error, leader: node.leader, message }),
    start: () => node.start(),
    stop: () => {
      node.stop()
      storage.close()
    },
  }
})
