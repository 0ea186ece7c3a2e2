/**
 * The counter checker's report section: every read's value over time, with
 * the range it had to fall in (a grey bar from lower to upper bound); reads
 * outside their range in red; the first of them in a table.
 */
import { CounterFold, type CounterRead, type CounterResult } from '../../checkers/counter.js'
import type { Op } from '../../core/op.js'
import type { HistorySummary } from '../summary.js'
import { esc, facts, table, ticks, xScale, yScale, byKind, type SectionFold, type SectionRenderer, frame } from './section.js'

/** At most this many reads are drawn: every stride-th, in the order they completed. */
const MAX_READS = 10_000

/**
 * The plot's fold: the counter check's own fold (checkers/counter.ts), keeping
 * every stride-th read it judges and the range of all of them; the stride
 * comes from the result's read count, so no more than MAX_READS are kept.
 */
class CounterPlot implements SectionFold {
  readonly fs = new Set(['add', 'read'])
  private readonly fold: CounterFold
  private readonly drawn: CounterRead[] = []
  private lo = Infinity
  private hi = -Infinity
  private n = 0

  constructor(stride: number) {
    this.fold = new CounterFold({}, (r) => {
      this.lo = Math.min(this.lo, r.lower, r.value)
      this.hi = Math.max(this.hi, r.upper, r.value)
      if (this.n++ % stride === 0) this.drawn.push(r)
    })
  }

  add(op: Op): void {
    this.fold.add(op)
  }

  /** The drawn reads and the range of all, or undefined when the history could not be read as a counter's. */
  finish(): { reads: CounterRead[]; lo: number; hi: number } | undefined {
    this.fold.finish()
    if (this.fold.malformed !== undefined) return undefined
    return { reads: this.drawn, lo: this.lo, hi: this.hi }
  }
}

export const counterSection: SectionRenderer<CounterResult, CounterPlot> = {
  name: 'counter',
  accepts: byKind<CounterResult>('counter'),
  // Every read with its bounds is plotted: the reads are folded in the report's pass, at most MAX_READS kept.
  fold: (r) => (r.adds ? new CounterPlot(Math.max(1, Math.ceil(r.reads / MAX_READS))) : undefined),
  render: (r, { name, folded, summary }) => ({ title: `Counter: each read and the range it had to fall in (${name})`, html: body(folded, summary, r) }),
}

function body(folded: CounterPlot | undefined, summary: HistorySummary, r: CounterResult): string {
  if (!r.adds) return `<p>${esc(r.summary ?? '')}</p>`
  const rows: [string, unknown][] = [
    ['reads', `${r.reads}, ${r.errorCount} out of bounds`],
    ['adds', `${r.adds.ok} ok, ${r.adds.fail} fail, ${r.adds.info} info`],
    ['last read', r.final ? `${r.final.value} in [${r.final.lower}, ${r.final.upper}]` : 'none'],
  ]
  const errors = (r.errors ?? []).map((e) => [e.index, e.value, e.lower, e.upper])
  return `<p>${esc(r.summary ?? '')}</p>${facts(rows)}${folded ? plot(folded, summary) : ''}` + (errors.length ? `<h3>Reads out of bounds (first ${errors.length})</h3>${table(['op', 'read', 'lower', 'upper'], errors)}` : '')
}

function plot(folded: CounterPlot, summary: HistorySummary): string {
  const drawn = folded.finish()
  if (!drawn || drawn.reads.length === 0) return ''
  const { reads, lo, hi } = drawn
  const xMax = summary.endSeconds
  const x = xScale(xMax)
  const y = yScale(lo, hi)
  const marks: string[] = []
  for (const r of reads) {
    const cx = x(r.time / 1e9).toFixed(1)
    marks.push(`<line x1="${cx}" x2="${cx}" y1="${y(r.lower).toFixed(1)}" y2="${y(r.upper).toFixed(1)}" stroke="#adb5bd" stroke-width="3"/>`)
    marks.push(`<circle cx="${cx}" cy="${y(r.value).toFixed(1)}" r="2" fill="${r.valid ? '#2b8a3e' : '#c92a2a'}"><title>op ${r.index}: ${r.value} in [${r.lower}, ${r.upper}]</title></circle>`)
  }
  const legend = `<div class="legend"><span><i class="dot" style="background:#2b8a3e"></i>read within its range</span><span><i class="dot" style="background:#c92a2a"></i>out of range</span><span>grey bar: from what surely was counted to what may have been</span></div>`
  return legend + frame(xMax, 'counter', ticks(lo, hi).map((v) => [y(v), String(v)]), summary.faults, marks.join(''))
}
