/**
 * The counter checker's report section: every read's value over time, with
 * the range it had to fall in (a grey bar from lower to upper bound); reads
 * outside their range in red; the first of them in a table.
 */
import { counterReads, type CounterResult } from '../../checkers/counter.js'
import type { Op } from '../../core/op.js'
import { faultWindowsOf } from '../faults.js'
import { esc, facts, table, ticks, xScale, yScale, byKind, type SectionRenderer, frame } from './section.js'

export const counterSection: SectionRenderer<CounterResult> = {
  name: 'counter',
  accepts: byKind<CounterResult>('counter'),
  // The plot draws every read with its bounds (counterReads): it still needs the whole history.
  wholeHistory: true,
  render: (r, { name, history }) => ({ title: `Counter: each read and the range it had to fall in (${name})`, html: body(history ?? [], r) }),
}

function body(history: readonly Op[], r: CounterResult): string {
  if (!r.adds) return `<p>${esc(r.summary ?? '')}</p>`
  const rows: [string, unknown][] = [
    ['reads', `${r.reads}, ${r.errorCount} out of bounds`],
    ['adds', `${r.adds.ok} ok, ${r.adds.fail} fail, ${r.adds.info} info`],
    ['last read', r.final ? `${r.final.value} in [${r.final.lower}, ${r.final.upper}]` : 'none'],
  ]
  const errors = (r.errors ?? []).map((e) => [e.index, e.value, e.lower, e.upper])
  return `<p>${esc(r.summary ?? '')}</p>${facts(rows)}${plot(history)}` + (errors.length ? `<h3>Reads out of bounds (first ${errors.length})</h3>${table(['op', 'read', 'lower', 'upper'], errors)}` : '')
}

function plot(history: readonly Op[]): string {
  let reads
  try {
    reads = counterReads(history)
  } catch {
    return ''
  }
  if (reads.length === 0) return ''
  const xMax = (history[history.length - 1]?.time ?? 0) / 1e9
  const x = xScale(xMax)
  let lo = Infinity
  let hi = -Infinity
  for (const r of reads) {
    lo = Math.min(lo, r.lower, r.value)
    hi = Math.max(hi, r.upper, r.value)
  }
  const y = yScale(lo, hi)
  const stride = Math.max(1, Math.ceil(reads.length / 10_000))
  const marks: string[] = []
  for (let i = 0; i < reads.length; i += stride) {
    const r = reads[i]!
    const cx = x(r.time / 1e9).toFixed(1)
    marks.push(`<line x1="${cx}" x2="${cx}" y1="${y(r.lower).toFixed(1)}" y2="${y(r.upper).toFixed(1)}" stroke="#adb5bd" stroke-width="3"/>`)
    marks.push(`<circle cx="${cx}" cy="${y(r.value).toFixed(1)}" r="2" fill="${r.valid ? '#2b8a3e' : '#c92a2a'}"><title>op ${r.index}: ${r.value} in [${r.lower}, ${r.upper}]</title></circle>`)
  }
  const legend = `<div class="legend"><span><i class="dot" style="background:#2b8a3e"></i>read within its range</span><span><i class="dot" style="background:#c92a2a"></i>out of range</span><span>grey bar: from what surely was counted to what may have been</span></div>`
  return legend + frame(xMax, 'counter', ticks(lo, hi).map((v) => [y(v), String(v)]), faultWindowsOf(history), marks.join(''))
}
