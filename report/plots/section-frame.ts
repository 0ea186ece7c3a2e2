/**
 * The frame a checker's section draws its own plot in (report/sections/): the
 * same width and time axis as the report's timeline (plots/axis.ts), so a
 * section's marks line up with the latency, throughput and fault lanes above
 * it; the time any fault was in force shaded lightly behind.
 */
import { esc } from '../html-text.js'
import type { FaultWindow } from '../faults.js'
import { LEFT, RIGHT, WIDTH, niceStep, px } from './axis.js'
import { faultUnion } from './fault-lanes.js'

const H = 260
const PAD = { l: LEFT, r: RIGHT, t: 12, b: 30 } as const

/** The plot area every section plot shares (body coordinates: x from seconds, y within PAD). */
export const PLOT = { W: WIDTH, H, PAD } as const

/** Axes, tick labels and the shaded fault time around `body` (drawn in PLOT's coordinates, time in seconds on x). */
export function frame(xMax: number, yLabel: string, yTicks: [number, string][], faults: readonly FaultWindow[], body: string): string {
  const end = xMax > 0 ? xMax : 1
  const x = (t: number): number => PAD.l + (Math.min(end, Math.max(0, t)) / end) * (WIDTH - PAD.l - PAD.r)
  const shade = faultUnion(faults)
    .map((f) => `<rect x="${px(x(f.start))}" y="${PAD.t}" width="${px(Math.max(1, x(f.end) - x(f.start)))}" height="${H - PAD.t - PAD.b}" fill="#f1f3f5"/>`)
    .join('')
  const step = niceStep(end / 8)
  const xticks: string[] = []
  for (let t = 0; t <= end + 1e-9; t += step) xticks.push(`<text x="${px(x(t))}" y="${H - 10}" font-size="11" text-anchor="middle" fill="#495057">${t.toFixed(step < 1 ? 1 : 0)} s</text>`)
  const yt = yTicks
    .map(([y, l]) => `<line x1="${PAD.l}" x2="${WIDTH - PAD.r}" y1="${px(y)}" y2="${px(y)}" stroke="#e9ecef"/><text x="${PAD.l - 6}" y="${px(y + 4)}" font-size="11" text-anchor="end" fill="#495057">${esc(l)}</text>`)
    .join('')
  return `<svg viewBox="0 0 ${WIDTH} ${H}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg" font-family="system-ui,sans-serif">${shade}${yt}${body}${xticks.join('')}<text x="14" y="${H / 2}" font-size="11" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">${esc(yLabel)}</text></svg>`
}
