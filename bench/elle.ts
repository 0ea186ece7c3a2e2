/**
 * Transactional checker benchmark (checkers/elle): synthetic list-append
 * histories of 10k, 100k and 1M transactions (10 processes, 1-5 micro-ops per
 * transaction, keys rotating so lists stay short), valid and with injected
 * stale reads (cycles), and Elle's huge-scc.edn; synthetic rw-register
 * histories of 10k and 100k (simulateRwRegister: many writes per key, most
 * never read, final reads), valid and with stale reads. Default models
 * (strict-serializable: process and real-time edges included).
 *
 *   npm run bench -- elle                      # every case
 *   npm run bench -- elle -- --sizes 10000,100000 --rw-sizes 10000 --runs 5
 *   npm run bench -- elle -- --before /path/to/checkers/elle/index.js
 *
 * `--before` names another build of the checker (an older commit's compiled
 * checkers/elle/index.js): each timed check is then paired with one by that
 * build on the same history, interleaved, and both medians are reported.
 *
 * Each case runs in its own child process, so its peak memory (maxRSS) is its
 * own. In a case, the check runs `runs` times, each interleaved with a
 * baseline on the same history (pairing invocations with completions, one
 * linear pass), and the medians are reported with their ratio: the ratio moves
 * less than the time when the machine is shared. Next to wall time it reports
 * the process's CPU time and the checking thread's own CPU time (Linux), which
 * other work on a shared machine does not inflate. Prints one JSON document.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { join, resolve } from 'node:path'
import { importJepsenHistory } from '../core/history/edn-import.js'
import { pairOps, type Op } from '../core/op.js'
import { check, simulateListAppend, simulateRwRegister, type DataModel, type ElleOptions, type ElleResult } from '../checkers/elle/index.js'

type CheckFn = (history: readonly Op[], dataModel: DataModel, options?: ElleOptions) => ElleResult

const here = fileURLToPath(import.meta.url)

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback
}

/**
 * CPU time of this thread alone (Linux: /proc/self/task/<pid>/stat, in clock
 * ticks of 10 ms): other processes on a shared machine do not inflate it, nor do
 * the garbage collector's helper threads. Undefined where /proc is not there.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return undefined
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits

function historyFor(name: string): { history: Op[]; source: string; dataModel: DataModel } {
  if (name === 'huge-scc') {
    const root = resolve(join(here, '..', '..', '..'))
    const file = join(root, 'test/fixtures/elle/jepsen-io-elle/histories/huge-scc.edn')
    return { history: importJepsenHistory(readFileSync(file, 'utf8'), file), source: 'test/fixtures/elle/jepsen-io-elle/histories/huge-scc.edn', dataModel: 'list-append' }
  }
  if (name.startsWith('rw-')) {
    const [, kind, size] = name.split('-') as [string, string, string]
    const history = simulateRwRegister({ txns: Number(size), processes: 10, maxOps: 4, keys: 8, writesPerKey: 32, staleReadRate: kind === 'cycles' ? 0.001 : 0, seed: 7 })
    return { history, source: `simulateRwRegister(${kind}, ${size} txns, final reads)`, dataModel: 'rw-register' }
  }
  const [kind, size] = name.split('-') as [string, string]
  const history = simulateListAppend({ txns: Number(size), processes: 10, maxOps: 5, keys: 8, appendsPerKey: 16, staleReadRate: kind === 'cycles' ? 0.001 : 0, seed: 7 })
  return { history, source: `simulateListAppend(${kind}, ${size} txns)`, dataModel: 'list-append' }
}

/** One case, in this (child) process. */
function runCase(name: string, runs: number, before: CheckFn | undefined): Record<string, unknown> {
  const t0 = performance.now()
  const { history, source, dataModel } = historyFor(name)
  const prepareMs = performance.now() - t0
  const heapBefore = process.memoryUsage().heapUsed
  const checks: number[] = []
  const cpuTimes: number[] = []
  const threadTimes: number[] = []
  const baselines: number[] = []
  const beforeTimes: number[] = []
  const beforeThreadTimes: number[] = []
  let result = check(history, dataModel) // warm-up, and the verdict reported
  const beforeResult = before?.(history, dataModel)
  const gc = (globalThis as { gc?: () => void }).gc
  for (let i = 0; i < runs; i++) {
    // Collect what building the history and the last run left, so no run pays for another's garbage.
    gc?.()
    let t = performance.now()
    const pairs = pairOps(history)
    baselines.push(performance.now() - t)
    if (pairs.length === 0) throw new Error('empty history')
    t = performance.now()
    const cpu = process.cpuUsage()
    const thread = mainThreadCpuMs()
    result = check(history, dataModel)
    checks.push(performance.now() - t)
    const used = process.cpuUsage(cpu)
    cpuTimes.push((used.user + used.system) / 1000)
    const threadAfter = mainThreadCpuMs()
    if (thread !== undefined && threadAfter !== undefined) threadTimes.push(threadAfter - thread)
    if (before) {
      // The other build on the same history, right after: both see the same load.
      gc?.()
      t = performance.now()
      const bt = mainThreadCpuMs()
      before(history, dataModel)
      beforeTimes.push(performance.now() - t)
      const btAfter = mainThreadCpuMs()
      if (bt !== undefined && btAfter !== undefined) beforeThreadTimes.push(btAfter - bt)
    }
  }
  const txns = result.stats.txns
  const ms = median(checks)
  return {
    case: name,
    source,
    dataModel,
    ops: history.length,
    txns,
    ok: result.stats.ok,
    info: result.stats.info,
    fail: result.stats.fail,
    keys: result.stats.keys,
    edges: result.stats.edges,
    valid: result.valid,
    anomalyTypes: result.anomalyTypes,
    counts: result.counts,
    not: result.not,
    cyclicComponents: result.stats.cyclicComponents,
    largestComponent: result.stats.largestComponent,
    runs,
    checkMs: round(ms),
    checkMsAll: checks.map((x) => round(x)),
    txnPerSecond: Math.round((txns / ms) * 1000),
    // CPU time of the whole process (GC threads included): less moved by other work on the machine.
    checkCpuMs: round(median(cpuTimes)),
    txnPerCpuSecond: Math.round((txns / median(cpuTimes)) * 1000),
    // The checking thread's own CPU time: what wall time would be on an idle machine, GC pauses included.
    ...(threadTimes.length === checks.length
      ? { checkThreadCpuMs: round(median(threadTimes)), txnPerThreadCpuSecond: Math.round((txns / Math.max(median(threadTimes), 10)) * 1000) }
      : {}),
    baselinePairOpsMs: round(median(baselines), 2),
    checkOverBaseline: round(ms / median(baselines), 1),
    generateOrReadMs: round(prepareMs),
    heapUsedHistoryMB: round(heapBefore / 2 ** 20),
    peakRssMB: round(process.resourceUsage().maxRSS / 1024),
    ...(before && beforeResult
      ? {
          before: {
            valid: beforeResult.valid,
            anomalyTypes: beforeResult.anomalyTypes,
            checkMs: round(median(beforeTimes)),
            txnPerSecond: Math.round((txns / median(beforeTimes)) * 1000),
            ...(beforeThreadTimes.length === beforeTimes.length
              ? { checkThreadCpuMs: round(median(beforeThreadTimes)), txnPerThreadCpuSecond: Math.round((txns / Math.max(median(beforeThreadTimes), 10)) * 1000) }
              : {}),
            afterOverBefore: round(ms / median(beforeTimes), 2),
          },
        }
      : {}),
  }
}

async function main(): Promise<void> {
  const beforePath = option('before', '')
  const only = option('case', '')
  if (only) {
    const before = beforePath ? ((await import(resolve(beforePath))) as { check: CheckFn }).check : undefined
    process.stdout.write(JSON.stringify(runCase(only, Number(option('runs', '5')), before)))
    return
  }
  const sizes = option('sizes', '10000,100000,1000000').split(',').filter(Boolean).map(Number)
  const rwSizes = option('rw-sizes', '10000,100000').split(',').filter(Boolean).map(Number)
  const runs = Number(option('runs', '5'))
  const cases = [...sizes.flatMap((s) => [`valid-${s}`, `cycles-${s}`]), 'huge-scc', ...rwSizes.flatMap((s) => [`rw-valid-${s}`, `rw-cycles-${s}`])]
  const results: Record<string, unknown>[] = []
  const loadBefore = loadavg()[0]
  for (const c of cases) {
    // Fewer runs at a million transactions keep the benchmark under a few minutes; more
    // where a check takes tens of milliseconds and clock ticks are 10 ms.
    const n = c.endsWith('-1000000') ? Math.min(runs, 3) : c.endsWith('-10000') || c === 'huge-scc' ? runs * 3 : runs
    const out = execFileSync(process.execPath, ['--max-old-space-size=8192', '--expose-gc', here, '--case', c, '--runs', String(n), ...(beforePath ? ['--before', beforePath] : [])], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    })
    results.push(JSON.parse(out) as Record<string, unknown>)
    process.stderr.write(`elle bench: ${c} done\n`)
  }
  const valid = results.filter((r) => String(r.case).startsWith('valid-'))
  const unknown = results.filter((r) => r.valid === 'unknown').map((r) => r.case)
  console.log(
    JSON.stringify(
      {
        benchmark: 'elle',
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        loadAverage1m: { before: round(loadBefore!, 2), after: round(loadavg()[0]!, 2) },
        method: `each case in its own process; ${runs} timed checks (3 at 1M, ${runs * 3} at 10k) after a warm-up, each after a full garbage collection and a baseline pass (pairOps) over the same history; medians of wall time, process CPU time and the checking thread's CPU time`,
        targets: { validTxnPerSecond: 150_000, hugeSccMs: 2000, oneMillionMs: 30_000 },
        txnPerSecond: Math.min(...valid.map((r) => r.txnPerSecond as number)),
        txnPerThreadCpuSecond: Math.min(...valid.map((r) => (r.txnPerThreadCpuSecond as number | undefined) ?? NaN)),
        unknown,
        ...(beforePath ? { before: beforePath } : {}),
        cases: results,
      },
      null,
      2,
    ),
  )
}

await main()
