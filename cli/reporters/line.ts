/**
 * Plain lines, readable in CI logs: the seed first and last, a progress line
 * every few seconds (elapsed/remaining, ops/s, ok/fail/info, active faults),
 * and the verdict.
 */
import type { Op } from '../../core/op.js'
import { verdictWord, type Reporter, type RunInfo, type RunSummary } from '../../run/reporter.js'
import { OpCounts } from './op-counts.js'

export class LineReporter implements Reporter {
  private counts = new OpCounts()
  private timer: NodeJS.Timeout | undefined
  private started = 0
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
    this.started = Date.now()
    this.lastTick = this.started
    this.lastCompleted = 0
    const run = info.runs > 1 ? ` (run ${info.run}/${info.runs})` : ''
    this.out(`dstest: ${info.testName}${run} seed=${info.seed} target=${info.target} workload=${info.workload} nemesis=${info.nemesis.join(',')} time-limit=${info.timeLimitSeconds}s`)
    this.out(`store: ${info.runDir}`)
  }

  phase(name: string): void {
    this.out(`[${this.elapsed()}] ${name}`)
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
      this.out(`[${this.elapsed()}] nemesis ${op.type} ${op.f} ${short(op.value)}${op.error ? ` (${op.error})` : ''}`)
    }
  }

  warn(message: string): void {
    this.out(`warning: ${message}`)
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)}s`
  }

  private progress(): void {
    const now = Date.now()
    const c = this.counts
    const rate = ((c.completed - this.lastCompleted) * 1000) / Math.max(1, now - this.lastTick)
    this.lastCompleted = c.completed
    this.lastTick = now
    const limit = this.info?.timeLimitSeconds ?? 0
    const remaining = Math.max(0, limit - (now - this.started) / 1000)
    const faults = [...c.activeFaults.keys()]
    this.out(
      `[${this.elapsed()}] ${remaining.toFixed(0)}s left  ${rate.toFixed(0)} ops/s  ok=${c.ok} fail=${c.fail} info=${c.info}  faults: ${faults.length ? faults.join(', ') : 'none'}`,
    )
  }

  finish(s: RunSummary): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    for (const [name, r] of Object.entries(s.checkers)) {
      this.out(`  ${name}: ${verdictWord(r.valid)}${r.summary ? ` - ${r.summary}` : ''}`)
    }
    this.out(`verdict: ${verdictWord(s.valid)} (exit ${s.exitCode}) ${s.ops} ops in ${s.seconds.toFixed(1)}s seed=${s.seed}`)
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

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? ''
  return s.length > 120 ? s.slice(0, 117) + '...' : s
}
