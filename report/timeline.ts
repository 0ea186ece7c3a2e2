/**
 * The run over time, in a fixed amount of memory: at most MAX_BUCKETS time
 * buckets, each with completions by outcome (at their completion time) and a
 * latency histogram per outcome (at their invocation time, as the latency
 * plot draws them). Buckets start 10 ms wide; when the history outlasts them,
 * their width doubles and neighbours merge, so a ten-second run and a day-long
 * one both end with a few hundred to a thousand buckets.
 */
import { binOf, LogHistogram } from './histogram.js'

export type Outcome = 'ok' | 'fail' | 'info'
export const OUTCOMES: readonly Outcome[] = ['ok', 'fail', 'info']

export interface Bucket {
  /** Completions in this bucket, by outcome. */
  completed: Record<Outcome, number>
  /** Latencies (ms) of operations invoked in this bucket, by outcome. */
  latency: Partial<Record<Outcome, LogHistogram>>
}

export const MAX_BUCKETS = 1024
const FIRST_WIDTH_NS = 10e6

function emptyBucket(): Bucket {
  return { completed: { ok: 0, fail: 0, info: 0 }, latency: {} }
}

function mergeInto(a: Bucket, b: Bucket): void {
  for (const o of OUTCOMES) {
    a.completed[o] += b.completed[o]
    const h = b.latency[o]
    if (h) {
      const into = a.latency[o]
      if (into) into.merge(h)
      else a.latency[o] = h
    }
  }
}

export class Timeline {
  /** Nanoseconds per bucket. */
  widthNs = FIRST_WIDTH_NS
  readonly buckets: Bucket[] = []

  /** One client operation: invoked at `invokeNs`, completed at `completeNs` with `outcome` after `ms` (in histogram bin `bin`). */
  add(invokeNs: number, completeNs: number, outcome: Outcome, ms: number, bin = binOf(ms)): void {
    const b = this.bucketAt(completeNs)
    b.completed[outcome]++
    const at = this.bucketAt(invokeNs)
    const h = at.latency[outcome] ?? (at.latency[outcome] = new LogHistogram())
    h.addAt(bin, ms)
  }

  private bucketAt(ns: number): Bucket {
    const t = ns > 0 ? ns : 0
    if (t >= this.widthNs * MAX_BUCKETS) while (t >= this.widthNs * MAX_BUCKETS) this.coarsen()
    const i = Math.floor(t / this.widthNs)
    const b = this.buckets[i]
    if (b) return b
    while (this.buckets.length <= i) this.buckets.push(emptyBucket())
    return this.buckets[i]!
  }

  /** Doubles the width: bucket i of the result holds old buckets 2i and 2i+1. */
  private coarsen(): void {
    const merged: Bucket[] = []
    for (let i = 0; i < this.buckets.length; i += 2) {
      const a = this.buckets[i]!
      const b = this.buckets[i + 1]
      if (b) mergeInto(a, b)
      merged.push(a)
    }
    this.buckets.length = 0
    this.buckets.push(...merged)
    this.widthNs *= 2
  }

  /**
   * The buckets regrouped `factor` at a time (for a plot's resolution); the
   * original buckets are left as they are.
   */
  regroup(factor: number): Bucket[] {
    const f = Math.max(1, Math.floor(factor))
    if (f === 1) return this.buckets
    const out: Bucket[] = []
    for (let i = 0; i < this.buckets.length; i += f) {
      const g = emptyBucket()
      for (let j = i; j < Math.min(i + f, this.buckets.length); j++) {
        const b = this.buckets[j]!
        for (const o of OUTCOMES) {
          g.completed[o] += b.completed[o]
          const h = b.latency[o]
          if (h) (g.latency[o] ?? (g.latency[o] = new LogHistogram())).merge(h)
        }
      }
      out.push(g)
    }
    return out
  }
}
