/**
 * The set checker's report section: when each element was added (x) and how
 * long until every read held it (y, log scale), lost and never-read elements
 * in their own bands at the top; the counts, latency quantiles and examples.
 */
import type { ElementFate, SetResult } from '../../checkers/set.js'
import { SetFold } from '../../checkers/set-fold.js'
import type { Op } from '../../core/op.js'
import type { HistorySummary } from '../summary.js'
import { esc, facts, table, xScale, byKind, type SectionFold, type SectionRenderer, frame, PLOT } from './section.js'

const COLOR = { stable: '#2b8a3e', stale: '#e67700', lost: '#c92a2a', 'never-read': '#868e96' } as const

/** About this many elements are drawn at most. */
const MAX_ELEMENTS = 20_000

/**
 * The plot's fold: the set check's own fold (checkers/set-fold.ts), following
 * only every `keyStride`-th key it meets, so that about MAX_ELEMENTS elements
 * are kept (an element's fate is known only after its key's last read, at the
 * end of the run: following fewer keys is how the plot stays small). Within
 * those keys every `stride`-th element is drawn, for a set too big for the
 * plot on its own (one key, without independent keys).
 */
class SetPlot implements SectionFold {
  readonly fs = new Set(['add', 'read'])
  readonly fold: SetFold
  readonly keyStride: number

  constructor(r: SetResult) {
    this.keyStride = Math.max(1, Math.min(r.keys, Math.ceil(r.attempted / MAX_ELEMENTS)))
    const stride = this.keyStride
    this.fold = new SetFold({ independent: r.independent === true, keepKey: (ordinal) => ordinal % stride === 0 })
  }

  add(op: Op): void {
    this.fold.add(op)
  }

  /** The fates to draw (elements with an add), or undefined when the history could not be read as a set's. */
  finish(): { fates: ElementFate[]; followed: number; stride: number } | undefined {
    const done = this.fold.finish()
    if ('error' in done) return undefined
    // Two passes over the followed elements' fates (computed one at a time): how many, then every stride-th.
    let followed = 0
    for (const f of done.fates()) if (f.addTime !== undefined) followed++
    const stride = Math.max(1, Math.ceil(followed / MAX_ELEMENTS))
    const fates: ElementFate[] = []
    let i = 0
    for (const f of done.fates()) if (f.addTime !== undefined && i++ % stride === 0) fates.push(f)
    return { fates, followed, stride }
  }
}

export const setSection: SectionRenderer<SetResult, SetPlot> = {
  name: 'set',
  accepts: byKind<SetResult>('set'),
  // Every element is plotted from the adds and reads, folded in the report's pass (a sample of keys when there are many).
  fold: (r) => (r.counts ? new SetPlot(r) : undefined),
  render: (r, { name, folded, summary }) => ({ title: `Set: what happened to each element (${name})`, html: body(folded, summary, r) }),
}

function body(folded: SetPlot | undefined, summary: HistorySummary, r: SetResult): string {
  // A result without counts is a history the checker could not read: its summary says why.
  if (!r.counts) return `<p>${esc(r.summary ?? '')}</p>`
  const plot = folded ? latencyPlot(folded, summary, r) : ''
  const q = r.stableLatencyMs
  const rows: [string, unknown][] = [
    ['adds', `${r.acknowledged} acknowledged of ${r.attempted} attempted`],
    ['reads', `${r.reads}${r.independent ? ` over ${r.keys} key(s)` : ''}`],
    ['outcomes', `${r.counts.stable} stable, ${r.counts.lost} lost, ${r.counts['never-read']} never read, ${r.counts.unexpected} unexpected, ${r.counts.indeterminate} indeterminate`],
    ['flags', `${r.counts.stale} stale${r.linearizable ? ' (an anomaly: linearizable)' : ''}, ${r.counts.recovered} recovered, ${r.counts.duplicated} duplicated`],
    ['add → stable read', q ? `min ${q.min.toFixed(2)} ms, p50 ${q.p50.toFixed(2)} ms, p95 ${q.p95.toFixed(2)} ms, p99 ${q.p99.toFixed(2)} ms, max ${q.max.toFixed(2)} ms` : 'no element was stable'],
  ]
  const examples = Object.entries(r.examples).map(([kind, list]) => [kind, (list ?? []).map((v) => JSON.stringify(v)).join(', ')])
  return (
    `<p>${esc(r.summary ?? '')}</p>${facts(rows)}${plot}` +
    (examples.length ? `<h3>Examples</h3>${table(['finding', 'elements (up to 10)'], examples)}` : '')
  )
}

/** One dot per element: x = its add, y = ms until stable (log); lost and never-read on bands at the top. */
function latencyPlot(folded: SetPlot, summary: HistorySummary, r: SetResult): string {
  const drawn = folded.finish()
  if (!drawn || drawn.fates.length === 0) return ''
  const { fates } = drawn
  const xMax = summary.endSeconds
  const x = xScale(xMax)
  const ms = fates.map((f) => (f.stableLatency ?? 0) / 1e6)
  const hi = ms.reduce((a, b) => Math.max(a, b), 10)
  const lo = 0.01
  // Below the fault legend (top left) and the two bands.
  const top = PLOT.PAD.t + 38
  const y = (v: number): number => PLOT.H - PLOT.PAD.b - ((Math.log10(Math.max(lo, v)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (PLOT.H - PLOT.PAD.b - top - 8)
  const dots: string[] = []
  for (let i = 0; i < fates.length; i++) {
    const f = fates[i]!
    const t = f.addTime! / 1e9
    if (f.outcome === 'lost' || f.outcome === 'never-read') {
      const band = f.outcome === 'lost' ? PLOT.PAD.t + 20 : PLOT.PAD.t + 28
      dots.push(`<rect x="${(x(t) - 1.5).toFixed(1)}" y="${band}" width="3" height="6" fill="${COLOR[f.outcome]}"><title>${esc(`${JSON.stringify(f.element)} ${f.outcome}`)}</title></rect>`)
    } else if (f.outcome === 'stable') {
      dots.push(`<circle cx="${x(t).toFixed(1)}" cy="${y(ms[i]!).toFixed(1)}" r="1.8" fill="${f.stale ? COLOR.stale : COLOR.stable}" fill-opacity="0.7"/>`)
    }
  }
  const yt: [number, string][] = []
  for (let e = -2; 10 ** e <= hi * 1.0001; e++) yt.push([y(10 ** e), e >= 3 ? `${10 ** (e - 3)}s` : `${10 ** e}ms`])
  const legend = `<div class="legend"><span><i class="dot" style="background:${COLOR.stable}"></i>stable</span><span><i class="dot" style="background:${COLOR.stale}"></i>stable after a stale read</span><span><i class="dot" style="background:${COLOR.lost}"></i>lost (top band)</span><span><i class="dot" style="background:${COLOR['never-read']}"></i>never read (second band)</span></div>`
  const sampled =
    folded.keyStride > 1 || drawn.stride > 1
      ? `<p class="note">Drawn: ${fates.length.toLocaleString('en-US')} of the ${r.attempted.toLocaleString('en-US')} elements added${folded.keyStride > 1 ? `, those of one key in ${folded.keyStride}` : ''}${drawn.stride > 1 ? `${folded.keyStride > 1 ? ', and of them' : ':'} one element in ${drawn.stride}` : ''}.</p>`
      : ''
  return legend + frame(xMax, 'add → stable', yt, summary.faults, dots.join('')) + sampled
}
