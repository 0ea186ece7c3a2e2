/** Commands around the Docker runtime: cleanup, doctor, image. */
import type { CommandModule } from 'yargs'
import { resolveRuntime } from '../../run/runtimes.js'

export function extraCommands(setExit: (code: number) => void): CommandModule<object, Record<string, unknown>>[] {
  return [
    {
      command: 'cleanup',
      describe: 'remove containers and networks that killed runs left behind (found by their dstest.run label)',
      builder: (y) => y.option('run', { type: 'string', describe: 'only this run id' }),
      handler: async (argv) => {
        const runtime = await resolveRuntime('docker')
        const { removed } = await runtime.cleanup(argv.run as string | undefined)
        process.stdout.write(removed.length ? `removed ${removed.length}: ${removed.join(', ')}\n` : 'nothing to remove\n')
        setExit(0)
      },
    },
  ]
}
