/**
 * `dstest run` after pre-flight: the runtime, then the test `--test-count`
 * times (seeds firstSeed, firstSeed + 1, ...), each run's outputs as soon as
 * it ends, and the --junit file over all of them. Stops after an interrupted
 * run. Signals are the caller's: it aborts `signal`.
 */
import { ExitCode } from '../core/errors.js'
import { hasImage } from '../targets/target.js'
import { writeJunitFile, writeRunOutputs } from './outputs.js'
import type { PreparedRun } from './preflight.js'
import { resolveRuntime } from './runtimes.js'
import { runTest, type RunDeps, type RunOutcome } from './test-run.js'

export async function runSeries(prepared: PreparedRun, io: Pick<RunDeps, 'reporter' | 'signal' | 'onResources'>): Promise<RunOutcome[]> {
  const { spec, target } = prepared
  const layer = hasImage(target) ? await target.imageLayer() : undefined
  // A first package image takes about a minute to build: say what is going on.
  const runtime = await resolveRuntime(prepared.runtimeName, { layer, spec, progress: (m) => io.reporter.warn(m) })
  const outcomes: RunOutcome[] = []
  try {
    for (let i = 0; i < spec.testCount; i++) {
      const seed = (prepared.firstSeed + i) >>> 0
      const outcome = await runTest(prepared, seed, { runtime, ...io }, i + 1)
      await writeRunOutputs(spec, prepared.testName, outcome, io.reporter)
      outcomes.push(outcome)
      if (outcome.exitCode === ExitCode.interrupted || io.signal.aborted) break
    }
  } finally {
    io.reporter.summary?.(outcomes)
  }
  if (spec.junit) writeJunitFile(spec.junit, prepared.testName, outcomes, io.reporter)
  return outcomes
}

/** Across runs: interrupted > harness error > anomaly > unknown > valid. */
export function worstExit(outcomes: readonly RunOutcome[]): number {
  const order = [ExitCode.interrupted, ExitCode.environment, ExitCode.badInput, ExitCode.anomaly, ExitCode.unknown, ExitCode.valid]
  for (const code of order) if (outcomes.some((o) => o.exitCode === code)) return code
  return ExitCode.valid
}
