/**
 * The two latency panels. The scatter draws every completed operation, but
 * as cells of a grid (a few hundred time columns × 10 rows per decade of
 * latency), coloured by the outcomes in each and shaded by how many fell
 * there, so its size does not grow with the history and no outlier is
 * sampled away. The quantile panel
 * draws p50, p95 and p99 of the ok operations over time on the same scale.
 */
import { binLow, BINS } from '../histogram.js'
import type { Timeline, Outcome } from '../timeline.js'
import { OUTCOMES } from '../timeline.js'
import { px, type TimeAxis } from './axis.js'

export const OUTCOME_COLORS: Record<Outcome, string> = { ok: '#2b8a3e', fail: '#e67700', info: '#c92a2a' }

export interface Band {
  top: number
  height: number
}

/** A log scale in ms over the band, covering the latencies present (at least 0.1 ms to 10 ms). */
export interface LatencyScale {
  y(ms: number): number
  ticks: { y: number; label: string }[]
}

export function latencyScale(timeline: Timeline, band: Band): LatencyScale {
  let lowBin = BINS
  let highBin = 0
  for (const b of timeline.buckets) {
    for (const o of OUTCOMES) {
      const h = b.latency[o]
      if (!h) continue
      for (let i = 0; i < BINS; i++) {
        if (h.bins[i]! === 0) continue
        if (i < lowBin) lowBin = i
        if (i > highBin) highBin = i
      }
    }
  }
  const loMs = lowBin > highBin ? 0.1 : Math.max(1e-3, binLow(lowBin))
  const hiMs = lowBin > highBin ? 10 : binLow(highBin + 1)
  const lo = Math.min(-1, Math.floor(Math.log10(loMs)))
  const hi = Math.max(1, Math.ceil(Math.log10(hiMs)))
  const y = (ms: number): number => {
    const v = Math.log10(Math.max(10 ** lo, Math.min(10 ** hi, ms)))
    return band.top + band.height - ((v - lo) / (hi - lo)) * band.height
  }
  const ticks: { y: number; label: string }[] = []
  for (let e = lo; e <= hi; e++) ticks.push({ y: y(10 ** e), label: msLabel(10 ** e) })
  return { y, ticks }
}

function msLabel(ms: number): string {
  if (ms >= 1000) return `${ms / 1000} s`
  if (ms >= 1) return `${ms} ms`
  return `${Number((ms * 1000).toPrecision(3))} µs`
}

/** At most this many time columns in the scatter. */
const SCATTER_COLUMNS = 320
const ROWS_PER_BIN = 2 // 20 bins per decade drawn as 10 rows

/** Shades by count: 1, 2–9, 10–99, 100+. */
const LEVELS = [0.3, 0.5, 0.75, 1]
const level = (n: number): number => (n >= 100 ? 3 : n >= 10 ? 2 : n >= 2 ? 1 : 0)
const RGB: Record<Outcome, [number, number, number]> = { ok: [0x2b, 0x8a, 0x3e], fail: [0xe6, 0x77, 0x00], info: [0xc9, 0x2a, 0x2a] }
/** Shares of fail and info are drawn in steps of a tenth, so a few colours serve every cell. */
const STEPS = 10

/**
 * A cell's colour mixes the outcomes of its operations by their shares (a
 * cell of ok operations with a few failures is green turning orange), so no
 * outcome is painted over another; its opacity says how many there are.
 */
function cellColor(ok: number, fail: number, info: number): string {
  const total = ok + fail + info
  const f = Math.round((fail / total) * STEPS) / STEPS
  const i = Math.round((info / total) * STEPS) / STEPS
  // A cell with any failure or timeout shows at least a tenth of its colour.
  const fs = fail > 0 ? Math.max(f, 1 / STEPS) : 0
  const is = info > 0 ? Math.max(i, 1 / STEPS) : 0
  const os = Math.max(0, 1 - fs - is)
  const sum = os + fs + is
  const mix = [0, 1, 2].map((c) => Math.round((os * RGB.ok[c]! + fs * RGB.fail[c]! + is * RGB.info[c]!) / sum))
  return `#${mix.map((v) => v.toString(16).padStart(2, '0')).join('')}`
}

export function scatterPanel(timeline: Timeline, axis: TimeAxis, scale: LatencyScale): string {
  const factor = Math.ceil(timeline.buckets.length / SCATTER_COLUMNS)
  const columns = timeline.regroup(factor)
  const colSeconds = (timeline.widthNs * Math.max(1, factor)) / 1e9
  const w = Math.max(1.5, colSeconds * axis.scale)
  const paths = new Map<string, string[]>() // "colour opacity" → cells
  columns.forEach((col, c) => {
    const x = axis.x(c * colSeconds)
    for (let b = 0; b < BINS; b += ROWS_PER_BIN) {
      const count = (o: Outcome): number => {
        const h = col.latency[o]
        return h ? h.bins[b]! + (h.bins[b + 1] ?? 0) : 0
      }
      const ok = count('ok')
      const fail = count('fail')
      const info = count('info')
      const n = ok + fail + info
      if (n === 0) continue
      const top = scale.y(binLow(Math.min(BINS, b + ROWS_PER_BIN)) || 1e-9)
      const bottom = scale.y(binLow(b) || 1e-9)
      const height = Math.max(1.5, bottom - top)
      const key = `${cellColor(ok, fail, info)} ${LEVELS[level(n)]}`
      let cells = paths.get(key)
      if (!cells) paths.set(key, (cells = []))
      cells.push(`M${px(x)} ${px(bottom - height)}h${px(w)}v${px(height)}h-${px(w)}z`)
    }
  })
  return [...paths]
    .map(([key, cells]) => {
      const [color, opacity] = key.split(' ')
      return `<path fill="${color}" fill-opacity="${opacity}" d="${cells.join('')}"/>`
    })
    .join('')
}

const QUANTILE_COLUMNS = 160
export const QUANTILES: { q: number; name: string; color: string }[] = [
  { q: 0.5, name: 'p50', color: '#1971c2' },
  { q: 0.95, name: 'p95', color: '#9c36b5' },
  { q: 0.99, name: 'p99', color: '#e8590c' },
]

export function quantilePanel(timeline: Timeline, axis: TimeAxis, scale: LatencyScale): string {
  const factor = Math.ceil(timeline.buckets.length / QUANTILE_COLUMNS)
  const columns = timeline.regroup(factor)
  const colSeconds = (timeline.widthNs * Math.max(1, factor)) / 1e9
  return QUANTILES.map(({ q, color }) => {
    let d = ''
    let run = 0 // points in the current stretch; a lone point gets a dot
    columns.forEach((col, c) => {
      const h = col.latency.ok
      if (!h || h.count === 0) {
        if (run === 1) d += 'l0.1 0'
        run = 0
        return
      }
      d += `${run > 0 ? 'L' : 'M'}${px(axis.x((c + 0.5) * colSeconds))} ${px(scale.y(h.quantile(q)))}`
      run++
    })
    if (run === 1) d += 'l0.1 0'
    return d ? `<path fill="none" stroke="${color}" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round" d="${d}"/>` : ''
  }).join('')
}
