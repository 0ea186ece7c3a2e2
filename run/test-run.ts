/**
 * One test run, step by step (DESIGN.md "A run, step by step"):
 * cluster → target setup → clients + nemesis under the generator → heal →
 * final reads → teardown → check → store. Teardown runs on every path and is
 * idempotent; the history is on disk before any of it can fail.
 */
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { mergeValidity, type CheckResult } from '../checkers/checker.js'
import { nodePath, type Cluster, type Runtime } from '../control/remote.js'
import { ExitCode, InterruptedError, isDstestError, DstestError } from '../core/errors.js'
import type { GenLike } from '../core/generator/types.js'
import { clients, nemesis as onNemesis, phases, sleep, stagger, timeLimit, any } from '../core/generator/index.js'
import { HistoryWriter } from '../core/history/jsonl.js'
import { HistoryPositions } from '../core/history/positions.js'
import { historyFile } from '../core/history/source.js'
import { Random } from '../core/random.js'
import { runGenerator } from '../core/runner.js'
import type { TestSpec } from '../core/spec.js'
import { createRunDir, type RunDir } from '../core/store.js'
import { hasLogFiles, type Target } from '../targets/target.js'
import type { Workload, WorkloadOptions } from '../workloads/workload.js'
import type { NemesisPackage } from '../nemesis/nemesis.js'
import { foldHistoryCheck, type HistoryCheck } from './check-history.js'
import { buildNemesisPackage, nemesisContext } from './nemeses.js'
import type { PreparedRun } from './preflight.js'
import type { Reporter, RunSummary } from './reporter.js'
import { VERSION } from './version.js'

export interface RunDeps {
  runtime: Runtime
  reporter: Reporter
  signal: AbortSignal
}

export interface RunOutcome extends RunSummary {
  results: CheckResult | undefined
}

export function exitCodeFor(valid: true | false | 'unknown'): number {
  return valid === true ? ExitCode.valid : valid === false ? ExitCode.anomaly : ExitCode.unknown
}

/** Runs one test with the given seed. Never throws for a failure inside the run: it is in the outcome. */
export async function runTest(prepared: PreparedRun, seed: number, deps: RunDeps, run = 1): Promise<RunOutcome> {
  const { spec, target, workload, testName } = prepared
  const { runtime, reporter, signal } = deps
  const runDir = createRunDir(spec.store, testName)
  const runId = `${testName}-${randomBytes(3).toString('hex')}`
  const startedAt = new Date()
  const t0 = Date.now()
  const random = new Random(seed)
  const nodes = Array.from({ length: spec.nodes }, (_, i) => `n${i + 1}`)

  const testJson: Record<string, unknown> = {
    name: testName,
    runId,
    seed,
    spec: { ...spec, seed, workload: workload.name, target: target.name },
    // Where a target or workload loaded from a file came from: `dstest check` loads it again.
    ...(Object.keys(prepared.modules).length > 0 ? { modules: prepared.modules } : {}),
    versions: { dstest: VERSION, node: process.version },
    host: hostname(),
    startedAt: startedAt.toISOString(),
    runtime: runtime.name,
    nodes: nodes.map((name) => ({ name })),
  }
  runDir.writeJson('test', testJson)

  reporter.start({
    testName,
    seed,
    target: target.name,
    workload: workload.name,
    nemesis: spec.nemesis,
    timeLimitSeconds: spec.timeLimit,
    runDir: runDir.path,
    run,
    runs: spec.testCount,
  })

  // The history lives on disk: the checkers fold over it as it is recorded and
  // read it back after the run, so nothing here holds it (DESIGN.md "Memory").
  const positions = new HistoryPositions()
  const writer = new HistoryWriter(runDir.file('history'), { positions })
  const checkContext = { concurrency: spec.concurrency, nodes }
  let folding: HistoryCheck | undefined
  let cluster: Cluster | undefined
  let nemesisPkg: NemesisPackage | undefined
  let targetStarted = false
  let failure: unknown
  let interrupted = false

  const teardown = async (): Promise<void> => {
    if (nemesisPkg) {
      await nemesisPkg.nemesis.heal().catch((e) => reporter.warn(`heal failed: ${text(e)}`))
      await nemesisPkg.nemesis.teardown?.().catch((e) => reporter.warn(`nemesis teardown failed: ${text(e)}`))
      nemesisPkg = undefined
    }
    if (cluster && targetStarted) {
      if (hasLogFiles(target)) await downloadLogs(cluster, target, runDir, reporter)
      await target.teardown(cluster).catch((e) => reporter.warn(`target teardown failed: ${text(e)}`))
      targetStarted = false
    }
    if (cluster) {
      const c = cluster
      cluster = undefined
      await c.destroy().catch((e) => reporter.warn(`cluster teardown failed: ${text(e)}`))
    }
  }

  try {
    folding = foldHistoryCheck(workload.checkers({ concurrency: spec.concurrency, nodes, options: spec.workloadOptions }), checkContext)
    checkAborted(signal)
    reporter.phase('cluster')
    cluster = await runtime.createCluster({ runId, nodes: spec.nodes })
    testJson.nodes = cluster.nodes
    runDir.writeJson('test', testJson)
    checkAborted(signal)
    reporter.phase('setup')
    targetStarted = true
    const targetOptions = { bug: spec.bug, options: spec.targetOptions, workload: { name: workload.name, options: spec.workloadOptions } }
    await target.setup(cluster, targetOptions)
    checkAborted(signal)
    // One context for the schedule and the nemesis: what a fault draws when it
    // is applied comes from the schedule's own stream, not the clients'.
    const context = nemesisContext(cluster, seed, target)
    nemesisPkg = buildNemesisPackage(spec, target, context, targetOptions)
    await nemesisPkg.nemesis.setup?.(context)

    const workloadOptions: WorkloadOptions = { concurrency: spec.concurrency, nodes, options: spec.workloadOptions }
    const generator = testGenerator(spec, workload, workloadOptions, nemesisPkg)
    const c = cluster
    reporter.phase('running')
    const result = await runGenerator({
      generator,
      concurrency: spec.concurrency,
      random,
      opTimeoutMs: spec.opTimeout * 1000,
      nemesis: { invoke: (op) => nemesisPkg!.nemesis.invoke(op) },
      openClient: (thread, process) => {
        const node = c.nodes[thread % c.nodes.length]!
        return target.client({ node: node.name, address: node.address, workload: workload.name, cluster: c, process, bug: spec.bug, targetOptions: spec.targetOptions })
      },
      onOp: (op) => {
        writer.append(op)
        folding?.add(op)
        reporter.op(op)
      },
      signal,
    })
    interrupted = result.aborted
  } catch (e) {
    failure = e
  } finally {
    writer.flush()
    reporter.phase('teardown')
    await teardown()
    writer.close()
  }
  if (signal.aborted) {
    // Ctrl-C / SIGTERM interrupt; any other reason (a crash) is a harness error.
    if (signal.reason instanceof InterruptedError || !(signal.reason instanceof DstestError)) interrupted = true
    else {
      interrupted = false
      failure ??= signal.reason
    }
  }

  // Check what was recorded, even after an interruption: it is a valid history.
  let results: CheckResult | undefined
  if ((failure === undefined || interrupted) && folding) {
    reporter.phase('checking')
    results = await folding.finish(historyFile(writer.path, { positions, onWarning: (w) => reporter.warn(w) }))
    runDir.writeJson('results', results)
  }

  const seconds = (Date.now() - t0) / 1000
  testJson.finishedAt = new Date().toISOString()
  testJson.seconds = seconds
  if (failure !== undefined && !interrupted) testJson.error = text(failure)
  runDir.writeJson('test', testJson)

  const checkers = Object.fromEntries(
    Object.entries((results?.checkers as Record<string, CheckResult> | undefined) ?? {}).map(([k, v]) => [
      k,
      { valid: v.valid, ...(v.summary === undefined ? {} : { summary: v.summary }) },
    ]),
  )
  let exitCode: number
  let summary: string
  const valid = results ? mergeValidity([results.valid]) : 'unknown'
  if (interrupted) {
    exitCode = ExitCode.interrupted
    summary = `interrupted; checked the ${writer.written} ops recorded: ${results?.summary ?? 'no result'}`
  } else if (failure !== undefined) {
    exitCode = isDstestError(failure) ? failure.exitCode : ExitCode.environment
    summary = isDstestError(failure) ? failure.toLine() : `harness error: ${text(failure)}`
  } else {
    exitCode = exitCodeFor(valid)
    summary = results?.summary ?? ''
  }
  const ops = folding?.counted.value ?? 0
  const outcome: RunOutcome = { valid, exitCode, summary, runDir: runDir.path, seed, ops, seconds, checkers, results }
  if (failure !== undefined && !interrupted) reporter.warn(summary)
  reporter.finish(outcome)
  return outcome
}

/**
 * The whole test as one generator: the workload's client ops (at the spec's
 * rate) alongside the nemesis schedule, for the time limit; then heal every
 * fault, wait for recovery, and run the workload's final reads.
 */
export function testGenerator(
  spec: TestSpec,
  workload: Workload,
  options: WorkloadOptions,
  nemesisPkg: NemesisPackage,
): GenLike {
  const clientOps = spec.rate > 0 ? stagger(1 / spec.rate, workload.generator(options)) : workload.generator(options)
  const main = timeLimit(spec.timeLimit, any(clients(clientOps), onNemesis(nemesisPkg.generator)))
  const final = workload.finalGenerator?.(options)
  return phases(
    main,
    onNemesis(nemesisPkg.finalGenerator),
    ...(final ? [sleep(nemesisPkg.generator === null ? 0 : spec.recoveryTime), clients(final)] : []),
  )
}

async function downloadLogs(cluster: Cluster, target: Target & { logFiles(node: string): readonly string[] }, runDir: RunDir, reporter: Reporter): Promise<void> {
  await Promise.all(
    cluster.nodes.map(async (n) => {
      for (const path of target.logFiles(n.name)) {
        try {
          await cluster.remote(n.name).download(nodePath(cluster, path), runDir.nodeDir(n.name))
        } catch (e) {
          reporter.warn(`could not download ${path} from ${n.name}: ${text(e)}`)
        }
      }
    }),
  )
}

function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof DstestError ? signal.reason : new InterruptedError('SIGINT')
}

function text(e: unknown): string {
  return isDstestError(e) ? e.toLine() : e instanceof Error ? e.message : String(e)
}
