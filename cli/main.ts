#!/usr/bin/env node
/**
 * dstest's command line. Commands parse and print; the one catch below turns a
 * typed error into a one-line message and its exit code (DESIGN.md "Exit codes").
 */
import yargs from 'yargs'
import { hideBin } from 'yargs/helpers'
import { ExitCode, isDstestError } from '../core/errors.js'
import { VERSION } from '../run/version.js'
import { runCommand } from './commands/run.js'
import { checkCommand } from './commands/check.js'
import { listCommand } from './commands/list.js'
import { doctorCommand } from './commands/doctor.js'
import { cleanupCommand } from './commands/cleanup.js'
import { imageCommand } from './commands/image.js'
import { reportCommand } from './commands/report.js'
import { serveCommand } from './commands/serve.js'
import { initCommand } from './commands/init.js'

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0
  const setExit = (code: number): void => {
    exitCode = code
  }
  const parser = yargs(argv)
    .scriptName('dstest')
    .usage('$0 <command> [options]\n\nJepsen-style fault-injection testing: real clusters, a seeded nemesis, checked histories.')
    .command(runCommand(setExit))
    .command(checkCommand(setExit))
    .command(listCommand(setExit))
    .command(doctorCommand(setExit))
    .command(cleanupCommand(setExit))
    .command(imageCommand(setExit))
    .command(reportCommand(setExit))
    .command(serveCommand(setExit))
    .command(initCommand(setExit))
    .example('$0 run --target raft-kv --nemesis partition', 'a 5-node Raft cluster in Docker, partitioned every 10 s for 60 s')
    .example('$0 run --target memory --time-limit 10', 'a 10-second in-process demo (no Docker)')
    .example('$0 check store/latest', 're-check the newest stored run')
    .example('$0 check history.edn --checker linearizable --model cas-register', 'check a Jepsen history')
    .example('$0 serve', 'browse the stored runs and their reports at http://127.0.0.1:8080/')
    .example('$0 init my-test', 'start a project that tests a system of your own')
    .demandCommand(1, 'name a command: run, check, list, ... (see --help)')
    .strict()
    .recommendCommands()
    .version(VERSION)
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err
      // Bad flags and arguments: one line with the fix, exit 3 (yargs' own messages may span lines).
      process.stderr.write(`dstest: ${msg.replace(/\s*\n\s*/g, ' ')} (see \`dstest --help\`)\n`)
      exitCode = ExitCode.badInput
      throw new ParseFailed()
    })
  try {
    await parser.parseAsync()
  } catch (e) {
    if (e instanceof ParseFailed) return ExitCode.badInput
    if (isDstestError(e)) {
      process.stderr.write(`dstest: ${e.toLine()}\n`)
      return e.exitCode
    }
    process.stderr.write(internalErrorLine(e))
    return ExitCode.environment
  }
  return exitCode
}

class ParseFailed extends Error {}

/**
 * A bug in dstest, as one line: no input may put a stack trace in front of a
 * user. DSTEST_DEBUG=1 prints the stack for a bug report.
 */
function internalErrorLine(e: unknown): string {
  const message = (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).replace(/\s*\n\s*/g, ' ')
  if (process.env.DSTEST_DEBUG && e instanceof Error && e.stack) return `dstest: internal error: ${e.stack}\n`
  return `dstest: internal error (a bug in dstest): ${message}: rerun with DSTEST_DEBUG=1 for the stack trace and report it\n`
}

// Output piped into `head`, or the reader went away: stop writing, but never
// exit on the spot. A run in progress must still heal its faults and remove
// its cluster; it ends by itself.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return
    throw e
  })
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(internalErrorLine(e))
    process.exitCode = ExitCode.environment
  },
)
