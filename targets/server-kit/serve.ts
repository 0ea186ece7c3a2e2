/**
 * The life of a bundled server process inside a node: parse its command line
 * (exit 2 on a bad one), open its log, build the application, bind the port,
 * then claim the pid file and start; on SIGTERM / SIGINT stop, remove the pid
 * file and exit 0; on a crash or a storage failure write why to the log
 * (nobody reads the stderr of a detached process) and exit 1, leaving the pid
 * file as a kill would.
 *
 * Only the process that owns the port starts (recovers state) and claims the
 * pid file: a second copy started by mistake exits on EADDRINUSE without
 * touching either. No request is read before `start` has run.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { dirname } from 'node:path'
import type { CommonConfig } from './args.js'
import { createJsonServer, type JsonApi } from './json-server.js'
import { fileLogger, type Logger } from './logger.js'

/** A server's application: its HTTP API, and what runs once the port is bound and on shutdown. */
export interface App extends JsonApi {
  start(): void
  /** Runs on SIGTERM / SIGINT, before the HTTP server closes. */
  stop(): void
}

/** The whole of a bundled server's main: `serveApp('raft-kv', parseArgs, (config, logger) => app)`. */
export function serveApp<Config extends CommonConfig<string>>(
  name: string,
  parse: (argv: readonly string[]) => Config,
  build: (config: Config, logger: Logger) => App,
): void {
  let config: Config
  try {
    config = parse(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n`)
    process.exit(2)
  }
  if (config.log) mkdirSync(dirname(config.log), { recursive: true })
  const logger = fileLogger(config.id, config.log)
  const app = build(config, logger)
  const server = createJsonServer(app, (err) => {
    logger.info(`storage failed, stopping: ${err.message}`)
    process.exit(1)
  })
  serve(server, app, config, logger)
}

function serve(server: Server, app: App, config: CommonConfig<string>, logger: Logger): void {
  const { listen, pidFile, bug } = config
  server.on('error', (err) => {
    logger.info(`http server failed: ${err.message}`)
    process.exit(1)
  })
  server.listen(listen.port, listen.host, () => {
    if (pidFile) {
      mkdirSync(dirname(pidFile), { recursive: true })
      writeFileSync(pidFile, `${process.pid}\n`)
    }
    app.start()
    logger.info(`listening on ${listen.host}:${listen.port}${bug ? ` with bug ${bug}` : ''}`)
  })
  const shutdown = (signal: string): void => {
    logger.info(`${signal}: shutting down`)
    app.stop()
    if (pidFile) rmSync(pidFile, { force: true })
    server.close()
    server.closeAllConnections()
    process.exit(0)
  }
  process.on('uncaughtException', (err) => {
    logger.info(`crashed: ${err.stack ?? err.message}`)
    process.exit(1)
  })
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}
