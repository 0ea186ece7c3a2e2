import type { Op } from '../../core/op.js'

/** Counts shared by the line and live reporters. */
export class OpCounts {
  ok = 0
  fail = 0
  info = 0
  invokes = 0
  readonly activeFaults = new Map<string, unknown>()

  add(op: Op): void {
    if (op.process === 'nemesis') {
      this.trackFault(op)
      return
    }
    if (op.type === 'invoke') this.invokes++
    else if (op.type === 'ok') this.ok++
    else if (op.type === 'fail') this.fail++
    else this.info++
  }

  get completed(): number {
    return this.ok + this.fail + this.info
  }

  /** Nemesis ops named start-X / stop-X (and kill/start, pause/resume) open and close fault windows. */
  private trackFault(op: Op): void {
    if (op.type !== 'ok' && op.type !== 'info') return
    const m = /^(start|stop)-(.+)$/.exec(op.f)
    if (m) {
      if (m[1] === 'start') this.activeFaults.set(m[2]!, op.value)
      else this.activeFaults.delete(m[2]!)
      return
    }
    if (op.f === 'kill' || op.f === 'pause' || op.f === 'bump-clock' || op.f === 'strobe-clock') this.activeFaults.set(op.f, op.value)
    if (op.f === 'start' || op.f === 'restart') this.activeFaults.delete('kill')
    if (op.f === 'resume') this.activeFaults.delete('pause')
    if (op.f === 'reset-clock') {
      this.activeFaults.delete('bump-clock')
      this.activeFaults.delete('strobe-clock')
    }
  }
}
