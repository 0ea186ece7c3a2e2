/** `dstest check`: re-runs checkers on a stored run or a history file, offline. */
import { existsSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import { compose, type CheckResult, type Checker, type Validity } from '../checkers/checker.js'
import { DstestError, UsageError } from '../core/errors.js'
import { HistoryWriter } from '../core/history/jsonl.js'
import { historyFile, type HistorySource } from '../core/history/source.js'
import { createRunDir, openRunDir, type RunDir } from '../core/store.js'
import { namedChecker } from './checker-registry.js'
import type { Workload } from '../workloads/workload.js'
import { loadTarget, loadWorkload, looksLikePath, type LoadedTarget } from './registry.js'
import { openHistoryFile } from './history-input.js'
import { writeReport } from './report-writer.js'
import { exitCodeFor } from './test-run.js'

export interface CheckRequest {
  checker?: string | undefined
  model?: string | undefined
  consistency?: 'linearizable' | 'sequential' | undefined
  workload?: string | undefined
  store: string
  timeLimitSeconds?: number | undefined
  /** Values are [key, v]: check each key on its own. */
  independent?: boolean | undefined
  /** Checker options (`--option name=value`). */
  options?: Readonly<Record<string, unknown>> | undefined
  /** Transactional checkers: the consistency models the history must satisfy. */
  consistencyModels?: string[] | undefined
}

export interface CheckOutcome {
  valid: Validity
  exitCode: number
  ops: number
  runDir: string
  warnings: string[]
  results: CheckResult
  checkers: Record<string, CheckResult & { explanation?: string }>
}

export async function checkPath(path: string, req: CheckRequest): Promise<CheckOutcome> {
  if (!existsSync(path)) {
    throw new DstestError('E_NOT_FOUND', `no such file or folder: ${path}`, { fix: 'pass a history file or a run folder such as store/latest' })
  }
  // The history is read from disk as the checkers need it, never held whole
  // (except a Jepsen file, imported whole): DESIGN.md "Memory".
  const warnings: string[] = []
  const onWarning = (w: string): void => void warnings.push(w)
  let runDir: RunDir | undefined
  let source: HistorySource
  let test: Record<string, unknown> = {}
  let format = 'jsonl'
  if (statSync(path).isDirectory()) {
    runDir = openRunDir(path)
    source = historyFile(runDir.file('history'), { onWarning })
    test = runDir.readJson<Record<string, unknown>>('test') ?? {}
  } else {
    if (!req.checker && !req.workload) {
      throw new UsageError(`a bare history file needs a checker`, 'pass --checker NAME (see `dstest list checkers`) or --workload NAME')
    }
    ;({ format, source } = await openHistoryFile(path, onWarning))
    test = { name: basename(path), source: path, seed: null, spec: { checker: req.checker, model: req.model }, startedAt: new Date().toISOString() }
  }

  const spec = (test.spec ?? {}) as Record<string, unknown>
  const checkers = await chooseCheckers(req, spec, format, (test.modules ?? {}) as RecordedModules)
  const concurrency = typeof spec.concurrency === 'number' ? spec.concurrency : 1
  const nodes = Array.isArray(test.nodes) ? (test.nodes as { name: string }[]).map((n) => n.name) : []
  // One pass feeds the folds (and refuses a malformed file, exit 3) before a bare file gets a run folder.
  const fold = compose(checkers).fold({ concurrency, nodes })
  let ops = 0
  for await (const block of source.blocks()) {
    for (const op of block) fold.add(op)
    ops += block.length
  }
  const results = await fold.finish(source)
  if (!runDir) {
    runDir = createRunDir(req.store, `check-${basename(path).replace(/[^A-Za-z0-9._-]/g, '_')}`)
    const writer = new HistoryWriter(runDir.file('history'))
    for await (const block of source.blocks()) for (const op of block) writer.append(op)
    writer.close()
    runDir.writeJson('test', test)
  }
  runDir.writeJson('results', results)
  await writeReport(runDir.path).catch((e: unknown) => warnings.push(`could not write report.html: ${String(e)}`))
  return {
    valid: results.valid,
    exitCode: exitCodeFor(results.valid),
    ops,
    runDir: runDir.path,
    warnings,
    results,
    checkers: (results.checkers ?? {}) as CheckOutcome['checkers'],
  }
}

/** test.json's `modules`: where a run's target and workload came from when they were files. */
interface RecordedModules {
  target?: string
  workload?: string
}

async function chooseCheckers(req: CheckRequest, spec: Record<string, unknown>, format: string, modules: RecordedModules): Promise<Record<string, Checker>> {
  if (req.checker) {
    const options = {
      model: req.model,
      consistency: req.consistency,
      timeLimitSeconds: req.timeLimitSeconds,
      independent: req.independent,
      options: req.options,
      consistencyModels: req.consistencyModels,
      // Jepsen and Knossos histories write a read that returned nothing usable as nil.
      nilReadIsUnknown: format === 'edn' || format === 'json',
    }
    return { [req.checker]: namedChecker(req.checker, options) }
  }
  const workload = await recordedWorkload(req.workload, spec, modules)
  const concurrency = typeof spec.concurrency === 'number' ? spec.concurrency : 1
  const options = (spec.workloadOptions ?? {}) as Record<string, unknown>
  return workload.checkers({ concurrency, nodes: [], options })
}

/**
 * The workload a stored run was checked with: --workload if given; else the
 * module file it came from; else its name, among the workloads of its target
 * (loaded again from its file when it was one) and the bundled ones.
 */
async function recordedWorkload(given: string | undefined, spec: Record<string, unknown>, modules: RecordedModules): Promise<Workload> {
  if (given !== undefined && looksLikePath(given)) return (await loadWorkload(given)).workload
  if (given === undefined && modules.workload !== undefined) return (await loadRecorded(modules.workload, 'workload', () => loadWorkload(modules.workload))).workload
  const name = given ?? (typeof spec.workload === 'string' ? spec.workload : undefined)
  let target: LoadedTarget | undefined
  // A workload named on the command line needs no target that is gone: a bundled one of that name will do.
  if (modules.target !== undefined && !(given !== undefined && !existsSync(modules.target))) {
    target = await loadRecorded(modules.target, 'target', () => loadTarget(modules.target!), name)
  }
  else if (typeof spec.target === 'string') target = await loadTarget(spec.target).catch(() => undefined)
  if (name === undefined && target === undefined) throw new UsageError('cannot tell which checkers to run', 'pass --checker NAME or --workload NAME')
  try {
    return (await loadWorkload(name, target)).workload
  } catch (e) {
    if (!(e instanceof DstestError) || e.code !== 'E_UNKNOWN_NAME') throw e
    throw new DstestError('E_UNKNOWN_NAME', `this run's workload '${name}' is neither bundled nor one of its target's`, {
      fix: 'pass --workload PATH (the module it came from) or --checker NAME',
    })
  }
}

/** Loads a module a run recorded; one that is gone or broken is named with the way out. */
async function loadRecorded<T>(path: string, kind: 'target' | 'workload', load: () => Promise<T>, workload?: string): Promise<T> {
  if (!existsSync(path)) {
    const fix =
      kind === 'workload' || workload === undefined
        ? 'pass --workload PATH (where it is now) or --checker NAME'
        : `pass --workload with its workload '${workload}' (a bundled name, or the path of its module) or --checker NAME`
    throw new DstestError('E_NOT_FOUND', `this run's ${kind} came from ${path}, which is no longer there`, { fix })
  }
  return load()
}
