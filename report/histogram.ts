/**
 * A latency histogram of fixed size: log-spaced bins, 20 per decade from 1 µs
 * to 10^6 ms (about 12% wide, so a quantile read from it is within 6% of the
 * true value), plus one bin below and one above. Histograms merge by adding
 * their bins, which is what lets the report coarsen time buckets for a long
 * run without keeping any latency twice.
 */

const PER_DECADE = 20
const LOW_MS = 1e-3
const DECADES = 9
/** Bin 0: below LOW_MS; bin BINS-1: at or above LOW_MS × 10^DECADES. */
export const BINS = PER_DECADE * DECADES + 2
const LOG_LOW = Math.log10(LOW_MS)

export function binOf(ms: number): number {
  if (!(ms >= LOW_MS)) return 0
  const b = Math.floor((Math.log10(ms) - LOG_LOW) * PER_DECADE) + 1
  return b >= BINS - 1 ? BINS - 1 : b
}

/** The lower edge of bin `b` in ms (bin 0's lower edge is 0). */
export function binLow(b: number): number {
  return b <= 0 ? 0 : LOW_MS * 10 ** ((b - 1) / PER_DECADE)
}

/** A representative value of bin `b` in ms: the geometric middle of its edges. */
export function binMid(b: number): number {
  if (b <= 0) return LOW_MS / 2
  return LOW_MS * 10 ** ((b - 0.5) / PER_DECADE)
}

export class LogHistogram {
  readonly bins = new Uint32Array(BINS)
  count = 0
  max = 0

  add(ms: number): void {
    this.addAt(binOf(ms), ms)
  }

  /** `add` with the bin already known (one logarithm for several histograms). */
  addAt(bin: number, ms: number): void {
    this.bins[bin]!++
    this.count++
    if (ms > this.max) this.max = ms
  }

  merge(other: LogHistogram): void {
    for (let b = 0; b < BINS; b++) this.bins[b]! += other.bins[b]!
    this.count += other.count
    if (other.max > this.max) this.max = other.max
  }

  /**
   * The q-quantile (0 < q ≤ 1) in ms: the middle of the bin holding the
   * ⌈q·n⌉-th smallest value, never above the maximum; the maximum itself for the last rank.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0
    const rank = Math.max(1, Math.ceil(q * this.count))
    if (rank >= this.count) return this.max
    let seen = 0
    for (let b = 0; b < BINS; b++) {
      seen += this.bins[b]!
      if (seen >= rank) return Math.min(binMid(b), this.max)
    }
    return this.max
  }
}
