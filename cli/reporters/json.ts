/**
 * JSON lines on stdout, one event per line, for tools: {"event":"start",...},
 * {"event":"progress",...} every few seconds, {"event":"nemesis",...},
 * {"event":"finish",...}.
 */
import type { Op } from '../../core/op.js'
import type { Reporter, RunInfo, RunSummary } from '../../run/reporter.js'
import { OpCounts } from './op-counts.js'

export class JsonReporter implements Reporter {
  private counts = new OpCounts()
  private timer: NodeJS.Timeout | undefined
  private started = 0

  constructor(
    private readonly out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
    private readonly intervalMs = 5000,
  ) {}

  private emit(event: string, data: Record<string, unknown>): void {
    this.out(JSON.stringify({ event, time: new Date().toISOString(), ...data }))
  }

  start(info: RunInfo): void {
    this.counts = new OpCounts()
    this.started = Date.now()
    this.emit('start', { ...info })
  }

  phase(name: string): void {
    this.emit('phase', { phase: name })
    if (name === 'running' && !this.timer) {
      this.timer = setInterval(() => {
        const c = this.counts
        this.emit('progress', {
          elapsed: (Date.now() - this.started) / 1000,
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
