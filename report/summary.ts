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
import { binOf, LogHistogram } from './histogram.js'
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
  /** Open invocations by process: no object per operation. */
  private readonly open = new OpenInvocations()
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
      this.open.set(op.process, op.time, op.f)
      return
    }
    if (!this.open.take(op.process)) return // a completion never invoked: the check refuses it; the report has nothing to pair it with
    const invokeTime = this.open.takenTime
    const outcome = op.type as Outcome
    const ms = Math.max(0, (op.time - invokeTime) / 1e6)
    const bin = binOf(ms)
    this.counts[outcome]++
    this.countF(this.open.takenF)[outcome]++
    this.latency[outcome].addAt(bin, ms)
    this.timeline.add(invokeTime, op.time, outcome, ms, bin)
  }

  /** The last f counted and its counts: consecutive operations mostly share one (f names are interned). */
  private lastF = ''
  private lastCounts: OutcomeCounts | undefined

  private countF(f: string): OutcomeCounts {
    if (f === this.lastF && this.lastCounts) return this.lastCounts
    this.lastF = f
    return (this.lastCounts = this.findF(f))
  }

  private findF(f: string): OutcomeCounts {
    let c = this.byF.get(f)
    if (!c) {
      if (this.byF.size >= MAX_FS) return this.findF('other')
      this.byF.set(f, (c = { ok: 0, fail: 0, info: 0, open: 0 }))
    }
    return c
  }

  finish(): HistorySummary {
    for (const f of this.open.openFs()) {
      this.counts.open++
      this.countF(f).open++
    }
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

/**
 * Folds a history file in one streaming pass; `alongside` sees every line of
 * the same pass (the sections' window collectors).
 */
export async function summarizeHistory(path: string, onWarning?: (w: string) => void, alongside: readonly ((op: ScannedOp) => void)[] = []): Promise<HistorySummary> {
  const fold = new HistoryFold()
  await scanHistory(
    path,
    (op: ScannedOp) => {
      fold.add(op)
      for (const visit of alongside) visit(op)
    },
    onWarning,
  )
  return fold.finish()
}

/**
 * The open invocation of each process: its time and f, in arrays indexed by
 * process number (processes are small numbers, growing by the concurrency
 * after each timeout), so pairing a million operations allocates nothing per
 * operation. A process number too large for that goes to a map.
 */
class OpenInvocations {
  private static readonly DENSE = 1 << 20
  private time = new Float64Array(64)
  private f: (string | undefined)[] = []
  private readonly sparse = new Map<number, { time: number; f: string }>()
  /** What `take` found. */
  takenTime = 0
  takenF = ''

  set(process: number, time: number, f: string): void {
    if (process >= 0 && process < OpenInvocations.DENSE && Number.isInteger(process)) {
      if (process >= this.time.length) {
        const grown = new Float64Array(Math.max(this.time.length * 2, process + 1))
        grown.set(this.time)
        this.time = grown
      }
      this.time[process] = time
      this.f[process] = f
    } else this.sparse.set(process, { time, f })
  }

  /** Finds and clears the process's open invocation (into takenTime, takenF); false if it has none. */
  take(process: number): boolean {
    if (process >= 0 && process < OpenInvocations.DENSE && Number.isInteger(process)) {
      const f = this.f[process]
      if (f === undefined) return false
      this.takenTime = this.time[process]!
      this.takenF = f
      this.f[process] = undefined
      return true
    }
    const open = this.sparse.get(process)
    if (!open) return false
    this.sparse.delete(process)
    this.takenTime = open.time
    this.takenF = open.f
    return true
  }

  openFs(): string[] {
    return [...this.f.filter((f): f is string => f !== undefined), ...[...this.sparse.values()].map((o) => o.f)]
  }
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
