/**
 * A checker's section of report.html: a title and an HTML fragment (already
 * escaped), built from the history and the checker's result, and the pieces
 * the sections share: escaping, a small table, the plot's x and y scales.
 */
import type { CheckResult } from '../../checkers/checker.js'
import { esc, PLOT } from '../svg.js'

export { esc }

export interface ReportSection {
  title: string
  html: string
}

/** The results of every checker that says it is `kind` (its `checker` field), by the name it ran under. */
export function resultsOf<R extends CheckResult>(results: CheckResult | undefined, kind: string): [string, R][] {
  const checkers = (results?.checkers ?? {}) as Record<string, CheckResult>
  return Object.entries(checkers).filter((e): e is [string, R] => e[1]?.checker === kind)
}

/** A two-column table of facts. */
export function facts(rows: [string, unknown][]): string {
  return `<table class="facts">${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(typeof v === 'string' ? v : JSON.stringify(v) ?? '')}</td></tr>`).join('')}</table>`
}

/** A table with a header row; cells are escaped. */
export function table(header: string[], rows: unknown[][]): string {
  const cell = (v: unknown): string => esc(typeof v === 'string' ? v : JSON.stringify(v) ?? '')
  return `<table><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`).join('')}</table>`
}

/** Seconds → x pixel, over [0, xMax]. */
export function xScale(xMax: number): (t: number) => number {
  return (t) => PLOT.PAD.l + (t / Math.max(xMax, 1e-9)) * (PLOT.W - PLOT.PAD.l - PLOT.PAD.r)
}

/** Value → y pixel over [lo, hi], linear. */
export function yScale(lo: number, hi: number): (v: number) => number {
  const span = hi - lo || 1
  return (v) => PLOT.H - PLOT.PAD.b - ((v - lo) / span) * (PLOT.H - PLOT.PAD.t - PLOT.PAD.b)
}

/** A few round tick values over [lo, hi]. */
export function ticks(lo: number, hi: number, count = 4): number[] {
  const raw = (hi - lo) / count
  if (!(raw > 0)) return [lo]
  const mag = 10 ** Math.floor(Math.log10(raw))
  const n = raw / mag
  const step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6)
  return out
}
