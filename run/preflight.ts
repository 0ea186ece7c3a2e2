/**
 * Pre-flight: everything that can be refused before a cluster starts. The
 * spec (flags over config file over defaults), the target, the workload and
 * whether the target has a client for it and implements the operations it
 * invokes, the workload's options, the bug mode, the runtime, the nemesis
 * (and whether clock faults can reach the target), and the output paths.
 * Bad input is a typed error (exit 3) here, a fault that cannot reach the
 * target exit 4, never a failure half-way through a run.
 */
import { DstestError, UsageError, isDstestError } from '../core/errors.js'
import { freshSeed } from '../core/random.js'
import { resolveSpec, type TestSpec } from '../core/spec.js'
import { testNameProblem } from '../core/store.js'
import type { Target } from '../targets/target.js'
import type { Workload } from '../workloads/workload.js'
import { checkClockSupport, validateNemesis } from './nemeses.js'
import { checkOutputPaths } from './outputs.js'
import { loadTarget, loadWorkload, looksLikePath, targetWorkloadNames } from './registry.js'

/** A test that passed pre-flight: what `runSeries` and `--dry-run` need. */
export interface PreparedRun {
  spec: TestSpec
  target: Target
  workload: Workload
  /** The store folder's name: --name, else `<target>-<workload>`. */
  testName: string
  runtimeName: string
  /** --seed, or a fresh one; run i of --test-count uses firstSeed + i. */
  firstSeed: number
  /** Absolute paths of the modules the target and workload came from (test.json keeps them for `dstest check`). */
  modules: { target?: string; workload?: string }
  /** The --config file the spec was read from, if any (the replay command names it). */
  configPath?: string | undefined
}

export interface PreflightOptions {
  /** `--dry-run` writes nothing: the output paths are not checked. */
  dryRun?: boolean
}

/** A workload refuses bad `workloadOptions` when it builds its checkers: that happens here, before any cluster starts. */
function checkWorkloadOptions(workload: Workload, spec: TestSpec): void {
  const nodes = Array.from({ length: spec.nodes }, (_, i) => `n${i + 1}`)
  try {
    workload.checkers({ concurrency: spec.concurrency, nodes, options: spec.workloadOptions })
  } catch (e) {
    if (isDstestError(e)) throw e
    throw new UsageError(e instanceof Error ? e.message : String(e), 'fix workloadOptions in the config file')
  }
}

/** `flags`: the spec keys the user gave on the command line (undefined for the others). */
export async function preflight(flags: Record<string, unknown>, configPath: string | undefined, options: PreflightOptions = {}): Promise<PreparedRun> {
  const spec = resolveSpec(flags, configPath)
  const loadedTarget = await loadTarget(spec.target)
  const { target } = loadedTarget
  const loadedWorkload = await loadWorkload(spec.workload, loadedTarget)
  const { workload } = loadedWorkload
  // A workload given by path brings its own client operations: no name check.
  const served = await targetWorkloadNames(loadedTarget)
  if (!(spec.workload !== undefined && looksLikePath(spec.workload)) && !served.includes(workload.name)) {
    throw new DstestError('E_UNKNOWN_NAME', `target ${target.name} has no client for workload '${workload.name}'`, {
      fix: `choose one of: ${served.join(', ')}`,
    })
  }
  const missing = workload.operations.filter((f) => !target.operations.includes(f))
  if (missing.length > 0) {
    throw new UsageError(
      `target ${target.name} does not implement ${missing.join(', ')}, which workload '${workload.name}' needs (it implements ${target.operations.join(', ')})`,
      'choose a target that implements them, or another workload (see `dstest list`)',
    )
  }
  if (spec.bug !== undefined && !(target.bugs && spec.bug in target.bugs)) {
    const bugs = Object.keys(target.bugs ?? {})
    throw new DstestError('E_UNKNOWN_NAME', `unknown bug '${spec.bug}' for target ${target.name}`, {
      fix: bugs.length ? `choose one of: ${bugs.join(', ')}` : `${target.name} has no bug modes`,
    })
  }
  checkWorkloadOptions(workload, spec)
  const runtimeName = spec.runtime ?? target.runtimes?.[0] ?? 'docker'
  if (target.runtimes && !target.runtimes.includes(runtimeName)) {
    throw new UsageError(`target ${target.name} cannot run on the ${runtimeName} runtime`, `use --runtime ${target.runtimes.join(' or ')}`)
  }
  validateNemesis(spec, runtimeName)
  checkClockSupport(spec, target, runtimeName)
  // A target or workload loaded from a file names itself: its name must make a store folder too.
  const testName = spec.name ?? `${target.name}-${workload.name}`
  const nameProblem = testNameProblem(testName)
  if (nameProblem) throw new UsageError(`cannot name the test after target ${target.name} and workload ${workload.name}: ${nameProblem}`, 'pass --name NAME')
  if (!options.dryRun) checkOutputPaths(spec)
  const modules = {
    ...(loadedTarget.module ? { target: loadedTarget.module } : {}),
    ...(loadedWorkload.module ? { workload: loadedWorkload.module } : {}),
  }
  return { spec, target, workload, testName, runtimeName, firstSeed: spec.seed ?? freshSeed(), modules, configPath }
}
