/**
 * raft-kv server entry point: `node main.js --id n1 --peers ... --listen ... --data ...`
 * (options in args.ts). Writes its pid file, recovers from its data folder,
 * and serves peers and clients on one HTTP port.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
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
  const server = createHttpServer(node, { addresses: config.peers, bug: config.bug, requestTimeoutMs: config.requestTimeoutMs })
  server.on('error', (err) => {
    logger.info(`http server failed: ${err.message}`)
    process.exit(1)
  })
  // Only the process that owns the port recovers state and claims the pid file:
  // a second copy started by mistake exits on EADDRINUSE without touching either.
  // No request is read before this callback has run.
  server.listen(config.listen.port, config.listen.host, () => {
    if (config.pidFile) {
      mkdirSync(dirname(config.pidFile), { recursive: true })
      writeFileSync(config.pidFile, `${process.pid}\n`)
    }
    node.start()
    logger.info(`listening on ${config.listen.host}:${config.listen.port}${config.bug ? ` with bug ${config.bug}` : ''}`)
  })

  const shutdown = (signal: string): void => {
    logger.info(`${signal}: shutting down`)
    node.stop()
    storage.close()
    if (config.pidFile) rmSync(config.pidFile, { force: true })
    server.close()
    server.closeAllConnections()
    process.exit(0)
  }
  // Started detached, nobody reads our stderr: a crash must reach the log file.
  process.on('uncaughtException', (err) => {
    logger.info(`crashed: ${err.stack ?? err.message}`)
    process.exit(1)
  })
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

main()
