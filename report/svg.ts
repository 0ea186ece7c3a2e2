/** Small SVG plots for the report: no scripts, no network, scale with the page. */
import type { FaultWindow, LatencyPoint } from './latency.js'

const W = 900
const H = 260
const PAD = { l: 56, r: 12, t: 12, b: 30 }
/** The plot area every plot shares (checker sections draw their own bodies in it). */
export const PLOT = { W, H, PAD } as const
export const COLORS = { ok: '#2b8a3e', fail: '#e67700', info: '#c92a2a' } as const
const FAULT = ['#fff3bf', '#d0ebff', '#ffe3e3', '#e5dbff', '#d3f9d8']

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Axes, tick labels and shaded fault windows around `body` (drawn in PLOT's coordinates, time in seconds on x). */
export function frame(xMax: number, yLabel: string, yTicks: [number, string][], faults: readonly FaultWindow[], body: string): string {
  const x = (t: number): number => PAD.l + (t / Math.max(xMax, 1e-9)) * (W - PAD.l - PAD.r)
  const labels = [...new Set(faults.map((f) => f.label))]
  const shade = faults
    .map((f) => {
      const c = FAULT[labels.indexOf(f.label) % FAULT.length]
      return `<rect x="${x(f.start).toFixed(1)}" y="${PAD.t}" width="${Math.max(1, x(f.end) - x(f.start)).toFixed(1)}" height="${H - PAD.t - PAD.b}" fill="${c}"><title>${esc(f.label)} ${f.start.toFixed(1)}s–${f.end.toFixed(1)}s</title></rect>`
    })
    .join('')
  const xticks: string[] = []
  const step = niceStep(xMax / 8)
  for (let t = 0; t <= xMax + 1e-9; t += step) {
    xticks.push(`<text x="${x(t).toFixed(1)}" y="${H - 10}" font-size="11" text-anchor="middle">${t.toFixed(step < 1 ? 1 : 0)}s</text>`)
  }
  const yt = yTicks
    .map(([y, l]) => `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y}" y2="${y}" stroke="#e9ecef"/><text x="${PAD.l - 4}" y="${y + 4}" font-size="11" text-anchor="end">${esc(l)}</text>`)
    .join('')
  const legend = labels
    .map((l, i) => `<rect x="${PAD.l + 8 + i * 110}" y="${PAD.t + 4}" width="10" height="10" fill="${FAULT[i % FAULT.length]}" stroke="#adb5bd"/><text x="${PAD.l + 22 + i * 110}" y="${PAD.t + 13}" font-size="11">${esc(l)}</text>`)
    .join('')
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg" font-family="system-ui,sans-serif">${shade}${yt}${body}${xticks.join('')}<text x="12" y="${H / 2}" font-size="11" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">${esc(yLabel)}</text>${legend}</svg>`
}

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1
  const mag = 10 ** Math.floor(Math.log10(raw))
  const n = raw / mag
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag
}

/** Latency on a log scale, one dot per op (at most `maxPoints`, evenly sampled). */
export function latencySvg(points: readonly LatencyPoint[], faults: readonly FaultWindow[], xMax: number, maxPoints = 20_000): string {
  const stride = Math.max(1, Math.ceil(points.length / maxPoints))
  const lo = 0.01
  // A loop, not Math.max(...spread): a long run has more points than the call stack holds arguments.
  const hi = points.reduce((m, p) => Math.max(m, p.ms), 10)
  const y = (ms: number): number => {
    const v = Math.log10(Math.max(lo, ms))
    return H - PAD.b - ((v - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (H - PAD.t - PAD.b)
  }
  const x = (t: number): number => PAD.l + (t / Math.max(xMax, 1e-9)) * (W - PAD.l - PAD.r)
  const dots: string[] = []
  for (let i = 0; i < points.length; i += stride) {
    const p = points[i]!
    dots.push(`<circle cx="${x(p.t).toFixed(1)}" cy="${y(p.ms).toFixed(1)}" r="1.6" fill="${COLORS[p.type]}" fill-opacity="0.6"/>`)
  }
  const ticks: [number, string][] = []
  for (let e = -2; 10 ** e <= hi * 1.0001; e++) ticks.push([y(10 ** e), e >= 3 ? `${10 ** (e - 3)}s` : `${10 ** e}ms`])
  return frame(xMax, 'latency', ticks, faults, dots.join(''))
}

export function throughputSvg(buckets: readonly { t: number; ok: number; fail: number; info: number }[], faults: readonly FaultWindow[], xMax: number): string {
  const max = buckets.reduce((m, b) => Math.max(m, b.ok + b.fail + b.info), 1)
  const y = (v: number): number => H - PAD.b - (v / max) * (H - PAD.t - PAD.b)
  const x = (t: number): number => PAD.l + (t / Math.max(xMax, 1e-9)) * (W - PAD.l - PAD.r)
  const line = (k: 'ok' | 'fail' | 'info'): string =>
    `<polyline fill="none" stroke="${COLORS[k]}" stroke-width="1.5" points="${buckets.map((b) => `${x(b.t + 0.5).toFixed(1)},${y(b[k]).toFixed(1)}`).join(' ')}"/>`
  const ticks: [number, string][] = [0, 0.5, 1].map((f) => [y(max * f), `${Math.round(max * f)}/s`])
  return frame(xMax, 'throughput', ticks, faults, line('ok') + line('fail') + line('info'))
}
