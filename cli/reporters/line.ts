/**
 * Plain lines, readable in CI logs: the run id, seed and every option that
 * changes behaviour first; the phases; a progress line every few seconds of
 * the workload (time left, completed client operations per second, ok / fail /
 * info, faults in force); nemesis events; the verdict, and the command that
 * replays the run.
 *
 * Times in brackets are seconds since the workload started: the history's
 * own time base (test.json, the report and `--dry-run` use it too). Phases
 * before the workload (cluster, setup) print without one.
 */
import type { Op } from '../../core/op.js'
import { verdictWord, type PhaseName, type Reporter, type RunInfo, type RunSummary } from '../../run/reporter.js'
import { OpCounts } from './op-counts.js'

export class LineReporter implements Reporter {
  private counts = new OpCounts()
  private timer: NodeJS.Timeout | undefined
  /** Wall clock of the workload's start (undefined before it). */
  private workloadStart: number | undefined
  private lastCompleted = 0
  private lastTick = 0
  private info: RunInfo | undefined

  constructor(
    private readonly out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
    private readonly intervalMs = 5000,
  ) {}

  start(info: RunInfo): void {
    this.info = info
    this.counts = new OpCounts()
    this.workloadStart = undefined
    this.lastCompleted = 0
    this.out(bannerLine(info))
    this.out(`store: ${info.runDir}`)
  }

  phase(name: PhaseName, at?: number): void {
    if (name === 'running') {
      this.workloadStart = Date.now() - (at ?? 0) * 1000
      this.lastTick = this.workloadStart
      this.lastCompleted = this.counts.completed
    }
    this.out(at === undefined ? name : `[${at.toFixed(1)}s] ${name}`)
    if (name === 'running' && !this.timer) {
      this.timer = setInterval(() => this.progress(), this.intervalMs)
      this.timer.unref()
    }
    if (name !== 'running' && this.timer) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  op(op: Op): void {
    this.counts.add(op)
    if (op.process === 'nemesis' && op.type !== 'invoke') {
      this.out(`[${(op.time / 1e9).toFixed(1)}s] nemesis ${op.type} ${op.f} ${short(op.value)}${op.error ? ` (${op.error})` : ''}`)
    }
  }

  warn(message: string): void {
    this.out(`warning: ${message}`)
  }

  private progress(): void {
    if (this.workloadStart === undefined) return
    const now = Date.now()
    const c = this.counts
    const rate = ((c.completed - this.lastCompleted) * 1000) / Math.max(1, now - this.lastTick)
    this.lastCompleted = c.completed
    this.lastTick = now
    const elapsed = (now - this.workloadStart) / 1000
    const remaining = Math.max(0, (this.info?.timeLimitSeconds ?? 0) - elapsed)
    const faults = [...c.activeFaults.keys()]
    this.out(
      `[${elapsed.toFixed(1)}s] ${remaining.toFixed(0)}s left  ${rate.toFixed(0)} client ops/s  ok=${c.ok} fail=${c.fail} info=${c.info}  faults: ${faults.length ? faults.join(', ') : 'none'}`,
    )
  }

  finish(s: RunSummary): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    for (const [name, r] of Object.entries(s.checkers)) {
      this.out(`  ${name}: ${verdictWord(r.valid)}${r.summary ? ` - ${r.summary}` : ''}`)
    }
    this.out(`verdict: ${verdictWord(s.valid)} (exit ${s.exitCode}) ${s.clientOperations.toLocaleString('en-US')} client operations in ${s.seconds.toFixed(1)}s seed=${s.seed}`)
    this.out(`replay: ${s.replay}`)
    this.out(`results: ${s.runDir}`)
  }

  summary(runs: RunSummary[]): void {
    if (runs.length < 2) return
    const valid = runs.filter((r) => r.valid === true).length
    const invalid = runs.filter((r) => r.valid === false).length
    this.out(`${runs.length} runs: ${valid} valid, ${invalid} invalid, ${runs.length - valid - invalid} unknown/error`)
    for (const r of runs) this.out(`  seed=${r.seed} ${verdictWord(r.valid)} ${r.runDir}`)
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
  }
}

/** The first line of a run: what ran, so a log alone says it (the live view shows it too). */
export function bannerLine(info: RunInfo): string {
  const run = info.runs > 1 ? ` (run ${info.run}/${info.runs})` : ''
  const options = info.options.map(([flag, value]) => ` ${flag}=${value}`).join('')
  return `dstest: ${info.testName}${run} run=${info.runId} seed=${info.seed} target=${info.target} workload=${info.workload} nemesis=${info.nemesis.join(',')} time-limit=${info.timeLimitSeconds}s${options}`
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? ''
  return s.length > 120 ? s.slice(0, 117) + '...' : s
}
