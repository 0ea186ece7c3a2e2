/** `dstest run`: resolve the spec, run the test (N times), print, store, exit by verdict. */
import { writeFileSync } from 'node:fs'
import type { CommandModule } from 'yargs'
import { DstestError, ExitCode, InterruptedError, UsageError } from '../../core/errors.js'
import { freshSeed } from '../../core/random.js'
import { resolveSpec, type TestSpec } from '../../core/spec.js'
import { resolveTarget, resolveWorkload } from '../../run/registry.js'
import { resolveRuntime } from '../../run/runtimes.js'
import { buildNemesisPackage, validateNemesis } from '../../run/nemeses.js'
import { runTest, type RunOutcome } from '../../run/test-run.js'
import { junitXml } from '../reporters/junit.js'
import { makeReporter } from '../reporters/index.js'
import { runOptions, specKeys } from './run-options.js'
import { writeReport } from '../../run/report-writer.js'
import { hasImage } from '../../targets/target.js'

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
  const spec = resolveSpec(flags, argv.config as string | undefined)
  const target = await resolveTarget(spec.target)
  const workloadName = spec.workload ?? target.workloads[0]
  if (!workloadName) throw new UsageError(`target ${target.name} names no workload`, 'pass --workload')
  const workload = await resolveWorkload(workloadName)
  if (!spec.workload?.includes('/') && !target.workloads.includes(workload.name)) {
    throw new DstestError('E_UNKNOWN_NAME', `target ${target.name} has no client for workload '${workload.name}'`, {
      fix: `choose one of: ${target.workloads.join(', ')}`,
    })
  }
  if (spec.bug !== undefined && !(target.bugs && spec.bug in target.bugs)) {
    const bugs = Object.keys(target.bugs ?? {})
    throw new DstestError('E_UNKNOWN_NAME', `unknown bug '${spec.bug}' for target ${target.name}`, {
      fix: bugs.length ? `choose one of: ${bugs.join(', ')}` : `${target.name} has no bug modes`,
    })
  }
  const runtimeName = spec.runtime ?? target.runtimes?.[0] ?? 'docker'
  if (target.runtimes && !target.runtimes.includes(runtimeName)) {
    throw new UsageError(`target ${target.name} cannot run on the ${runtimeName} runtime`, `use --runtime ${target.runtimes.join(' or ')}`)
  }
  validateNemesis(spec, runtimeName)
  const firstSeed = spec.seed ?? freshSeed()

  if (argv['dry-run']) {
    const { planFor } = await import('../../run/nemeses.js')
    process.stdout.write(planFor(spec, firstSeed))
    return ExitCode.valid
  }

  const runtime = await resolveRuntime(runtimeName, { layer: hasImage(target) ? target.imageLayer() : undefined })
  const reporter = makeReporter(spec)
  const controller = new AbortController()
  let signals = 0
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++
    if (signals === 1) {
      process.stderr.write(`\ndstest: ${sig}: stopping, healing faults and tearing the cluster down (Ctrl-C again to force)\n`)
      controller.abort(new InterruptedError(sig))
    } else {
      process.stderr.write('dstest: forced exit; run `dstest cleanup` to remove what is left\n')
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

  const outcomes: RunOutcome[] = []
  try {
    for (let i = 0; i < spec.testCount; i++) {
      const seed = (firstSeed + i) >>> 0
      const outcome = await runTest(
        spec,
        seed,
        {
          target,
          workload,
          runtime,
          reporter,
          signal: controller.signal,
          nemesis: (cluster, seed) => buildNemesisPackage(spec, cluster, seed, target),
        },
        i + 1,
      )
      await writeReport(outcome.runDir).catch((e: unknown) => reporter.warn(`could not write report.html: ${String(e)}`))
      if (spec.junit) writeFileSync(`${outcome.runDir}/junit.xml`, junitXml(outcome.runDir, [outcome]))
      outcomes.push(outcome)
      if (outcome.exitCode === ExitCode.interrupted || controller.signal.aborted) break
    }
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('uncaughtException', onCrash)
    process.off('unhandledRejection', onCrash)
    reporter.summary?.(outcomes)
    reporter.close()
  }
  if (spec.junit) writeFileSync(spec.junit, junitXml(spec.name ?? `${target.name}-${workload.name}`, outcomes))
  return worstExit(outcomes)
}

/** Across runs: interrupted > harness error > anomaly > unknown > valid. */
export function worstExit(outcomes: readonly RunOutcome[]): number {
  const order = [ExitCode.interrupted, ExitCode.environment, ExitCode.badInput, ExitCode.anomaly, ExitCode.unknown, ExitCode.valid]
  for (const code of order) if (outcomes.some((o) => o.exitCode === code)) return code
  return ExitCode.valid
}

export type { TestSpec }
