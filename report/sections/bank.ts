/**
 * The bank checker's report section: the total of every read over time
 * against the bank's total (a torn transfer or lost money leaves the line),
 * reads with a negative balance marked; the error counts and worst reads.
 */
import { bankReads, type BankRead, type BankResult } from '../../checkers/bank.js'
import type { Op } from '../../core/op.js'
import { faultWindowsOf } from '../faults.js'
import { esc, facts, table, ticks, xScale, yScale, byKind, type SectionRenderer, frame, PLOT } from './section.js'

export const bankSection: SectionRenderer<BankResult> = {
  name: 'bank',
  accepts: byKind<BankResult>('bank'),
  // The plot draws every read (bankReads): it still needs the whole history.
  wholeHistory: true,
  render: (r, { name, history }) => ({ title: `Bank: the total of every read (${name})`, html: body(history ?? [], r) }),
}

function body(history: readonly Op[], r: BankResult): string {
  if (!Array.isArray(r.accounts)) return `<p>${esc(r.summary ?? '')}</p>`
  const reads = bankReads(history, r.accounts, r.total, r.negativeBalances)
  const rows: [string, unknown][] = [
    ['total', `${r.total}${r.from === 'first read' ? ' (from the first read)' : ''}`],
    ['accounts', r.accounts.join(' ')],
    ['negative balances', r.negativeBalances ? 'allowed' : 'not allowed'],
    ['reads', r.reads],
    ['transfers', `${r.transfers.ok} ok, ${r.transfers.fail} fail, ${r.transfers.info} info`],
    ['errors', `${r.counts['wrong-total']} wrong total, ${r.counts.negative} negative, ${r.counts.incomplete} not a snapshot of every account`],
  ]
  const worst = Object.entries(r.examples).map(([kind, e]) => [kind, e!.first.index, e!.worst.index, describe(e!.worst)])
  return `<p>${esc(r.summary ?? '')}</p>${facts(rows)}${plot(history, reads, r.total)}` + (worst.length ? `<h3>Errors</h3>${table(['kind', 'first op', 'worst op', 'worst read'], worst)}` : '')
}

function describe(read: BankRead): string {
  return `total ${read.total}: ${Object.entries(read.balances).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`
}

function plot(history: readonly Op[], reads: readonly BankRead[], total: number): string {
  const judged = reads.filter((r) => !r.errors.includes('incomplete'))
  if (judged.length === 0) return ''
  const xMax = (history[history.length - 1]?.time ?? 0) / 1e9
  const x = xScale(xMax)
  let lo = total
  let hi = total
  for (const r of judged) {
    lo = Math.min(lo, r.total)
    hi = Math.max(hi, r.total)
  }
  const pad = Math.max(1, (hi - lo) * 0.1)
  const y = yScale(lo - pad, hi + pad)
  const stride = Math.max(1, Math.ceil(judged.length / 20_000))
  const dots: string[] = [`<line x1="${PLOT.PAD.l}" x2="${PLOT.W - PLOT.PAD.r}" y1="${y(total).toFixed(1)}" y2="${y(total).toFixed(1)}" stroke="#1c7ed6" stroke-dasharray="4 3"/>`]
  for (let i = 0; i < judged.length; i += stride) {
    const r = judged[i]!
    const color = r.errors.includes('wrong-total') ? '#c92a2a' : r.errors.includes('negative') ? '#e67700' : '#2b8a3e'
    dots.push(`<circle cx="${x(r.time / 1e9).toFixed(1)}" cy="${y(r.total).toFixed(1)}" r="2" fill="${color}" fill-opacity="0.7"><title>op ${r.index}: total ${r.total}</title></circle>`)
  }
  const legend = `<div class="legend"><span><i class="dot" style="background:#2b8a3e"></i>read sums to ${total}</span><span><i class="dot" style="background:#c92a2a"></i>wrong total</span><span><i class="dot" style="background:#e67700"></i>negative balance</span><span>dashed: the bank's total</span></div>`
  return legend + frame(xMax, 'total read', ticks(lo - pad, hi + pad).map((v) => [y(v), String(v)]), faultWindowsOf(history), dots.join(''))
}
