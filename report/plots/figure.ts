/**
 * The report's timeline figure: latency of every operation, latency quantiles,
 * throughput and the fault lanes, stacked over one time axis (seconds since
 * the workload started). Fault time is shaded lightly behind the data; an
 * anomaly's window is marked across every panel. Plain SVG: no script, no
 * network, and its size set by the plot's resolution, not the history's length.
 */
import { esc } from '../html-text.js'
import type { FaultWindow } from '../faults.js'
import type { HistorySummary } from '../summary.js'
import { LEFT, px, timeAxis, timeTicks, WIDTH, type TimeAxis } from './axis.js'
import { faultLanesSvg, faultUnion, LANE_HEIGHT } from './fault-lanes.js'
import { latencyScale, quantilePanel, scatterPanel, type Band } from './latency.js'
import { throughputPanel } from './throughput.js'

/** A stretch of time a section points at (an anomaly's operations). */
export interface Mark {
  from: number
  to: number
  label: string
}

const TITLE = 16
const GAP = 14

function panelFrame(band: Band, axis: TimeAxis, title: string, ticks: { y: number; label: string }[], shade: { start: number; end: number }[]): string {
  const right = axis.x(axis.end)
  const shading = shade
    .map((s) => `<rect x="${px(axis.x(s.start))}" y="${band.top}" width="${px(Math.max(1, axis.x(s.end) - axis.x(s.start)))}" height="${band.height}" fill="#f1f3f5"/>`)
    .join('')
  const grid = ticks
    .map((t) => `<line x1="${LEFT}" x2="${px(right)}" y1="${px(t.y)}" y2="${px(t.y)}" stroke="#e9ecef"/><text x="${LEFT - 6}" y="${px(t.y + 4)}" font-size="11" text-anchor="end" fill="#495057">${esc(t.label)}</text>`)
    .join('')
  return (
    `<text x="${LEFT}" y="${band.top - 5}" font-size="12" font-weight="600" fill="#343a40">${esc(title)}</text>` +
    shading +
    grid +
    `<rect x="${LEFT}" y="${band.top}" width="${px(right - LEFT)}" height="${band.height}" fill="none" stroke="#ced4da"/>`
  )
}

export function timelineFigure(summary: HistorySummary, lanes: readonly string[], marks: readonly Mark[] = []): string {
  const axis = timeAxis(summary.endSeconds)
  const faults: readonly FaultWindow[] = summary.faults
  const shade = faultUnion(faults)
  let y = TITLE + 4
  const scatterBand: Band = { top: y, height: 190 }
  y += scatterBand.height + GAP + TITLE
  const quantileBand: Band = { top: y, height: 130 }
  y += quantileBand.height + GAP + TITLE
  const throughputBand: Band = { top: y, height: 110 }
  y += throughputBand.height + GAP + TITLE
  const lanesTop = y
  y += Math.max(1, lanes.length) * LANE_HEIGHT
  const axisY = y + 4
  const height = axisY + 22

  const scale = latencyScale(summary.timeline, scatterBand)
  const qScale = latencyScale(summary.timeline, quantileBand)
  const throughput = throughputPanel(summary.timeline, axis, throughputBand)
  const parts = [
    panelFrame(scatterBand, axis, 'latency of each operation (shade: how many)', scale.ticks, shade),
    scatterPanel(summary.timeline, axis, scale),
    panelFrame(quantileBand, axis, 'latency quantiles of ok operations: p50, p95, p99', qScale.ticks, shade),
    quantilePanel(summary.timeline, axis, qScale),
    panelFrame(throughputBand, axis, 'completions per second', throughput.ticks, shade),
    throughput.body,
    `<text x="${LEFT}" y="${lanesTop - 5}" font-size="12" font-weight="600" fill="#343a40">faults, one lane per kind</text>`,
    lanes.length ? faultLanesSvg(faults, lanes, axis, lanesTop) : `<text x="${LEFT + 4}" y="${lanesTop + 13}" font-size="11" fill="#868e96">none</text>`,
  ]
  // The anomaly's window, across every panel, over the data.
  for (const m of marks) {
    const x0 = axis.x(m.from)
    const w = Math.max(2, axis.x(m.to) - x0)
    parts.push(
      `<g><title>${esc(m.label)}: ${m.from.toFixed(3)}–${m.to.toFixed(3)} s</title><rect x="${px(x0)}" y="${scatterBand.top}" width="${px(w)}" height="${px(axisY - scatterBand.top)}" fill="#c92a2a" fill-opacity="0.10" stroke="#c92a2a" stroke-dasharray="4 3"/>` +
        `<text x="${px(Math.min(x0 + w + 4, WIDTH - 200))}" y="${scatterBand.top + 12}" font-size="11" fill="#c92a2a">${esc(m.label)}</text></g>`,
    )
  }
  for (const t of timeTicks(axis)) {
    const x = axis.x(t.t)
    parts.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${axisY - 4}" y2="${axisY}" stroke="#868e96"/><text x="${px(x)}" y="${axisY + 14}" font-size="11" text-anchor="middle" fill="#495057">${t.label}</text>`)
  }
  return `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="latency, throughput and faults over time" xmlns="http://www.w3.org/2000/svg" font-family="system-ui,sans-serif">${parts.join('')}</svg>`
}
