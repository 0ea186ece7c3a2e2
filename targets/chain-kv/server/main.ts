/**
 * chain-kv server entry point: `node main.js --id n1 --peers ... --listen ... --data ...`
 * (options in args.ts). One process per node runs a chain replica (chain.ts)
 * and a replica of the master (master.ts, on the Raft library in
 * ../../server-kit/raft/), on one HTTP port.
 */
import { join } from 'node:path'
import { fileLogger } from '../../server-kit/logger.js'
import { HttpPeerTransport, raftRoutes } from '../../server-kit/raft/peers.js'
import { RaftNode } from '../../server-kit/raft/raft.js'
import { RaftStorage } from '../../server-kit/raft/storage.js'
import { serveApp } from '../../server-kit/serve.js'
import { parseArgs } from './args.js'
import { ChainNode } from './chain.js'
import { ConfigRegister, Master, type ConfigChange } from './master.js'
import { chainRoutes } from './routes.js'
import { Storage } from './storage.js'

serveApp('chain-kv', parseArgs, (config, logger) => {
  const masterLogger = fileLogger(`${config.id} [master]`, config.log)
  // The master's Raft replica keeps its own files beside the chain's.
  const raftStorage = new RaftStorage<ConfigChange>(join(config.data, 'master'), { persistVote: true })
  const register = new ConfigRegister()
  const raftOptions = {
    id: config.id,
    peers: [...config.peers.keys()].filter((p) => p !== config.id),
    electionMs: config.electionMs,
    heartbeatMs: Math.max(20, Math.round(config.electionMs.min / 6)),
    snapshotEvery: 200,
    maxBatch: 100,
    requestTimeoutMs: config.requestTimeoutMs,
  }
  const raft = new RaftNode(raftOptions, register, raftStorage, new HttpPeerTransport<ConfigChange>(config.peers, Math.max(200, config.electionMs.min)), masterLogger)
  const masterStatus = (): { role: string; term: number; leader: string | null } => {
    const s = raft.status()
    return { role: s.role, term: s.term, leader: s.leader }
  }
  const chainOptions = { id: config.id, addresses: config.peers, leaseMs: config.leaseMs, requestTimeoutMs: config.requestTimeoutMs, bug: config.bug, masterStatus }
  const chain = new ChainNode(chainOptions, new Storage(join(config.data, 'chain')), logger)
  const masterOptions = { id: config.id, addresses: config.peers, heartbeatMs: config.heartbeatMs, failMs: config.failMs, rejoinMs: config.rejoinMs }
  const master = new Master(masterOptions, raft, register, masterLogger)
  return {
    status: () => chain.status(),
    routes: { ...raftRoutes(raft), ...chainRoutes(chain) },
    refusal: (error, message) => chain.refuse(error, message),
    start: () => {
      chain.start()
      raft.start()
      master.start()
    },
    stop: () => {
      master.stop()
      raft.stop()
      chain.stop()
      raftStorage.close()
    },
  }
})
