/** `dstest cleanup`: removes what killed runs left behind, found by their dstest.run label. */
import type { CommandModule } from 'yargs'
import { ExitCode } from '../../core/errors.js'
import { resolveRuntime } from '../../run/runtimes.js'

export function cleanupCommand(setExit: (code: number) => void): CommandModule<object, { run?: string }> {
  return {
    command: 'cleanup',
    describe: 'remove containers, networks and control folders that killed runs left behind (found by their dstest.run label)',
    builder: (y) => y.option('run', { type: 'string', describe: 'only this run id (default: every dstest run, including running ones)' }),
    handler: async (argv) => {
      const runtime = await resolveRuntime('docker')
      const { removed } = await runtime.cleanup(argv.run)
      process.stdout.write(removed.length ? `removed ${removed.length}:\n${removed.map((r) => `  ${r}`).join('\n')}\n` : 'nothing to remove\n')
      setExit(ExitCode.valid)
    },
  }
}
