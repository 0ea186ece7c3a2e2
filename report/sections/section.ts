/**
 * How a checker's result gets its own part of report.html, and the pieces the
 * sections share. A section renderer is a record of plain functions,
 * registered in `sections/index.ts`:
 *
 *   accepts(result)   is this a result it draws (e.g. an invalid linearizability result)?
 *   wants(result)     history indexes of the operations it shows in full (optional);
 *                     the report picks out exactly those, each with its invocation
 *                     or completion, in its one pass over the history file
 *   fold(result)      optional, for a view drawn from every operation of some kinds
 *                     (the set, bank and counter plots): a `SectionFold` given those
 *                     operations, whole, one at a time, in the report's one pass; it
 *                     keeps what its view draws (bounded, e.g. at most so many dots),
 *                     never the operations
 *   render(result, context)  the section: a title, an HTML fragment, optionally a
 *                     stretch of time to mark on the timeline and pages to write
 *                     beside report.html
 *
 * Every checker result in results.json is offered to the renderers in order;
 * the first that accepts it draws it. Renderers read results and history
 * operations only (checkers stay pure functions of the history); a window
 * asked for should be a few thousand operations at most, and a fold keeps
 * what it draws, not what it is given, so the report's memory stays
 * independent of the history's length.
 */
import type { CheckResult } from '../../checkers/checker.js'
import type { Op } from '../../core/op.js'
import { esc } from '../html-text.js'
import type { Mark } from '../plots/figure.js'
import { PLOT } from '../plots/section-frame.js'
import type { HistorySummary } from '../summary.js'

export { esc }
export { frame, PLOT } from '../plots/section-frame.js'

export interface ReportSection {
  title: string
  /** An HTML fragment, already escaped. */
  html: string
  /** The anomaly's stretch of time (seconds since the workload started), marked across the timeline. */
  mark?: Mark
  /** Pages written next to report.html, by file name (link to them by that name). */
  files?: Record<string, string>
}

export interface SectionContext {
  /** The checker's name: its key under `checkers` in results.json. */
  name: string
  /** The operations `wants` asked for, whole, in history order. */
  ops: readonly Op[]
  /** The renderer's fold, after the pass (renderers with `fold` only; absent when the history could not be read). */
  folded?: SectionFold
  /** The pass's summary: counts, timeline, fault windows. */
  summary: HistorySummary
  /** test.json. */
  test: Record<string, unknown>
}

/** What a section folds in the report's pass: the client operations whose f is in `fs`, in history order, each with its index, time, type, process, f and value (not node or error). */
export interface SectionFold {
  readonly fs: ReadonlySet<string>
  add(op: Op): void
}

export interface SectionRenderer<R extends CheckResult = CheckResult, F extends SectionFold = SectionFold> {
  readonly name: string
  accepts(result: CheckResult): result is R
  wants?(result: R): Iterable<number>
  /** Undefined: nothing to draw from the operations for this result (e.g. the checker could not read the history). */
  fold?(result: R): F | undefined
  render(result: R, context: SectionContext & { folded?: F }): ReportSection | undefined
}

/** A renderer for the results whose `checker` field is `kind` (the classic checkers say what they are). */
export function byKind<R extends CheckResult>(kind: string): (r: CheckResult) => r is R {
  return (r: CheckResult): r is R => r.checker === kind
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
