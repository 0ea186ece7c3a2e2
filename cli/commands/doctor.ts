/** `dstest doctor`: what this machine can do (Docker engine, iptables backend, netem, libfaketime, disk space). */
import type { CommandModule } from 'yargs'
import { ExitCode } from '../../core/errors.js'

export function doctorCommand(setExit: (code: number) => void): CommandModule<object, { json?: boolean }> {
  return {
    command: 'doctor',
    describe: 'check the environment: Docker engine, iptables backend, netem, libfaketime, disk space',
    builder: (y) => y.option('json', { type: 'boolean', describe: 'print the checks as JSON' }),
    handler: async (argv) => {
      const { doctor, worstStatus } = await import('../../control/docker/doctor.js')
      const checks = await doctor()
      if (argv.json) process.stdout.write(JSON.stringify(checks, null, 2) + '\n')
      else {
        const w = Math.max(...checks.map((c) => c.name.length))
        for (const c of checks) {
          const mark = c.status === 'ok' ? 'ok  ' : c.status === 'warn' ? 'warn' : 'FAIL'
          process.stdout.write(`${mark}  ${c.name.padEnd(w)}  ${c.detail}${c.fix && c.status !== 'ok' ? `\n      fix: ${c.fix}` : ''}\n`)
        }
      }
      setExit(worstStatus(checks) === 'fail' ? ExitCode.environment : ExitCode.valid)
    },
  }
}
