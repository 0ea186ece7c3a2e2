/**
 * Latency and throughput as data for the report: one point per completed client
 * operation, and fault windows from the nemesis ops.
 */
import { pairOps, type Op } from '../core/op.js'

export interface LatencyPoint {
  /** Seconds since the start (invocation time). */
  t: number
  /** Milliseconds from invoke to completion. */
  ms: number
  type: 'ok' | 'fail' | 'info'
  f: string
}

export interface FaultWindow {
  label: string
  /** Seconds since the start. */
  start: number
  end: number
  /** The same window as history indexes (for views whose axis is history order). */
  startIndex: number
  endIndex: number
}

export interface LatencyStats {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

export function latencyPoints(history: readonly Op[]): LatencyPoint[] {
  const out: LatencyPoint[] = []
  for (const { invoke, complete } of pairOps(history)) {
    if (!complete || invoke.process === 'nemesis') continue
    out.push({ t: invoke.time / 1e9, ms: (complete.time - invoke.time) / 1e6, type: complete.type as LatencyPoint['type'], f: invoke.f })
  }
  return out
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

export function latencyStats(points: readonly LatencyPoint[], type: 'ok' | 'all' = 'ok'): LatencyStats {
  const ms = points.filter((p) => type === 'all' || p.type === 'ok').map((p) => p.ms).sort((a, b) => a - b)
  return { count: ms.length, p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: ms[ms.length - 1] ?? 0 }
}

/**
 * Fault windows: a nemesis `start-X` (or kill/pause/bump-clock/strobe-clock)
 * opens a window that the matching `stop-X` (start/resume/reset-clock) closes;
 * a window still open at the end runs to the end of the history.
 */
export function faultWindows(history: readonly Op[]): FaultWindow[] {
  const closers: Record<string, string> = { start: 'kill', resume: 'pause', 'reset-clock': 'clock', restart: 'kill' }
  const openers: Record<string, string> = { kill: 'kill', pause: 'pause', 'bump-clock': 'clock', 'strobe-clock': 'clock' }
  const open = new Map<string, Op>()
  const out: FaultWindow[] = []
  const last = history[history.length - 1]
  for (const op of history) {
    if (op.process !== 'nemesis' || op.type === 'invoke') continue
    const m = /^(start|stop)-(.+)$/.exec(op.f)
    let opens: string | undefined
    let closes: string | undefined
    if (m) {
      if (m[1] === 'start') opens = m[2]
      else closes = m[2]
    } else {
      opens = openers[op.f]
      closes = closers[op.f]
    }
    if (opens && !open.has(opens)) open.set(opens, op)
    const from = closes ? open.get(closes) : undefined
    if (closes && from) {
      out.push({ label: closes, start: from.time / 1e9, end: op.time / 1e9, startIndex: from.index, endIndex: op.index })
      open.delete(closes)
    }
  }
  for (const [label, from] of open) {
    out.push({ label, start: from.time / 1e9, end: (last?.time ?? 0) / 1e9, startIndex: from.index, endIndex: last?.index ?? from.index })
  }
  return out.sort((a, b) => a.start - b.start)
}

/** Completed ops per second, per one-second bucket, by completion type. */
export function throughput(points: readonly LatencyPoint[]): { t: number; ok: number; fail: number; info: number }[] {
  const buckets: { t: number; ok: number; fail: number; info: number }[] = []
  for (const p of points) {
    const s = Math.floor(p.t + p.ms / 1000)
    while (buckets.length <= s) buckets.push({ t: buckets.length, ok: 0, fail: 0, info: 0 })
    buckets[s]![p.type]++
  }
  return buckets
}
