/**
 * `dstest run`: parse the flags, hand them to the pipeline in run/ (pre-flight,
 * then the runs), turn Ctrl-C and crashes into an abort, and print. The exit
 * code is the worst verdict over the runs.
 */
import type { CommandModule } from 'yargs'
import { DstestError, ExitCode, InterruptedError } from '../../core/errors.js'
import { planFor } from '../../run/nemeses.js'
import { preflight } from '../../run/preflight.js'
import { runSeries, worstExit } from '../../run/series.js'
import type { RunOutcome } from '../../run/test-run.js'
import { makeReporter } from '../reporters/index.js'
import { runOptions, specKeys } from './run-options.js'

type Args = Record<string, unknown>

export function runCommand(setExit: (code: number) => void): CommandModule<object, Args> {
  return {
    command: 'run',
    describe: 'run a test: cluster, workload, nemesis, history, verdict',
    builder: (y) => y.options(runOptions),
    handler: async (argv) => setExit(await run(argv)),
  }
}

async function run(argv: Args): Promise<number> {
  const flags: Record<string, unknown> = {}
  for (const k of specKeys) flags[k] = argv[k]
  const dryRun = Boolean(argv['dry-run'])
  const prepared = await preflight(flags, argv.config as string | undefined, { dryRun })
  if (dryRun) {
    process.stdout.write(planFor(prepared.spec, prepared.firstSeed))
    return ExitCode.valid
  }

  const reporter = makeReporter(prepared.spec)
  const controller = new AbortController()
  // The run whose containers a forced exit may leave behind (undefined once torn down).
  let resources: string | undefined
  let signals = 0
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++
    if (signals === 1) {
      process.stderr.write(`\ndstest: ${sig}: stopping: faults are healed, the cluster removed and what was recorded checked (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again to force)\n`)
      controller.abort(new InterruptedError(sig))
    } else {
      process.stderr.write(
        resources === undefined
          ? 'dstest: forced exit\n'
          : `dstest: forced exit: run ${resources} may have left containers behind; remove them with \`dstest cleanup --run ${resources}\`\n`,
      )
      process.exit(ExitCode.interrupted)
    }
  }
  // A crash anywhere during the run (a client or nemesis callback that throws)
  // aborts it through the same teardown as Ctrl-C, and is reported as exit 4.
  const onCrash = (e: unknown): void => {
    const message = e instanceof Error ? e.message : String(e)
    if (!controller.signal.aborted) controller.abort(new DstestError('E_INTERNAL', `internal error during the run: ${message}`))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('uncaughtException', onCrash)
  process.on('unhandledRejection', onCrash)

  let outcomes: RunOutcome[]
  try {
    outcomes = await runSeries(prepared, { reporter, signal: controller.signal, onResources: (runId) => (resources = runId) })
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('uncaughtException', onCrash)
    process.off('unhandledRejection', onCrash)
    reporter.close()
  }
  return worstExit(outcomes)
}
