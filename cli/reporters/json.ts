/**
 * JSON lines on stdout, one event per line, for tools: {"event":"start",...}
 * (with the run id, the options and the replay command),
 * {"event":"phase","phase":...,"at":...}, {"event":"progress",...} every few
 * seconds of the workload, {"event":"nemesis",...}, {"event":"finish",...}.
 * `at` and `elapsed` are seconds since the workload started, the history's
 * time base.
 */
import type { Op } from '../../core/op.js'
import type { PhaseName, Reporter, RunInfo, RunSummary } from '../../run/reporter.js'
import { OpCounts } from './op-counts.js'

export class JsonReporter implements Reporter {
  private counts = new OpCounts()
  private timer: NodeJS.Timeout | undefined
  /** Wall clock of the workload's start (undefined before it). */
  private workloadStart: number | undefined

  constructor(
    private readonly out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
    private readonly intervalMs = 5000,
  ) {}

  private emit(event: string, data: Record<string, unknown>): void {
    this.out(JSON.stringify({ event, time: new Date().toISOString(), ...data }))
  }

  start(info: RunInfo): void {
    this.counts = new OpCounts()
    this.workloadStart = undefined
    this.emit('start', { ...info })
  }

  phase(name: PhaseName, at?: number): void {
    if (name === 'running') this.workloadStart = Date.now() - (at ?? 0) * 1000
    this.emit('phase', { phase: name, ...(at === undefined ? {} : { at }) })
    if (name === 'running' && !this.timer) {
      this.timer = setInterval(() => {
        const c = this.counts
        this.emit('progress', {
          elapsed: (Date.now() - (this.workloadStart ?? Date.now())) / 1000,
          ok: c.ok,
          fail: c.fail,
          info: c.info,
          faults: [...c.activeFaults.keys()],
        })
      }, this.intervalMs)
      this.timer.unref()
    } else if (name !== 'running' && this.timer) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  op(op: Op): void {
    this.counts.add(op)
    if (op.process === 'nemesis') this.emit('nemesis', { op })
  }

  warn(message: string): void {
    this.emit('warning', { message })
  }

  finish(s: RunSummary): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.emit('finish', { ...s })
  }

  summary(runs: RunSummary[]): void {
    if (runs.length > 1) this.emit('summary', { runs })
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
  }
}
