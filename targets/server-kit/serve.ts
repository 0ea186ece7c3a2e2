/**
 * The life of a bundled server process inside a node: bind the port, then
 * claim the pid file and start; on SIGTERM / SIGINT stop, remove the pid file
 * and exit 0; on a crash write the stack to the log (nobody reads the stderr of
 * a detached process) and exit 1.
 *
 * Only the process that owns the port starts (recovers state) and claims the
 * pid file: a second copy started by mistake exits on EADDRINUSE without
 * touching either. No request is read before `start` has run.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { dirname } from 'node:path'

export interface ServeOptions {
  server: Server
  listen: { host: string; port: number }
  pidFile: string | null
  bug: string | null
  logger: { info(message: string): void }
  /** Runs once the port is bound. */
  start(): void
  /** Runs on SIGTERM / SIGINT, before the server closes. */
  stop(): void
}

export function serve(o: ServeOptions): void {
  o.server.on('error', (err) => {
    o.logger.info(`http server failed: ${err.message}`)
    process.exit(1)
  })
  o.server.listen(o.listen.port, o.listen.host, () => {
    if (o.pidFile) {
      mkdirSync(dirname(o.pidFile), { recursive: true })
      writeFileSync(o.pidFile, `${process.pid}\n`)
    }
    o.start()
    o.logger.info(`listening on ${o.listen.host}:${o.listen.port}${o.bug ? ` with bug ${o.bug}` : ''}`)
  })
  const shutdown = (signal: string): void => {
    o.logger.info(`${signal}: shutting down`)
    o.stop()
    if (o.pidFile) rmSync(o.pidFile, { force: true })
    o.server.close()
    o.server.closeAllConnections()
    process.exit(0)
  }
  process.on('uncaughtException', (err) => {
    o.logger.info(`crashed: ${err.stack ?? err.message}`)
    process.exit(1)
  })
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}
