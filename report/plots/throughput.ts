/** Completions per second by outcome, in columns of at least a second. */
import type { Timeline } from '../timeline.js'
import { OUTCOMES } from '../timeline.js'
import { niceStep, px, type TimeAxis } from './axis.js'
import { OUTCOME_COLORS, type Band } from './latency.js'

const COLUMNS = 160

export function throughputPanel(timeline: Timeline, axis: TimeAxis, band: Band): { body: string; ticks: { y: number; label: string }[] } {
  const perSecond = Math.ceil(1e9 / timeline.widthNs)
  const factor = Math.max(perSecond, Math.ceil(timeline.buckets.length / COLUMNS))
  const columns = timeline.regroup(factor)
  const colSeconds = (timeline.widthNs * factor) / 1e9
  // A last column cut short by the end of the history is divided by the time it covers, and left
  // out when that is under half a column: a rate over a sliver (the final reads' burst) says little.
  const covered = axis.end - (columns.length - 1) * colSeconds
  const shown = covered < colSeconds / 2 && columns.length > 1 ? columns.slice(0, -1) : columns
  const rates = shown.map((c, i) => OUTCOMES.map((o) => c.completed[o] / (i === columns.length - 1 ? Math.min(colSeconds, Math.max(covered, 1e-9)) : colSeconds)))
  const max = Math.max(1, ...rates.map((r) => Math.max(...r)))
  const step = niceStep(max / 3)
  const top = Math.ceil(max / step) * step
  const y = (v: number): number => band.top + band.height - (v / top) * band.height
  const body = OUTCOMES.map((o, oi) => {
    const d = rates.map((r, c) => `${c === 0 ? 'M' : 'L'}${px(axis.x(Math.min((c + 0.5) * colSeconds, (c * colSeconds + axis.end) / 2)))} ${px(y(r[oi]!))}`).join('')
    return d ? `<path fill="none" stroke="${OUTCOME_COLORS[o]}" stroke-width="1.5" stroke-linejoin="round" d="${d}"/>` : ''
  }).join('')
  const ticks: { y: number; label: string }[] = []
  for (let v = 0; v <= top + 1e-9; v += step) ticks.push({ y: y(v), label: `${Number(v.toPrecision(6))}/s` })
  return { body, ticks }
}
