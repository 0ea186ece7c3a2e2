/**
 * `dstest check`: re-runs checkers on a stored run or a history file, offline.
 *
 * A stored run's own results.json and report.html are what the run found and
 * are never rewritten: a re-check writes its analysis beside them, in
 * `<run>/analyses/<stamp>/` (results.json, report.html, a copy of test.json
 * saying what was checked). A history file's results go to
 * `<store>/check-<file>/<stamp>/`. Either folder is written only once the
 * checkers have finished, under a dot name, and renamed into place when
 * complete; neither moves store/latest.
 */
import { copyFileSync, existsSync, linkSync, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { CheckResult, Checker, Validity } from '../checkers/checker.js'
import { DstestError, UsageError } from '../core/errors.js'
import { HistoryWriter } from '../core/history/jsonl.js'
import { historyFile, historyOfOps, type HistorySource } from '../core/history/source.js'
import { ensureFolder, openRunDir, PendingDir, probeWritable, STORE_FILES, testNameProblem, updateLatest } from '../core/store.js'
import { namedChecker } from './checker-registry.js'
import type { Workload } from '../workloads/workload.js'
import { foldHistoryCheck } from './check-history.js'
import { openHistoryFile } from './history-input.js'
import { IndependentShape } from './independent-shape.js'
import { loadTarget, loadWorkload, looksLikePath, type LoadedTarget } from './registry.js'
import { writeReport } from './report-writer.js'
import { exitCodeFor } from './test-run.js'

export interface CheckRequest {
  checker?: string | undefined
  model?: string | undefined
  consistency?: 'linearizable' | 'sequential' | undefined
  workload?: string | undefined
  store: string
  timeLimitSeconds?: number | undefined
  /** Values are [key, v]: check each key on its own. False: the user said they are not. */
  independent?: boolean | undefined
  /** Checker options (`--option name=value`). */
  options?: Readonly<Record<string, unknown>> | undefined
  /** Transactional checkers: the consistency models the history must satisfy. */
  consistencyModels?: string[] | undefined
  /** Told what is about to be checked, once the history is read and the checkers chosen. */
  onStart?: (info: CheckStart) => void
  /**
   * Runs the writing of the results (the CLI holds Ctrl-C back meanwhile, so
   * the folder is written whole or not at all). Default: just runs it.
   */
  guardWrites?: <T>(write: () => Promise<T>) => Promise<T>
}

export interface CheckStart {
  path: string
  clientOperations: number
  records: number
  checkers: string[]
}

export interface CheckOutcome {
  valid: Validity
  exitCode: number
  /** Client operations in the history (an invocation and its completion are one). */
  clientOperations: number
  /** Lines of the history (invocations, completions and nemesis records). */
  records: number
  /** Where the results were written. */
  outputDir: string
  /** The stored run that was re-checked (its own results untouched), when a run folder was given. */
  run: string | undefined
  warnings: string[]
  results: CheckResult
  checkers: Record<string, CheckResult & { explanation?: string }>
}

/** The longest --time-limit a timer can keep (Node fires longer ones at once). */
const MAX_TIME_LIMIT_S = 2_000_000

export async function checkPath(path: string, req: CheckRequest): Promise<CheckOutcome> {
  const limit = req.timeLimitSeconds
  if (limit !== undefined && !(limit > 0 && limit <= MAX_TIME_LIMIT_S)) {
    throw new UsageError(`--time-limit must be a number of seconds above 0 and at most ${MAX_TIME_LIMIT_S} (got ${String(limit)})`, 'pass e.g. --time-limit 60, or leave it out for no limit')
  }
  let stat
  try {
    stat = statSync(path)
  } catch {
    throw new DstestError('E_NOT_FOUND', `no such file or folder: ${path}`, { fix: 'pass a history file or a run folder such as store/latest' })
  }
  if (!stat.isDirectory() && !stat.isFile()) {
    throw new DstestError('E_NOT_FOUND', `${path} is neither a history file nor a run folder`, { fix: 'pass a history file or a run folder such as store/latest' })
  }

  // The history is read from disk as the checkers need it, never held whole
  // (except a Jepsen file, imported whole): DESIGN.md "Memory".
  const warnings: string[] = []
  const onWarning = (w: string): void => void warnings.push(w)
  let source: HistorySource
  let test: Record<string, unknown> = {}
  let format = 'jsonl'
  let runPath: string | undefined
  let fileName: string | undefined
  if (stat.isDirectory()) {
    const run = openRunDir(path)
    runPath = run.path
    source = historyFile(run.file('history'), { onWarning })
    test = run.readJson<Record<string, unknown>>('test') ?? {}
  } else {
    if (!req.checker && !req.workload) {
      throw new UsageError(`a bare history file needs a checker`, 'pass --checker NAME (see `dstest list checkers`) or --workload NAME')
    }
    fileName = `check-${basename(path).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]+/, '')}`.slice(0, 64)
    if (testNameProblem(fileName)) fileName = 'check-history'
    // Refuse a store that cannot take the results before spending time on the check.
    ensureFolder(req.store, `--store ${req.store}`)
    probeWritable(resolve(req.store), `--store ${req.store}`)
    ;({ format, source } = await openHistoryFile(path, onWarning))
    test = { name: basename(path), source: path, seed: null, spec: { checker: req.checker, model: req.model }, startedAt: new Date().toISOString() }
  }

  const spec = (test.spec ?? {}) as Record<string, unknown>
  const checkers = await chooseCheckers(req, spec, format, (test.modules ?? {}) as RecordedModules)
  const concurrency = typeof spec.concurrency === 'number' ? spec.concurrency : 1
  const nodes = Array.isArray(test.nodes) ? (test.nodes as { name: string }[]).map((n) => n.name) : []
  // One pass feeds the folds, counts the client operations and looks at the
  // values' shape (a malformed file is refused here, exit 3); the checkers
  // finish after it, once the count is shown and the shape accepted.
  const check = foldHistoryCheck(checkers, { concurrency, nodes })
  const shape = req.checker === 'linearizable' && req.independent === undefined ? new IndependentShape() : undefined
  for await (const block of source.blocks()) {
    for (const op of block) {
      check.add(op)
      shape?.add(op)
    }
  }
  const pairs = shape?.result()
  if (pairs) {
    // The fold is finished (and its workers ended) before the refusal; its result is not used.
    await check.finish(historyOfOps([])).catch(() => undefined)
    throw new UsageError(
      `every client operation's value is a [key, value] pair (${pairs}): checked as one object, keys would be taken for values`,
      'pass --independent to check each key on its own, or --no-independent if the values really are pairs',
    )
  }
  const clientOps = check.counted.value
  const records = check.counted.records
  req.onStart?.({ path, clientOperations: clientOps, records, checkers: Object.keys(checkers) })
  const results = await check.finish(source)

  // Nothing was written so far: an interrupted check leaves nothing behind.
  const guard = req.guardWrites ?? (<T>(write: () => Promise<T>) => write())
  const outputDir = await guard(async () => {
    const parent = runPath !== undefined ? resolve(runPath, STORE_FILES.analyses) : resolve(req.store, fileName!)
    const pending = PendingDir.begin(parent, runPath !== undefined ? `the analysis folder of ${path}` : `--store ${req.store}`)
    try {
      const checked = { at: new Date().toISOString(), checkers: Object.keys(checkers), request: requestOf(req) }
      if (runPath !== undefined) {
        // The run's facts, and what this analysis checked: the report of the analysis reads them from here.
        pending.dir.writeJson('test', { ...test, analysis: { ...checked, of: runPath } })
        // The report reads the history beside it: the run's own, linked (a copy where links cannot be made).
        shareFile(resolve(runPath, STORE_FILES.history), pending.dir.file('history'))
      } else {
        const writer = new HistoryWriter(pending.dir.file('history'))
        for await (const block of source.blocks()) for (const op of block) writer.append(op)
        writer.close()
        pending.dir.writeJson('test', { ...test, analysis: checked })
      }
      pending.dir.writeJson('results', results)
      await writeReport(pending.path).catch((e: unknown) => warnings.push(`could not write report.html: ${e instanceof Error ? e.message : String(e)}`))
      const final = pending.commit()
      if (runPath === undefined) updateLatest(req.store, fileName!, final, 'test')
      return final
    } finally {
      pending.discard()
    }
  })
  return {
    valid: results.valid,
    exitCode: exitCodeFor(results.valid),
    clientOperations: clientOps,
    records,
    outputDir,
    run: runPath,
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

function requestOf(req: CheckRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of ['checker', 'model', 'consistency', 'workload', 'timeLimitSeconds', 'independent', 'options', 'consistencyModels'] as const) {
    if (req[k] !== undefined) out[k] = req[k]
  }
  return out
}

async function chooseCheckers(
  req: CheckRequest,
  spec: Record<string, unknown>,
  format: string,
  modules: RecordedModules,
): Promise<Record<string, Checker>> {
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

/** `to` with the contents of `from`, which no one rewrites: a hard link, or a copy across filesystems. */
function shareFile(from: string, to: string): void {
  try {
    linkSync(from, to)
  } catch {
    copyFileSync(from, to)
  }
}
