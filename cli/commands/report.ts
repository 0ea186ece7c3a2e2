/** `dstest report <run>`: rebuilds report.html for a stored run and prints its path. */
import type { CommandModule } from 'yargs'
import { ExitCode } from '../../core/errors.js'

export function reportCommand(setExit: (code: number) => void): CommandModule<object, { path: string }> {
  return {
    command: 'report <path>',
    describe: 'rebuild report.html for a stored run (e.g. store/latest) and print its path',
    builder: (y) => y.positional('path', { type: 'string', demandOption: true }),
    handler: async (argv) => {
      const { openRunDir } = await import('../../core/store.js')
      const { writeReport } = await import('../../run/report-writer.js')
      const path = await writeReport(openRunDir(argv.path).path)
      process.stdout.write(`${path}\n`)
      setExit(ExitCode.valid)
    },
  }
}
