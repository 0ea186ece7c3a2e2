/**
 * What a run tells the person (or CI log) watching it. Reporters only print:
 * they never decide anything about the test.
 */
import type { Op } from '../../core/op.js'
import type { Validity } from '../../checkers/checker.js'

export interface RunInfo {
  testName: string
  seed: number
  target: string
  workload: string
  nemesis: readonly string[]
  timeLimitSeconds: number
  runDir: string
  /** 1-based run number and total when --test-count > 1. */
  run: number
  runs: number
}

export interface RunSummary {
  valid: Validity
  exitCode: number
  summary: string
  runDir: string
  seed: number
  ops: number
  seconds: number
  checkers: Record<string, { valid: Validity; summary?: string }>
}

export interface Reporter {
  start(info: RunInfo): void
  /** A phase of the run (cluster, setup, running, healing, checking, teardown). */
  phase(name: string): void
  op(op: Op): void
  warn(message: string): void
  finish(summary: RunSummary): void
  /** After all --test-count runs. */
  summary?(runs: RunSummary[]): void
  close(): void
}

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

export function verdictWord(valid: Validity): string {
  return valid === true ? 'VALID' : valid === false ? 'INVALID' : 'UNKNOWN'
}
