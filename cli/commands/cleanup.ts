/**
 * `dstest cleanup`: removes what runs whose dstest process is gone left
 * behind (killed, or forced out with a second Ctrl-C). Docker: containers,
 * networks and control folders, found by their dstest.run label. SSH (with
 * the same host flags as `dstest run`): processes, iptables chains, qdiscs and
 * run folders on the hosts, found by the run's marks. Runs that are still
 * running, or whose owner this host cannot see, are listed and kept:
 * `--run ID` removes one of them, `--all` every one (other people's running
 * clusters on the same engine or hosts included).
 */
import type { CommandModule } from 'yargs'
import { ExitCode, UsageError } from '../../core/errors.js'
import { parseSpec } from '../../core/spec.js'
import { resolveRuntime, sshRuntime } from '../../run/runtimes.js'
import { yargsOptions } from '../flag-docs.js'
import { runFlags } from './run-options.js'

/** The SSH flags of `dstest run`, which name the hosts and how to log in. */
const sshFlags = runFlags.filter((f) => f.group === 'SSH' && f.name !== 'ssh-real-clock')
const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

type Args = Record<string, unknown> & { run?: string; name?: string; all?: boolean; runtime?: string }

export function cleanupCommand(setExit: (code: number) => void): CommandModule<object, Args> {
  return {
    command: 'cleanup',
    describe:
      "remove what runs whose dstest process is gone left behind: containers, networks and control folders (docker, by their dstest.run label); processes, iptables chains, qdiscs and run folders on the hosts (ssh, by the run's marks)",
    builder: (y) =>
      y
        .option('run', { type: 'string', describe: 'only this run id (the one a run prints first), whether its dstest runs or not' })
        .option('name', { type: 'string', describe: 'only runs of this test name (--name of dstest run)' })
        .option('all', { type: 'boolean', describe: "every dstest run's leftovers, running ones included" })
        .option('runtime', { type: 'string', choices: ['docker', 'ssh'], describe: 'where the runs were', default: 'docker' })
        .options(yargsOptions(sshFlags)),
    handler: async (argv) => {
      for (const flag of ['run', 'name'] as const) if (Array.isArray(argv[flag])) throw new UsageError(`--${flag} is given more than once`, 'pass it once')
      if (argv.run !== undefined && (argv.all || argv.name !== undefined)) throw new UsageError('--run names one run: it cannot be combined with --all or --name', 'pass --run ID alone')
      const runtime =
        argv.runtime === 'ssh'
          ? await sshRuntime(parseSpec(Object.fromEntries(sshFlags.map((f) => [camel(f.name), argv[f.name]]).filter(([, v]) => v !== undefined))))
          : await resolveRuntime('docker')
      const { removed, kept } = await runtime.cleanup({ runId: argv.run, test: argv.name, all: argv.all })
      process.stdout.write(removed.length ? `removed ${removed.length}:\n${removed.map((r) => `  ${r}`).join('\n')}\n` : 'nothing to remove\n')
      if (kept.length > 0) {
        process.stdout.write(`kept ${kept.length} run(s):\n${kept.map((k) => `  ${k.runId}: ${k.why}`).join('\n')}\n`)
        process.stdout.write('to remove one, pass --run ID; --all removes every run, running ones included\n')
      }
      setExit(ExitCode.valid)
    },
  }
}
