/**
 * The transactional checkers' report section (list-append, rw-register): the
 * anomaly types found and the models they rule out, then each cycle drawn as
 * a small diagram (transactions as boxes with their micro-operations, the
 * dependency edges labelled `wr(k5, 3)`, `rw(k7, 9)` on the arrows, all in
 * plain text, nothing to hover) with the cycle in plain words beside it.
 * Cases found in single transactions (aborted reads, internal
 * inconsistencies, ...) are listed in a table. At most MAX_DRAWN cases per
 * type are shown; the rest are counted.
 *
 * The result comes from results.json; the times of the drawn transactions
 * are read from the history (`wants`), to put them in the boxes and mark the
 * first forbidden cycle on the timeline.
 */
import type { CheckResult } from '../../checkers/checker.js'
import type { ElleCheckResult } from '../../checkers/elle.js'
import type { AnomalyCase, CycleCase, CycleStep, OpCase, TxnRef } from '../../checkers/elle/index.js'
import type { Op } from '../../core/op.js'
import { esc, facts, type ReportSection, type SectionRenderer } from './section.js'

/** Cases drawn per anomaly type; the others are counted. */
export const MAX_DRAWN = 10

const EDGE_COLORS: Record<CycleStep['type'], string> = { ww: '#1c7ed6', wr: '#2b8a3e', rw: '#c92a2a', process: '#868e96', realtime: '#868e96' }
const EDGE_WORDS: Record<CycleStep['type'], string> = {
  ww: 'ww: wrote the next version',
  wr: 'wr: read what the other wrote',
  rw: 'rw: read a version, missed the next (anti-dependency)',
  process: 'process order',
  realtime: 'real-time order',
}

const isCycle = (c: AnomalyCase): c is CycleCase => Array.isArray((c as CycleCase).steps) && Array.isArray((c as CycleCase).cycle)

export const elleSection: SectionRenderer<ElleCheckResult> = {
  name: 'elle',
  accepts(r: CheckResult): r is ElleCheckResult {
    return (r.dataModel === 'list-append' || r.dataModel === 'rw-register') && Array.isArray(r.anomalyTypes) && typeof r.stats === 'object' && r.stats !== null
  },
  wants(r) {
    const out: number[] = []
    for (const type of r.anomalyTypes) for (const c of drawn(r, type)) for (const t of txnsOf(c)) out.push(t.invokeIndex, t.index)
    return out
  },
  render(r, { name, ops }) {
    const at = new Map<number, Op>(ops.map((op) => [op.index, op]))
    const s = r.stats
    const counts = r.anomalyTypes.map((t) => `${t} (${r.counts[t] ?? 0})${r.forbidden.includes(t) ? '' : ' allowed'}`)
    const rows: [string, unknown][] = [
      ['checked against', r.consistencyModels.join(', ')],
      ['anomalies', counts.length ? counts.join(', ') : 'none'],
      ['ruled out', r.not.length ? r.not.join(', ') : 'nothing'],
      ...(r.alsoNot.length ? ([['and so also', r.alsoNot.join(', ')]] as [string, unknown][]) : []),
      ['transactions', `${s.txns}: ${s.ok} ok, ${s.info} info, ${s.fail} failed, over ${s.keys} keys`],
      ['dependency graph', `${s.edges} edges, ${s.cyclicComponents} cyclic component(s), the largest of ${s.largestComponent} transactions; checked in ${s.ms} ms`],
    ]
    const body = r.anomalyTypes.map((type) => typeBlock(r, name, type, at)).join('')
    const section: ReportSection = {
      title: `Transactions: anomalies and the models they rule out (${name})`,
      html: `<p>${esc(r.summary ?? '')}</p>${facts(rows)}${body ? legend() + body : ''}`,
    }
    const first = r.forbidden.flatMap((t) => drawn(r, t)).find(isCycle)
    const times = (first ? first.cycle : []).flatMap((t) => [at.get(t.invokeIndex)?.time, at.get(t.index)?.time]).filter((x): x is number => x !== undefined)
    if (first && times.length > 0) section.mark = { from: Math.min(...times) / 1e9, to: Math.max(...times) / 1e9, label: `${first.type}: ${name}` }
    return section
  },
}

function drawn(r: ElleCheckResult, type: string): AnomalyCase[] {
  return (r.anomalies[type] ?? []).slice(0, MAX_DRAWN)
}

function txnsOf(c: AnomalyCase): TxnRef[] {
  if (isCycle(c)) return c.cycle
  const txns = (c as OpCase).txns
  return Array.isArray(txns) ? txns : []
}

function typeBlock(r: ElleCheckResult, name: string, type: string, at: ReadonlyMap<number, Op>): string {
  const cases = drawn(r, type)
  const total = r.counts[type] ?? cases.length
  const rest = total - cases.length
  const head = `<h3>${esc(type)}: ${total} case${total === 1 ? '' : 's'}${r.forbidden.includes(type) ? '' : ' (allowed by the models checked)'}</h3>`
  const cycles = cases.filter(isCycle)
  const others = cases.filter((c) => !isCycle(c))
  // Marker ids are unique in the page: several diagrams share it.
  const drawnCycles = cycles.map((c, i) => `<div style="display:flex;flex-wrap:wrap;gap:8px 20px;align-items:flex-start;margin:8px 0 16px"><div style="max-width:100%;overflow-x:auto">${diagram(c, at, `elle-${name}-${type}-${i}`.replace(/[^\w-]/g, '_'))}</div><div style="flex:1;min-width:260px;max-width:640px"><p style="margin:0 0 6px"><code>${esc(c.text)}</code></p><p style="margin:0">${esc(c.explanation)}</p></div></div>`)
  const table = others.length
    ? `<table><tr><th>transactions</th><th>what happened</th></tr>${others.map((c) => `<tr><td style="font-family:monospace;white-space:pre">${esc(txnsOf(c).map((t) => `${t.name} ${txnLabel(t, at)}\n  ${t.value.map(mopText).join('\n  ')}`).join('\n'))}</td><td>${esc(c.explanation)}</td></tr>`).join('')}</table>`
    : ''
  const more = rest > 0 ? `<p class="note">and ${rest} more ${esc(type)} case${rest === 1 ? '' : 's'}, counted but not shown.</p>` : ''
  return head + drawnCycles.join('') + table + more
}

function legend(): string {
  const items = (Object.keys(EDGE_COLORS) as CycleStep['type'][]).filter((t) => t !== 'realtime')
  const words = items.map((t) => `<span><i style="display:inline-block;width:14px;height:3px;vertical-align:middle;margin-right:4px;background:${EDGE_COLORS[t]}"></i>${esc(t === 'process' ? 'process / real-time order (dashed)' : EDGE_WORDS[t])}</span>`)
  return `<p class="legend" style="display:flex;flex-wrap:wrap;gap:4px 16px">${words.join('')}</p>`
}

/** `k5` for a number key, as the checker's text names it. */
function keyText(key: unknown): string {
  return typeof key === 'number' ? `k${key}` : typeof key === 'string' ? key : JSON.stringify(key)
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return 'nil'
  if (Array.isArray(v)) return v.length > 5 ? `[… ${v.slice(-4).map(valueText).join(' ')}] (${v.length})` : `[${v.map(valueText).join(' ')}]`
  return typeof v === 'string' ? v : JSON.stringify(v)
}

function mopText(m: unknown): string {
  if (!Array.isArray(m)) return JSON.stringify(m)
  const [f, k, v] = m as [unknown, unknown, unknown]
  return `${String(f)} ${keyText(k)} ${valueText(v)}`
}

function edgeLabel(s: CycleStep): string {
  if (s.type === 'process') return `process(${s.process ?? '?'})`
  if (s.type === 'realtime') return 'realtime'
  const parts = s.key === undefined ? [] : [keyText(s.key)]
  const v = s.type === 'wr' ? s.value : s.value2
  if (v !== undefined) parts.push(valueText(v))
  // As the checker's text has it; where an inferred version order came from is said in the words beside.
  return `${s.type}(${parts.join(', ')})`
}

/** `op 220, 1.204–1.233 s`: its history index (of its completion) and when it ran, when the history was read. */
function whenText(t: TxnRef, at: ReadonlyMap<number, Op>): string {
  const from = at.get(t.invokeIndex)?.time
  const to = at.get(t.index)?.time
  const when = from !== undefined ? `, ${(from / 1e9).toFixed(3)}${to !== undefined && t.index !== t.invokeIndex ? `–${(to / 1e9).toFixed(3)}` : ''} s` : ''
  return `op ${t.index}${when}`
}

function txnLabel(t: TxnRef, at: ReadonlyMap<number, Op>): string {
  return `(process ${t.process}, ${t.type}, ${whenText(t, at)})`
}

const CHAR_W = 6.7
const LINE_H = 15
const MAX_CHARS = 34

function clip(s: string): string {
  return s.length > MAX_CHARS ? `${s.slice(0, MAX_CHARS - 1)}…` : s
}

/**
 * One cycle: its transactions left to right in cycle order; a step to the next
 * box is a straight arrow between them with its label above, any other step
 * (the one closing the cycle) an arrow under the boxes with its label on it.
 */
function diagram(c: CycleCase, at: ReadonlyMap<number, Op>, id: string): string {
  const pos = new Map(c.cycle.map((t, i) => [t.name, i]))
  const keysOf = new Map<string, Set<string>>()
  for (const s of c.steps) {
    if (s.key === undefined) continue
    for (const n of [s.from, s.to]) (keysOf.get(n) ?? keysOf.set(n, new Set()).get(n)!).add(keyText(s.key))
  }
  const lines = c.cycle.map((t) => [`${t.name} · process ${t.process} · ${t.type}`, whenText(t, at), ...t.value.map(mopText)].map(clip))
  const boxW = Math.min(MAX_CHARS, Math.max(16, ...lines.flat().map((l) => l.length))) * CHAR_W + 14
  const boxH = (Math.max(...lines.map((l) => l.length)) + 0.6) * LINE_H
  const labels = c.steps.map(edgeLabel)
  const gap = Math.max(70, ...c.steps.map((s, i) => (pos.get(s.to) === pos.get(s.from)! + 1 ? labels[i]!.length * CHAR_W + 20 : 0)))
  const x = (i: number): number => 10 + i * (boxW + gap)
  const top = 8
  const mid = top + boxH / 2
  const out: string[] = []
  c.cycle.forEach((t, i) => {
    const involved = keysOf.get(t.name) ?? new Set()
    out.push(`<rect x="${x(i)}" y="${top}" width="${boxW}" height="${boxH}" rx="4" fill="#f8f9fa" stroke="#495057"/>`)
    lines[i]!.forEach((l, j) => {
      // The micro-ops on the cycle's keys in bold, the time in grey.
      const mop = t.value[j - 2]
      const style = j === 0 || (Array.isArray(mop) && involved.has(keyText(mop[1]))) ? ' font-weight="bold"' : j === 1 ? ' fill="#868e96"' : ''
      out.push(`<text x="${x(i) + 7}" y="${top + (j + 1) * LINE_H}"${style}>${esc(l)}</text>`)
    })
  })
  let below = 0
  c.steps.forEach((s, i) => {
    const a = pos.get(s.from)
    const b = pos.get(s.to)
    if (a === undefined || b === undefined) return
    const color = EDGE_COLORS[s.type]
    const dash = s.type === 'process' || s.type === 'realtime' ? ' stroke-dasharray="5 3"' : ''
    const marker = `marker-end="url(#${id}-${s.type})"`
    if (b === a + 1) {
      const x1 = x(a) + boxW
      const x2 = x(b)
      out.push(`<line x1="${x1}" y1="${mid}" x2="${x2 - 2}" y2="${mid}" stroke="${color}" stroke-width="2"${dash} ${marker}/>`)
      out.push(`<text x="${(x1 + x2) / 2}" y="${mid - 6}" text-anchor="middle" fill="${color}">${esc(labels[i]!)}</text>`)
    } else {
      below++
      const y = top + boxH + 14 + below * 22
      const xa = x(a) + boxW / 2 + 10
      const xb = x(b) + boxW / 2 - 10
      out.push(`<path d="M${xa} ${top + boxH} V${y} H${xb} V${top + boxH + 4}" fill="none" stroke="${color}" stroke-width="2"${dash} ${marker}/>`)
      out.push(`<text x="${(xa + xb) / 2}" y="${y - 5}" text-anchor="middle" fill="${color}">${esc(labels[i]!)}</text>`)
    }
  })
  const width = x(c.cycle.length - 1) + boxW + 10
  const height = top + boxH + 14 + below * 22 + 8
  const markers = (Object.keys(EDGE_COLORS) as CycleStep['type'][])
    .map((t) => `<marker id="${id}-${t}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${EDGE_COLORS[t]}"/></marker>`)
    .join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="11" role="img" aria-label="${esc(c.text)}"><defs>${markers}</defs>${out.join('')}</svg>`
}
