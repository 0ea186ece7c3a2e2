/**
 * raft-kv server entry point: `node main.js --id n1 --peers ... --listen ... --data ...`
 * (options in args.ts). Writes its pid file, recovers from its data folder,
 * and serves peers and clients on one HTTP port.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { serve } from '../../server-kit/serve.js'
import { parseArgs } from './args.js'
import { createHttpServer } from './http.js'
import { fileLogger } from './logger.js'
import { HttpPeerTransport } from './peers.js'
import { RaftNode } from './raft.js'
import { Storage } from './storage.js'

/** The lazy flush period of bug no-fsync. */
const NO_FSYNC_FLUSH_MS = 2000

function main(): void {
  let config
  try {
    config = parseArgs(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`raft-kv: ${(err as Error).message}\n`)
    process.exit(2)
  }
  if (config.log) mkdirSync(dirname(config.log), { recursive: true })
  const logger = fileLogger(config.id, config.log)
  const storage = new Storage(config.data, {
    persistVote: config.bug !== 'no-vote-persist',
    lazyFlushMs: config.bug === 'no-fsync' ? NO_FSYNC_FLUSH_MS : undefined,
  })
  const node = new RaftNode(
    {
      id: config.id,
      peers: [...config.peers.keys()].filter((p) => p !== config.id),
      electionMs: config.electionMs,
      heartbeatMs: config.heartbeatMs,
      snapshotEvery: config.snapshotEvery,
      maxBatch: 500,
      requestTimeoutMs: config.requestTimeoutMs,
      bug: config.bug,
    },
    storage,
    new HttpPeerTransport(config.peers, Math.max(200, config.electionMs.min)),
    logger,
  )
  serve({
    server: createHttpServer(node, { addresses: config.peers, bug: config.bug, requestTimeoutMs: config.requestTimeoutMs }),
    listen: config.listen,
    pidFile: config.pidFile,
    bug: config.bug,
    logger,
    start: () => node.start(),
    stop: () => {
      node.stop()
      storage.close()
    },
  })
}

main()
