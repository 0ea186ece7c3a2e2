/**
 * chain-kv server entry point: `node main.js --id n1 --peers ... --listen ... --data ...`
 * (options in args.ts). One process per node runs a chain replica (chain.ts)
 * and a replica of the master (master.ts over raft-kv's Raft), on one HTTP port.
 * Writes its pid file once the port is bound, recovers from its data folder.
 */
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { serve } from '../../server-kit/serve.js'
import { fileLogger } from '../../raft-kv/server/logger.js'
import { HttpPeerTransport } from '../../raft-kv/server/peers.js'
import { RaftNode } from '../../raft-kv/server/raft.js'
import { Storage as RaftStorage } from '../../raft-kv/server/storage.js'
import { parseArgs } from './args.js'
import { ChainNode } from './chain.js'
import { createHttpServer } from './http.js'
import { Master } from './master.js'
import { Storage } from './storage.js'

function main(): void {
  let config
  try {
    config = parseArgs(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`chain-kv: ${(err as Error).message}\n`)
    process.exit(2)
  }
  if (config.log) mkdirSync(dirname(config.log), { recursive: true })
  const logger = fileLogger(config.id, config.log)
  const masterLogger = fileLogger(`${config.id} [master]`, config.log)

  // The master's Raft replica keeps its own files beside the chain's.
  const raftStorage = new RaftStorage(join(config.data, 'master'), { persistVote: true })
  const raft = new RaftNode(
    {
      id: config.id,
      peers: [...config.peers.keys()].filter((p) => p !== config.id),
      electionMs: config.electionMs,
      heartbeatMs: Math.max(20, Math.round(config.electionMs.min / 6)),
      snapshotEvery: 200,
      maxBatch: 100,
      requestTimeoutMs: config.requestTimeoutMs,
      bug: null,
    },
    raftStorage,
    new HttpPeerTransport(config.peers, Math.max(200, config.electionMs.min)),
    masterLogger,
  )
  const chain = new ChainNode(
    {
      id: config.id,
      addresses: config.peers,
      leaseMs: config.leaseMs,
      requestTimeoutMs: config.requestTimeoutMs,
      bug: config.bug,
      masterStatus: () => {
        const s = raft.status()
        return { role: s.role, term: s.term, leader: s.leader }
      },
    },
    new Storage(join(config.data, 'chain')),
    logger,
  )
  const master = new Master(
    { id: config.id, addresses: config.peers, heartbeatMs: config.heartbeatMs, failMs: config.failMs, rejoinMs: config.rejoinMs },
    raft,
    masterLogger,
  )

  serve({
    server: createHttpServer(chain, raft),
    listen: config.listen,
    pidFile: config.pidFile,
    bug: config.bug,
    logger,
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
  })
}

main()
