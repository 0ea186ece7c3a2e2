/**
 * The bank checker's report section: the total of every read over time
 * against the bank's total (a torn transfer or lost money leaves the line),
 * reads with a negative balance marked; the error counts and worst reads.
 */
import { BankFold, type BankRead, type BankResult } from '../../checkers/bank.js'
import type { Op } from '../../core/op.js'
import type { HistorySummary } from '../summary.js'
import { esc, facts, table, ticks, xScale, yScale, byKind, type SectionFold, type SectionRenderer, frame, PLOT } from './section.js'

/** At most this many reads are drawn: every stride-th of those with every account, in invocation order. */
const MAX_READS = 20_000

/**
 * The plot's fold: the bank check's own fold (checkers/bank.ts) judging each
 * read against the result's accounts and total, keeping every stride-th read
 * with every account (the stride comes from the result's counts) and the
 * range of all their totals.
 */
class BankPlot implements SectionFold {
  readonly fs = new Set(['read'])
  private readonly fold: BankFold
  readonly drawn: BankRead[] = []
  lo: number
  hi: number
  private n = 0

  constructor(r: BankResult, stride: number) {
    this.lo = this.hi = r.total
    this.fold = new BankFold({ accounts: r.accounts, total: r.total, negativeBalances: r.negativeBalances }, (read) => {
      if (read.errors.includes('incomplete')) return
      this.lo = Math.min(this.lo, read.total)
      this.hi = Math.max(this.hi, read.total)
      if (this.n++ % stride === 0) this.drawn.push(read)
    })
  }

  add(op: Op): void {
    this.fold.add(op)
  }

  finish(): this {
    this.fold.finish()
    return this
  }
}

export const bankSection: SectionRenderer<BankResult, BankPlot> = {
  name: 'bank',
  accepts: byKind<BankResult>('bank'),
  // Every read is plotted: the reads are folded in the report's pass, at most MAX_READS kept.
  fold: (r) => (Array.isArray(r.accounts) ? new BankPlot(r, Math.max(1, Math.ceil((r.reads - r.counts.incomplete) / MAX_READS))) : undefined),
  render: (r, { name, folded, summary }) => ({ title: `Bank: the total of every read (${name})`, html: body(folded, summary, r) }),
}

function body(folded: BankPlot | undefined, summary: HistorySummary, r: BankResult): string {
  if (!Array.isArray(r.accounts)) return `<p>${esc(r.summary ?? '')}</p>`
  const rows: [string, unknown][] = [
    ['total', `${r.total}${r.from === 'first read' ? ' (from the first read)' : ''}`],
    ['accounts', r.accounts.join(' ')],
    ['negative balances', r.negativeBalances ? 'allowed' : 'not allowed'],
    ['reads', r.reads],
    ['transfers', `${r.transfers.ok} ok, ${r.transfers.fail} fail, ${r.transfers.info} info`],
    ['errors', `${r.counts['wrong-total']} wrong total, ${r.counts.negative} negative, ${r.counts.incomplete} not a snapshot of every account`],
  ]
  const worst = Object.entries(r.examples).map(([kind, e]) => [kind, e!.first.index, e!.worst.index, describe(e!.worst)])
  return `<p>${esc(r.summary ?? '')}</p>${facts(rows)}${folded ? plot(folded.finish(), summary, r.total) : ''}` + (worst.length ? `<h3>Errors</h3>${table(['kind', 'first op', 'worst op', 'worst read'], worst)}` : '')
}

function describe(read: BankRead): string {
  return `total ${read.total}: ${Object.entries(read.balances).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`
}

function plot(folded: BankPlot, summary: HistorySummary, total: number): string {
  const { drawn, lo, hi } = folded
  if (drawn.length === 0) return ''
  const xMax = summary.endSeconds
  const x = xScale(xMax)
  const pad = Math.max(1, (hi - lo) * 0.1)
  const y = yScale(lo - pad, hi + pad)
  const dots: string[] = [`<line x1="${PLOT.PAD.l}" x2="${PLOT.W - PLOT.PAD.r}" y1="${y(total).toFixed(1)}" y2="${y(total).toFixed(1)}" stroke="#1c7ed6" stroke-dasharray="4 3"/>`]
  for (const r of drawn) {
    const color = r.errors.includes('wrong-total') ? '#c92a2a' : r.errors.includes('negative') ? '#e67700' : '#2b8a3e'
    dots.push(`<circle cx="${x(r.time / 1e9).toFixed(1)}" cy="${y(r.total).toFixed(1)}" r="2" fill="${color}" fill-opacity="0.7"><title>op ${r.index}: total ${r.total}</title></circle>`)
  }
  const legend = `<div class="legend"><span><i class="dot" style="background:#2b8a3e"></i>read sums to ${total}</span><span><i class="dot" style="background:#c92a2a"></i>wrong total</span><span><i class="dot" style="background:#e67700"></i>negative balance</span><span>dashed: the bank's total</span></div>`
  return legend + frame(xMax, 'total read', ticks(lo - pad, hi + pad).map((v) => [y(v), String(v)]), summary.faults, dots.join(''))
}
