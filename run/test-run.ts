/**
 * One test run, step by step (DESIGN.md "A run, step by step"):
 * cluster → target setup → clients + nemesis under the generator (running) →
 * heal → recovery → final reads → teardown → check → store.
 *
 * The history is one sequence over several passes of the runner that share
 * its clock (time 0 is the start of the workload), its indices and its
 * processes. The heal is a pass of its own, recorded like every fault, on
 * every path that set a nemesis up: the end of the workload, Ctrl-C and a
 * crash alike. Teardown runs on every path and is idempotent; the history is
 * on disk before any of it can fail.
 */
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { mergeValidity, type CheckResult } from '../checkers/checker.js'
import { runIdOf } from '../control/owner.js'
import { nodePath, type Cluster, type Runtime } from '../control/remote.js'
import { ExitCode, InterruptedError, isDstestError, DstestError } from '../core/errors.js'
import type { GenLike, Thread } from '../core/generator/types.js'
import { clients, nemesis as onNemesis, stagger, timeLimit, any } from '../core/generator/index.js'
import { HistoryWriter } from '../core/history/jsonl.js'
import { HistoryPositions } from '../core/history/positions.js'
import { historyFile } from '../core/history/source.js'
import type { Process } from '../core/op.js'
import { Random } from '../core/random.js'
import { monotonicClock, runGenerator, type RunnerResult } from '../core/runner.js'
import type { TestSpec } from '../core/spec.js'
import { createRunDir, type RunDir } from '../core/store.js'
import { hasLogFiles, type Target } from '../targets/target.js'
import type { Workload, WorkloadOptions } from '../workloads/workload.js'
import type { NemesisPackage } from '../nemesis/nemesis.js'
import { foldHistoryCheck, type HistoryCheck } from './check-history.js'
import { retryUntilOk } from './final-reads.js'
import { buildNemesisPackage, nemesisContext } from './nemeses.js'
import type { PreparedRun } from './preflight.js'
import { behaviourFlags, replayCommand } from './replay.js'
import type { PhaseName, Reporter, RunSummary } from './reporter.js'
import { VERSION } from './version.js'

export interface RunDeps {
  runtime: Runtime
  reporter: Reporter
  signal: AbortSignal
  /**
   * Told the run id before the run creates anything with it, and undefined
   * once teardown has released it all: what a forced exit may leave behind.
   */
  onResources?: (runId: string | undefined) => void
}

export interface RunOutcome extends RunSummary {
  results: CheckResult | undefined
}

export function exitCodeFor(valid: true | false | 'unknown'): number {
  return valid === true ? ExitCode.valid : valid === false ? ExitCode.anomaly : ExitCode.unknown
}

/** Options shown as the banner's fixed fields; the others follow as key=value. */
const BANNER_FIELDS = new Set(['target', 'workload', 'nemesis', 'time-limit'])

/** Runs one test with the given seed. Never throws for a failure inside the run: it is in the outcome. */
export async function runTest(prepared: PreparedRun, seed: number, deps: RunDeps, run = 1): Promise<RunOutcome> {
  const { spec, target, workload, testName } = prepared
  const { runtime, reporter, signal } = deps
  const runDir = createRunDir(spec.store, testName)
  const runId = runIdOf(testName, randomBytes(3).toString('hex'))
  const startedAt = new Date()
  const t0 = Date.now()
  const random = new Random(seed)
  const nodes = Array.from({ length: spec.nodes }, (_, i) => `n${i + 1}`)
  const replay = replayCommand(prepared, seed)

  // When each phase began: on the history's clock once the workload started, else by the wall clock.
  const phases: { phase: PhaseName; wall: number; at?: number }[] = []
  let workloadWall: number | undefined
  const testJson: Record<string, unknown> = {
    name: testName,
    runId,
    seed,
    spec: { ...spec, seed, workload: workload.name, target: target.name },
    // Where a target or workload loaded from a file came from: `dstest check` loads it again.
    ...(Object.keys(prepared.modules).length > 0 ? { modules: prepared.modules } : {}),
    replay,
    versions: { dstest: VERSION, node: process.version },
    host: hostname(),
    startedAt: startedAt.toISOString(),
    runtime: runtime.name,
    nodes: nodes.map((name) => ({ name })),
  }
  const timeline = (): Record<string, unknown> => {
    const zero = workloadWall ?? t0
    return {
      // Seconds since the workload started: the history's time base (before it started, since the run did).
      base: workloadWall === undefined ? 'run start (the workload never started)' : 'workload start (history time 0)',
      ...(workloadWall === undefined ? {} : { workloadStartedAt: new Date(workloadWall).toISOString() }),
      phases: phases.map((p) => ({ phase: p.phase, at: p.at ?? Math.round(p.wall - zero) / 1000 })),
    }
  }
  runDir.writeJson('test', testJson)

  reporter.start({
    testName,
    runId,
    seed,
    target: target.name,
    workload: workload.name,
    nemesis: spec.nemesis,
    timeLimitSeconds: spec.timeLimit,
    options: behaviourFlags(prepared).filter(([flag]) => !BANNER_FIELDS.has(flag)),
    replay,
    runDir: runDir.path,
    run,
    runs: spec.testCount,
  })

  // The history lives on disk: the checkers fold over it as it is recorded, in
  // every pass (the heal and the final reads too), and read it back after the
  // run, so nothing here holds it (DESIGN.md "Memory").
  const positions = new HistoryPositions()
  const writer = new HistoryWriter(runDir.file('history'), { positions })
  const workloadOptions: WorkloadOptions = { concurrency: spec.concurrency, nodes, options: spec.workloadOptions }
  let folding: HistoryCheck | undefined
  let clock: (() => number) | undefined
  let processes: ReadonlyMap<Thread, Process> | undefined
  let cluster: Cluster | undefined
  let nemesisPkg: NemesisPackage | undefined
  let targetStarted = false
  let failure: unknown
  let interrupted = false

  const phase = (name: PhaseName): void => {
    const at = clock === undefined ? undefined : Math.round(clock() / 1e6) / 1000
    phases.push({ phase: name, wall: Date.now(), ...(at === undefined ? {} : { at }) })
    reporter.phase(name, at)
  }

  /** One pass of the runner, continuing the history: same clock, indices and processes. */
  const pass = async (generator: GenLike, passSignal: AbortSignal | undefined): Promise<RunnerResult> => {
    const c = cluster!
    const result = await runGenerator({
      generator,
      concurrency: spec.concurrency,
      random,
      opTimeoutMs: spec.opTimeout * 1000,
      nemesis: { invoke: (op) => nemesisPkg!.nemesis.invoke(op) },
      openClient: (thread, process) => {
        const node = c.nodes[thread % c.nodes.length]!
        return target.client({ node: node.name, address: node.address, workload: workload.name, cluster: c, process, bug: spec.bug, targetOptions: spec.targetOptions, opTimeoutMs: spec.opTimeout * 1000 })
      },
      onOp: (op) => {
        writer.append(op)
        folding?.add(op)
        reporter.op(op)
      },
      signal: passSignal,
      clock,
      firstIndex: writer.written,
      ...(processes ? { processes } : {}),
    })
    processes = result.processes
    return result
  }

  const teardown = async (): Promise<void> => {
    if (nemesisPkg) {
      // Whatever the recorded heal could not undo: heal is idempotent.
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
    folding = foldHistoryCheck(workload.checkers(workloadOptions), { concurrency: spec.concurrency, nodes })
    checkAborted(signal)
    phase('cluster')
    deps.onResources?.(runId)
    cluster = await runtime.createCluster({ runId, nodes: spec.nodes })
    testJson.nodes = cluster.nodes
    runDir.writeJson('test', testJson)
    checkAborted(signal)
    phase('setup')
    targetStarted = true
    const targetOptions = { bug: spec.bug, options: spec.targetOptions, workload: { name: workload.name, options: spec.workloadOptions } }
    await target.setup(cluster, targetOptions)
    checkAborted(signal)
    // One context for the schedule and the nemesis: what a fault draws when it
    // is applied comes from the schedule's own stream, not the clients'.
    const context = nemesisContext(cluster, seed, target)
    const pkg = buildNemesisPackage(spec, target, context, targetOptions)
    nemesisPkg = pkg
    await pkg.nemesis.setup?.(context)

    clock = monotonicClock()
    workloadWall = Date.now()
    phase('running')
    const main = await pass(mainGenerator(spec, workload, workloadOptions, pkg), signal)
    interrupted = main.aborted
  } catch (e) {
    failure = e
  }
  try {
    // The heal, recorded, on every path where faults may be in force.
    if (nemesisPkg && cluster && clock && nemesisPkg.generator !== null) {
      phase('heal')
      await pass(onNemesis(nemesisPkg.finalGenerator), undefined)
    }
    const final = workload.finalGenerator?.(workloadOptions)
    if (failure === undefined && !interrupted && !signal.aborted && final && cluster && clock) {
      if (nemesisPkg !== undefined && nemesisPkg.generator !== null && spec.recoveryTime > 0) {
        phase('recovery')
        await abortableSleep(spec.recoveryTime * 1000, signal)
      }
      if (!signal.aborted) {
        phase('final reads')
        const reads = await pass(finalGenerator(spec, final), signal)
        interrupted = reads.aborted
      }
    }
  } catch (e) {
    failure ??= e
  } finally {
    writer.flush()
    phase('teardown')
    await teardown()
    deps.onResources?.(undefined)
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
    phase('checking')
    results = await folding.finish(historyFile(writer.path, { positions, onWarning: (w) => reporter.warn(w) }))
    runDir.writeJson('results', results)
    // Ctrl-C while checking: the check finishes and is stored, and the run says it was interrupted.
    if (signal.aborted && signal.reason instanceof InterruptedError) interrupted = true
  }

  const seconds = (Date.now() - t0) / 1000
  testJson.finishedAt = new Date().toISOString()
  testJson.seconds = seconds
  testJson.timeline = timeline()
  if (failure !== undefined && !interrupted) testJson.error = text(failure)
  runDir.writeJson('test', testJson)

  const checkers = Object.fromEntries(
    Object.entries((results?.checkers as Record<string, CheckResult> | undefined) ?? {}).map(([k, v]) => [
      k,
      {
        valid: v.valid,
        ...(v.summary === undefined ? {} : { summary: v.summary }),
        ...(typeof v.explanation === 'string' ? { explanation: v.explanation } : {}),
      },
    ]),
  )
  let exitCode: number
  let summary: string
  const valid = results ? mergeValidity([results.valid]) : 'unknown'
  const clientOps = folding?.counted.value ?? 0
  if (interrupted) {
    exitCode = ExitCode.interrupted
    summary = `interrupted; checked the ${clientOps.toLocaleString('en-US')} client operations recorded: ${results?.summary ?? 'no result'}`
  } else if (failure !== undefined) {
    exitCode = isDstestError(failure) ? failure.exitCode : ExitCode.environment
    summary = isDstestError(failure) ? failure.toLine() : `harness error: ${text(failure)}`
  } else {
    exitCode = exitCodeFor(valid)
    summary = results?.summary ?? ''
  }
  const outcome: RunOutcome = { valid, exitCode, summary, runId, runDir: runDir.path, seed, clientOperations: clientOps, seconds, replay, checkers, results }
  if (failure !== undefined && !interrupted) reporter.warn(summary)
  reporter.finish(outcome)
  return outcome
}

/** The workload's client ops (at the spec's rate) alongside the nemesis schedule, for the time limit. */
export function mainGenerator(spec: TestSpec, workload: Workload, options: WorkloadOptions, nemesisPkg: NemesisPackage): GenLike {
  const clientOps = spec.rate > 0 ? stagger(1 / spec.rate, workload.generator(options)) : workload.generator(options)
  return timeLimit(spec.timeLimit, any(clients(clientOps), onNemesis(nemesisPkg.generator)))
}

/** The workload's final reads, each retried until it succeeds, for at most --final-timeout in all. */
export function finalGenerator(spec: TestSpec, final: GenLike): GenLike {
  return clients(timeLimit(spec.finalTimeout, retryUntilOk(final)))
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done)
  })
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
