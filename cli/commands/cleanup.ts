/**
 * `dstest cleanup`: removes what killed runs left behind. Docker: containers,
 * networks and control folders, found by their dstest.run label. SSH (with the
 * same host flags as `dstest run`): processes, iptables chains, qdiscs and run
 * folders on the hosts, found by the run's marks.
 */
import type { CommandModule } from 'yargs'
import { ExitCode } from '../../core/errors.js'
import { parseSpec } from '../../core/spec.js'
import { resolveRuntime, sshRuntime } from '../../run/runtimes.js'
import { yargsOptions } from '../flag-docs.js'
import { runFlags } from './run-options.js'

/** The SSH flags of `dstest run`, which name the hosts and how to log in. */
const sshFlags = runFlags.filter((f) => f.group === 'SSH' && f.name !== 'ssh-real-clock')
const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

type Args = Record<string, unknown> & { run?: string; runtime?: string }

export function cleanupCommand(setExit: (code: number) => void): CommandModule<object, Args> {
  return {
    command: 'cleanup',
    describe: 'remove what killed runs left behind: containers, networks and control folders (docker, by their dstest.run label); processes, iptables chains, qdiscs and run folders on the hosts (ssh, by the run\'s marks)',
    builder: (y) =>
      y
        .option('run', { type: 'string', describe: 'only this run id (default: every dstest run, including running ones)' })
        .option('runtime', { type: 'string', choices: ['docker', 'ssh'], describe: 'where the runs were', default: 'docker' })
        .options(yargsOptions(sshFlags)),
    handler: async (argv) => {
      const runtime =
        argv.runtime === 'ssh'
          ? await sshRuntime(parseSpec(Object.fromEntries(sshFlags.map((f) => [camel(f.name), argv[f.name]]).filter(([, v]) => v !== undefined))))
          : await resolveRuntime('docker')
      const { removed } = await runtime.cleanup(argv.run)
      process.stdout.write(removed.length ? `removed ${removed.length}:\n${removed.map((r) => `  ${r}`).join('\n')}\n` : 'nothing to remove\n')
      setExit(ExitCode.valid)
    },
  }
}
