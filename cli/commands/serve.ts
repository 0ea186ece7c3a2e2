/**
 * `dstest serve [store]`: a local web view of the store (report/serve/): every
 * run with its time, target, workload, nemesis, seed and verdict, each opening
 * its report and files. Read-only; 127.0.0.1 unless --host says otherwise.
 * Runs until Ctrl-C (or SIGTERM), then closes every connection and exits 130.
 */
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { CommandModule } from 'yargs'
import { DstestError, ExitCode, UsageError } from '../../core/errors.js'

interface ServeArgs {
  store: string
  host: string
  port: number
}

export function serveCommand(setExit: (code: number) => void): CommandModule<object, ServeArgs> {
  return {
    command: 'serve [store]',
    describe: 'browse the stored runs and their reports in a web browser (read-only, 127.0.0.1:8080 by default)',
    builder: (y) =>
      y
        .positional('store', { type: 'string', default: 'store', describe: 'the store folder' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (another than 127.0.0.1 lets other machines read the store)' })
        .option('port', { type: 'number', default: 8080, describe: 'port to listen on (0: any free port)' }) as never,
    handler: async (argv) => {
      const store = resolve(argv.store)
      if (!existsSync(store) || !statSync(store).isDirectory()) {
        throw new DstestError('E_NOT_FOUND', `no store folder at ${argv.store}`, { fix: 'pass the folder `dstest run --store` wrote to (default: store)' })
      }
      if (!Number.isInteger(argv.port) || argv.port < 0 || argv.port > 65535) throw new UsageError(`--port ${argv.port} is not a port`, 'pass 0..65535 (0: any free port)')
      const { serveStore } = await import('../../report/serve/server.js')
      let server
      try {
        server = await serveStore({ store, host: argv.host, port: argv.port })
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (code === 'EADDRINUSE') throw new UsageError(`${argv.host}:${argv.port} is in use`, 'pass another --port (0 picks a free one)')
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EINVAL') throw new UsageError(`cannot listen on --host ${argv.host}`, 'pass an address of this machine, e.g. 127.0.0.1')
        if (code === 'EACCES') throw new UsageError(`not allowed to listen on port ${argv.port}`, 'pass a port above 1023, or 0')
        throw e
      }
      process.stdout.write(`dstest serve: ${server.url} (store ${store}; read-only; Ctrl-C stops it)\n`)
      const signal = await new Promise<NodeJS.Signals>((done) => {
        process.once('SIGINT', done)
        process.once('SIGTERM', done)
      })
      await server.close()
      process.stderr.write(`dstest serve: ${signal}: stopped\n`)
      setExit(ExitCode.interrupted)
    },
  }
}
