/**
 * Fault windows as lanes under the plots: one lane per fault kind, so windows
 * of different kinds never cover each other, each window labelled with what
 * it did (its nodes or topology) where it is wide enough, else with its
 * number in the faults table below the figure.
 */
import { esc } from '../html-text.js'
import type { FaultWindow } from '../faults.js'
import { LEFT, px, type TimeAxis } from './axis.js'

export const LANE_HEIGHT = 20
const KIND_COLORS: Record<string, string> = {
  partition: '#74c0fc',
  packet: '#ffa94d',
  clock: '#b197fc',
  kill: '#ff8787',
  pause: '#ffd43b',
  'skewed-leader': '#63e6be',
}
const OTHER_COLORS = ['#a9e34b', '#f783ac', '#66d9e8', '#ced4da']

export function kindColor(kind: string, lanes: readonly string[]): string {
  return KIND_COLORS[kind] ?? OTHER_COLORS[Math.max(0, lanes.indexOf(kind)) % OTHER_COLORS.length]!
}

/** Approximate width of text at 11 px in the report's sans-serif. */
const textWidth = (s: string): number => s.length * 6.2 + 6

/** The first words of a label that still say something ("majority", "n3"). */
function shortLabel(label: string): string {
  const cut = label.search(/[:,;]/)
  return cut > 0 ? label.slice(0, cut) : label
}

/**
 * The lanes as SVG, starting at y = `top`. `numbers` gives each window's
 * number in the faults table (by its position in `windows`).
 */
export function faultLanesSvg(windows: readonly FaultWindow[], lanes: readonly string[], axis: TimeAxis, top: number): string {
  const out: string[] = []
  lanes.forEach((kind, li) => {
    const y = top + li * LANE_HEIGHT
    out.push(`<rect x="${LEFT}" y="${y}" width="${px(axis.x(axis.end) - LEFT)}" height="${LANE_HEIGHT - 2}" fill="#f8f9fa"/>`)
    out.push(`<text x="${LEFT - 6}" y="${y + 13}" font-size="11" text-anchor="end" fill="#495057">${esc(kind)}</text>`)
  })
  windows.forEach((w, i) => {
    const li = lanes.indexOf(w.kind)
    if (li < 0) return
    const y = top + li * LANE_HEIGHT
    const x0 = axis.x(w.start)
    const width = Math.max(2, axis.x(w.end) - x0)
    const color = kindColor(w.kind, lanes)
    const title = `${w.kind} #${i + 1}: ${w.label || w.kind}, ${w.start.toFixed(2)}–${w.end.toFixed(2)} s${w.open ? ' (never stopped)' : ''}${w.uncertain ? ' (may not have happened: its start ended info)' : ''}`
    const text = [w.label, shortLabel(w.label), `#${i + 1}`].find((s) => s && textWidth(s) <= width)
    out.push(
      `<g><title>${esc(title)}</title><rect x="${px(x0)}" y="${y}" width="${px(width)}" height="${LANE_HEIGHT - 2}" fill="${color}"${w.uncertain ? ' fill-opacity="0.45" stroke="#495057" stroke-dasharray="3 2"' : ''}/>` +
        (text ? `<text x="${px(x0 + 3)}" y="${y + 13}" font-size="11" fill="#212529">${esc(text)}</text>` : '') +
        '</g>',
    )
  })
  return out.join('')
}

/** The union of all windows, merged, for the light shading behind the data panels. */
export function faultUnion(windows: readonly FaultWindow[]): { start: number; end: number }[] {
  const sorted = [...windows].sort((a, b) => a.start - b.start)
  const out: { start: number; end: number }[] = []
  for (const w of sorted) {
    const last = out[out.length - 1]
    if (last && w.start <= last.end) last.end = Math.max(last.end, w.end)
    else out.push({ start: w.start, end: w.end })
  }
  return out
}
