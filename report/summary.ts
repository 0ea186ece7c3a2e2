/**
 * The report's first pass: a history folded into a summary whose size does
 * not depend on the history's length: counts by outcome and by f, latency
 * histograms, the timeline (report/timeline.ts) and the fault windows
 * (report/faults.ts). Invocations are paired with their completions through
 * the processes' open operations, of which there are at most as many as the
 * client threads (plus the nemesis).
 */
import type { Op } from '../core/op.js'
import { FaultTracker, type FaultWindow } from './faults.js'
import { LogHistogram } from './histogram.js'
import { scanHistory, type ScannedOp } from './history-scan.js'
import { OUTCOMES, Timeline, type Outcome } from './timeline.js'

export interface OutcomeCounts {
  ok: number
  fail: number
  info: number
  /** Invoked and never completed (the history ends first). */
  open: number
}

export interface HistorySummary {
  /** Lines (operations of any kind, nemesis ones included). */
  lines: number
  /** Client operations: one invocation and its completion. */
  clientOps: OutcomeCounts & { invoked: number }
  /** Client operations by f, in the order first seen (at most MAX_FS names; the rest under "other"). */
  byF: Record<string, OutcomeCounts>
  /** Latency (ms) of all completed client operations, by outcome. */
  latency: Record<Outcome, LogHistogram>
  timeline: Timeline
  faults: FaultWindow[]
  /** Fault windows beyond MAX_WINDOWS, counted and not drawn. */
  faultsDropped: number
  /** Seconds since the workload started, of the last line. */
  endSeconds: number
}

const MAX_FS = 32

export class HistoryFold {
  private readonly open = new Map<number, { time: number; f: string }>()
  private readonly tracker = new FaultTracker()
  private lines = 0
  private lastTime = 0
  private lastIndex = 0
  private readonly counts = { invoked: 0, ok: 0, fail: 0, info: 0, open: 0 }
  private readonly byF = new Map<string, OutcomeCounts>()
  private readonly latency: Record<Outcome, LogHistogram> = { ok: new LogHistogram(), fail: new LogHistogram(), info: new LogHistogram() }
  private readonly timeline = new Timeline()

  add(op: Pick<Op, 'index' | 'time' | 'type' | 'process' | 'f' | 'value'>): void {
    this.lines++
    if (op.time > this.lastTime) this.lastTime = op.time
    this.lastIndex = op.index
    if (op.process === 'nemesis') {
      this.tracker.add(op)
      return
    }
    if (op.type === 'invoke') {
      this.counts.invoked++
      this.open.set(op.process, { time: op.time, f: op.f })
      return
    }
    const invoke = this.open.get(op.process)
    if (!invoke) return // a completion never invoked: the check refuses it; the report has nothing to pair it with
    this.open.delete(op.process)
    const outcome = op.type as Outcome
    const ms = Math.max(0, (op.time - invoke.time) / 1e6)
    this.counts[outcome]++
    this.countF(invoke.f)[outcome]++
    this.latency[outcome].add(ms)
    this.timeline.add(invoke.time, op.time, outcome, ms)
  }

  private countF(f: string): OutcomeCounts {
    let c = this.byF.get(f)
    if (!c) {
      if (this.byF.size >= MAX_FS) return this.countF('other')
      this.byF.set(f, (c = { ok: 0, fail: 0, info: 0, open: 0 }))
    }
    return c
  }

  finish(): HistorySummary {
    for (const { f } of this.open.values()) {
      this.counts.open++
      this.countF(f).open++
    }
    this.open.clear()
    const faults = this.tracker.finish(this.lastTime, this.lastIndex)
    return {
      lines: this.lines,
      clientOps: { ...this.counts },
      byF: Object.fromEntries(this.byF),
      latency: this.latency,
      timeline: this.timeline,
      faults,
      faultsDropped: this.tracker.dropped,
      endSeconds: this.lastTime / 1e9,
    }
  }
}

/** Folds a history file in one streaming pass. */
export async function summarizeHistory(path: string, onWarning?: (w: string) => void): Promise<HistorySummary> {
  const fold = new HistoryFold()
  await scanHistory(path, (op: ScannedOp) => fold.add(op), onWarning)
  return fold.finish()
}

/** Folds a history held in memory (tests, library users). */
export function summarizeOps(history: Iterable<Pick<Op, 'index' | 'time' | 'type' | 'process' | 'f' | 'value'>>): HistorySummary {
  const fold = new HistoryFold()
  for (const op of history) fold.add(op)
  return fold.finish()
}

/** The share of completed client operations that did not complete ok (0 when none completed). */
export function failedShare(s: HistorySummary): number {
  const done = OUTCOMES.reduce((n, o) => n + s.clientOps[o], 0)
  return done === 0 ? 0 : (s.clientOps.fail + s.clientOps.info) / done
}
