/**
 * npm run bench -- soak [-- --ops 10000000 --target memory --workload register --concurrency 10 --rate 0 --nemesis none --keep]
 * npm run bench -- soak -- --target raft-kv --time-limit 3600        (a run of a fixed length)
 * npm run bench -- soak -- --workload counter --time-limit 120 --baseline ../main --rounds 2
 *                                   (this build against another checkout's, interleaved)
 *
 * A long run through the built CLI, as a user runs it, with the process's
 * resident memory sampled from /proc/<pid>/status (VmRSS, and VmHWM, the
 * kernel's high-water mark) every 100 ms. Without --time-limit, a short
 * calibration run (--calibrate seconds, default 10) measures the ops/s, and
 * the soak run's time limit is set to reach --ops operations (an operation is
 * one invocation and its completion). Both runs are reported: operations,
 * history size, peak RSS in all and by phase (the high-water mark when the run
 * ends, when the verdict is out, and at exit: the report is written after the
 * verdict), RSS per operation, the seconds each phase took, the verdict, and
 * the RSS over time; then the marginal RSS per operation between the two runs.
 * Prints one JSON document. The store is a temporary folder, removed unless
 * --keep. Exits 1 when a run ended otherwise than with a verdict (0, 1 or 2).
 *
 * With --baseline DIR (a dstest checkout, built: DIR/dist/cli/main.js) and
 * --time-limit, each of --rounds rounds runs the same command with both
 * builds, alternating which goes first (ABBA), and the medians of each are
 * printed side by side: the same machine at the same moment.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const target = arg('target') ?? 'memory'
const wantOps = Number(arg('ops') ?? 10_000_000)
const fixedLimit = arg('time-limit') === undefined ? undefined : Number(arg('time-limit'))
const calibrate = Number(arg('calibrate') ?? 10)
const keep = process.argv.includes('--keep')
const workload = arg('workload')
const runArgs = ['--target', target, ...(workload ? ['--workload', workload] : []), '--rate', arg('rate') ?? '0', '--concurrency', arg('concurrency') ?? '10', '--nemesis', arg('nemesis') ?? 'none', '--seed', arg('seed') ?? '1']
const cli = resolve('dist/cli/main.js')
const baselineDir = arg('baseline')
const baselineCli = baselineDir === undefined ? undefined : resolve(baselineDir, 'dist/cli/main.js')
const rounds = Number(arg('rounds') ?? 2)
const MB = 1024 * 1024

interface Mark {
  /** Seconds since the process started. */
  t: number
  /** VmHWM then, bytes. */
  hwm: number
}

interface RunFigures {
  label: string
  /** Which build ran: 'this' (this checkout) or 'baseline'. */
  build: 'this' | 'baseline'
  timeLimit: number
  exitCode: number | null
  signal: string | null
  verdict: unknown
  ops: number
  historyBytes: number
  peakRssMB: number
  /** Peak RSS over the whole run (check and report included) divided by the operations. */
  rssBytesPerOp: number
  /** The same until the verdict (run and check, before the report). */
  rssBytesPerOpToVerdict: number
  peakRssMBByPhase: { run: number; check: number; report: number }
  seconds: { run: number; check: number; report: number; total: number }
  warnings: string[]
  /** [seconds, RSS MB]: the highest RSS in each of about 40 slices of the run. */
  rssOverTime: [number, number][]
}

/** VmRSS and VmHWM of a live process, in bytes. */
function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') }
  } catch {
    return undefined // it has exited
  }
}

async function soakRun(label: string, timeLimit: number, build: RunFigures['build'] = 'this'): Promise<RunFigures> {
  const store = mkdtempSync(join(tmpdir(), 'dstest-soak-'))
  const started = Date.now()
  const child = spawn(process.execPath, [build === 'this' ? cli : baselineCli!, 'run', ...runArgs, '--time-limit', String(timeLimit), '--store', store, '--reporter', 'json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const forward = (): void => void child.kill('SIGINT')
  process.on('SIGINT', forward)
  const samples: [number, number][] = []
  let hwm = 0
  const sample = (): void => {
    const m = child.pid === undefined ? undefined : memoryOf(child.pid)
    if (!m) return
    hwm = Math.max(hwm, m.hwm)
    samples.push([(Date.now() - started) / 1000, m.rss])
  }
  const timer = setInterval(sample, 100)
  const marks: Record<string, Mark> = {}
  const warnings: string[] = []
  let finish: Record<string, unknown> = {}
  const mark = (name: string, time?: unknown): void => {
    sample()
    const at = typeof time === 'string' ? Date.parse(time) : Date.now()
    marks[name] ??= { t: (at - started) / 1000, hwm }
  }
  createInterface({ input: child.stdout }).on('line', (line) => {
    let event: Record<string, unknown>
    try {
      event = JSON.parse(line) as Record<string, unknown>
    } catch {
      return
    }
    if (event.event === 'phase') mark(String(event.phase), event.time)
    else if (event.event === 'warning') warnings.push(String(event.message))
    else if (event.event === 'finish') {
      mark('finish', event.time)
      finish = event
    }
  })
  const [exitCode, signal] = await new Promise<[number | null, string | null]>((done) => child.on('exit', (code, sig) => done([code, sig])))
  clearInterval(timer)
  process.off('SIGINT', forward)
  mark('exit')
  const history = join(store, 'latest', 'history.jsonl')
  const historyBytes = existsSync(history) ? statSync(history).size : 0
  if (keep) process.stderr.write(`soak: ${label} run kept in ${store}\n`)
  else rmSync(store, { recursive: true, force: true })

  const at = (name: string): Mark => marks[name] ?? marks['exit']!
  // The json reporter's finish event counts client operations (an older build said `ops`).
  const ops = Number(finish.clientOperations ?? finish.ops ?? 0)
  const end = marks['exit']!
  const slice = Math.max(0.1, end.t / 40)
  const series = new Map<number, number>()
  for (const [t, rss] of samples) series.set(Math.floor(t / slice), Math.max(series.get(Math.floor(t / slice)) ?? 0, rss))
  return {
    label,
    build,
    timeLimit,
    exitCode,
    signal,
    verdict: finish.valid ?? 'none',
    ops,
    historyBytes,
    peakRssMB: round(hwm / MB),
    rssBytesPerOp: ops > 0 ? Math.round(hwm / ops) : 0,
    rssBytesPerOpToVerdict: ops > 0 ? Math.round(at('finish').hwm / ops) : 0,
    peakRssMBByPhase: { run: round(at('checking').hwm / MB), check: round(at('finish').hwm / MB), report: round(end.hwm / MB) },
    seconds: {
      run: round(at('teardown').t - at('running').t),
      check: round(at('finish').t - at('checking').t),
      report: round(end.t - at('finish').t),
      total: round(end.t),
    },
    warnings,
    rssOverTime: [...series].map(([k, rss]) => [round(k * slice), round(rss / MB)]),
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10
}

if (!existsSync('/proc/self/status')) {
  console.error('soak: needs /proc/<pid>/status (Linux) to sample the run\'s memory')
  process.exit(4)
}
if (!existsSync(cli)) {
  console.error(`soak: no built CLI at ${cli}: run it through npm run bench, which builds first`)
  process.exit(4)
}
if (baselineCli !== undefined && (!existsSync(baselineCli) || fixedLimit === undefined || !(rounds >= 1))) {
  console.error(`soak: --baseline needs a built CLI at ${baselineCli} (npm run build there), --time-limit and --rounds ≥ 1`)
  process.exit(3)
}
const load = { before: loadavg().map(round) }
const runs: RunFigures[] = []
if (baselineCli !== undefined) {
  for (let r = 0; r < rounds; r++) {
    const order: RunFigures['build'][] = r % 2 === 0 ? ['baseline', 'this'] : ['this', 'baseline']
    for (const build of order) {
      const figures = await soakRun(`round ${r + 1}`, fixedLimit!, build)
      process.stderr.write(`soak: round ${r + 1} ${build}: ${figures.ops} ops, peak ${figures.peakRssMB} MB, ${figures.rssBytesPerOp} B/op\n`)
      runs.push(figures)
    }
  }
} else if (fixedLimit !== undefined) runs.push(await soakRun('soak', fixedLimit))
else {
  const small = await soakRun('calibration', calibrate)
  runs.push(small)
  const rate = small.ops / Math.max(0.001, small.seconds.run)
  if (!(rate > 0)) {
    console.error(`soak: the calibration run recorded no operation (exit ${small.exitCode})`)
    process.exit(4)
  }
  runs.push(await soakRun('soak', Math.max(1, Math.ceil(wantOps / rate))))
}
const [a, b] = runs
/** Medians of each build's runs, for the comparison. */
function medians(build: RunFigures['build']): Record<string, number> {
  const mine = runs.filter((r) => r.build === build)
  const median = (xs: number[]): number => {
    const s = [...xs].sort((p, q) => p - q)
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
  }
  return {
    runs: mine.length,
    ops: median(mine.map((r) => r.ops)),
    peakRssMB: median(mine.map((r) => r.peakRssMB)),
    rssBytesPerOp: median(mine.map((r) => r.rssBytesPerOp)),
    peakRssMBToVerdict: median(mine.map((r) => r.peakRssMBByPhase.check)),
    checkSeconds: median(mine.map((r) => r.seconds.check)),
    reportSeconds: median(mine.map((r) => r.seconds.report)),
  }
}
console.log(
  JSON.stringify(
    {
      bench: 'soak',
      node: process.version,
      cpus: cpus().length,
      loadAverage: { ...load, after: loadavg().map(round) },
      command: ['dstest', 'run', ...runArgs, '--time-limit', 'T'].join(' '),
      goal: { peakRssMB: 'at most 1,536 for 10 M operations', rssBytesPerOp: 'at most 150' },
      runs,
      ...(baselineCli !== undefined ? { baseline: baselineDir, medians: { baseline: medians('baseline'), this: medians('this') } } : {}),
      // What one more operation costs: the slope between the two runs' peaks, to the verdict and with the report.
      ...(baselineCli === undefined && a && b && b.ops > a.ops
        ? {
            marginalRssBytesPerOp: {
              toVerdict: round(((b.peakRssMBByPhase.check - a.peakRssMBByPhase.check) * MB) / (b.ops - a.ops)),
              withReport: round(((b.peakRssMB - a.peakRssMB) * MB) / (b.ops - a.ops)),
            },
          }
        : {}),
    },
    null,
    2,
  ).replace(/\[\s+([-\d.,\s]+?)\s+\]/g, (_, inner: string) => `[${inner.replace(/\s+/g, ' ')}]`), // number lists on one line
)
process.exit(runs.every((r) => r.exitCode !== null && r.exitCode <= 2) ? 0 : 1)
