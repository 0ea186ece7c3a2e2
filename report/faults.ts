/**
 * Fault windows from the nemesis ops of a history, one lane per fault kind.
 * A window runs from the invocation of the op that starts a fault (it may be
 * in force from then) to the completion of the op that stops it; a fault
 * never stopped runs to the end of the history. A start that failed opens no
 * window; one that ended `info` opens a window marked uncertain.
 */
import { faultDetail, faultKindOf } from './fault-words.js'

export interface FaultWindow {
  /** The fault kind: partition, packet, clock, kill, pause, skewed-leader, ... */
  kind: string
  /** What it did, in words: nodes, topology, offsets. */
  label: string
  /** Seconds since the workload started. */
  start: number
  end: number
  /** History indexes of the start op's invocation and the stop op's completion. */
  startIndex: number
  endIndex: number
  /** Never stopped: ran to the end of the history. */
  open: boolean
  /** The start op's outcome is unknown (info): the fault may not have happened. */
  uncertain: boolean
}

/** The nemesis op fields the tracker reads. */
export interface NemesisOp {
  index: number
  time: number
  type: string
  f: string
  value: unknown
}

/** More windows than a report can draw (a fault a second for five hours): the rest are counted. */
export const MAX_WINDOWS = 20_000

export class FaultTracker {
  private readonly open = new Map<string, Omit<FaultWindow, 'end' | 'endIndex' | 'open'>>()
  private pendingInvoke: NemesisOp | undefined
  readonly windows: FaultWindow[] = []
  dropped = 0

  /** Feed every nemesis op, in history order. */
  add(op: NemesisOp): void {
    if (op.type === 'invoke') {
      this.pendingInvoke = { ...op }
      return
    }
    const invoke = this.pendingInvoke?.f === op.f ? this.pendingInvoke : undefined
    this.pendingInvoke = undefined
    const k = faultKindOf(op.f)
    if (!k) return
    const from = invoke ?? op
    if (k.opens) {
      if (op.type === 'fail') return
      const previous = this.open.get(k.kind)
      if (previous) this.close(previous, from.time, from.index, false)
      this.open.set(k.kind, {
        kind: k.kind,
        label: faultDetail(op.f, op.value ?? invoke?.value, invoke?.value),
        start: from.time / 1e9,
        startIndex: from.index,
        uncertain: op.type === 'info',
      })
    } else {
      const started = this.open.get(k.kind)
      if (!started) return
      this.close(started, op.time, op.index, false)
      this.open.delete(k.kind)
    }
  }

  /** The windows, with those still open closed at `endTime` (ns) / `endIndex`. */
  finish(endTime: number, endIndex: number): FaultWindow[] {
    for (const started of this.open.values()) this.close(started, endTime, endIndex, true)
    this.open.clear()
    return this.windows.sort((a, b) => a.start - b.start)
  }

  private close(w: Omit<FaultWindow, 'end' | 'endIndex' | 'open'>, time: number, index: number, open: boolean): void {
    if (this.windows.length >= MAX_WINDOWS) {
      this.dropped++
      return
    }
    this.windows.push({ ...w, end: Math.max(w.start, time / 1e9), endIndex: index, open })
  }
}

/** The kinds present, in the order their first window starts: one lane each. */
export function faultLanes(windows: readonly FaultWindow[]): string[] {
  const lanes: string[] = []
  for (const w of windows) if (!lanes.includes(w.kind)) lanes.push(w.kind)
  return lanes
}

/** The fault windows of a history held in memory (for the sections that still fold the whole history). */
export function faultWindowsOf(history: readonly (NemesisOp & { process: unknown })[]): FaultWindow[] {
  const tracker = new FaultTracker()
  let endTime = 0
  let endIndex = 0
  for (const op of history) {
    if (op.time > endTime) endTime = op.time
    endIndex = op.index
    if (op.process === 'nemesis') tracker.add(op)
  }
  return tracker.finish(endTime, endIndex)
}
