import { describe, expect, it } from 'vitest'
import type { CheckResult } from '../../../../checkers/checker.js'
import { listAppend } from '../../../../checkers/elle.js'
import { check } from '../../../../checkers/elle/index.js'
import type { ElleCheckResult } from '../../../../checkers/elle.js'
import type { Op } from '../../../../core/op.js'
import { elleSection, MAX_DRAWN } from '../../../../report/sections/elle.js'
import { SECTION_RENDERERS } from '../../../../report/sections/index.js'
import { summarizeOps } from '../../../../report/summary.js'
import { HistoryBuilder, context } from '../../checkers/history-builder.js'

/** `pairs` write skews, each on keys 2i and 2i+1: both transactions read empty and append to the key the other read. */
function writeSkews(pairs: number, h = new HistoryBuilder()): HistoryBuilder {
  for (let i = 0; i < pairs; i++) {
    const [x, y] = [2 * i, 2 * i + 1]
    h.invoke(0, 'txn', [['r', x, null], ['append', y, 1]])
      .invoke(1, 'txn', [['r', y, null], ['append', x, 1]])
      .ok(0, 'txn', [['r', x, []], ['append', y, 1]])
      .ok(1, 'txn', [['r', y, []], ['append', x, 1]])
      .call(2, 'txn', [['r', x, null], ['r', y, null]], [['r', x, [1]], ['r', y, [1]]])
  }
  return h
}

const stored = (r: unknown): ElleCheckResult => JSON.parse(JSON.stringify(r)) as ElleCheckResult

function render(r: ElleCheckResult, history: readonly Op[]) {
  const wanted = new Set(elleSection.wants!(r))
  return elleSection.render(r, { name: 'list-append', ops: history.filter((op) => wanted.has(op.index)), summary: summarizeOps([...history]), test: {} })!
}

describe('report section of the transactional checkers', () => {
  it('is the renderer report.html picks for a list-append or rw-register result, valid or not', async () => {
    const valid = stored(await listAppend().check(new HistoryBuilder().call(0, 'txn', [['append', 1, 1]]).ops, context))
    expect(SECTION_RENDERERS.find((s) => s.accepts(valid as CheckResult))).toBe(elleSection)
    const s = render(valid, [])
    expect(s.title).toBe('Transactions: anomalies and the models they rule out (list-append)')
    expect(s.html).toContain('<td>anomalies</td><td>none</td>')
    expect(s.html).not.toContain('<svg')
    expect(elleSection.accepts({ valid: false, summary: 'x', explanation: 'y' })).toBe(false)
  })

  it('draws each cycle as boxes and labelled arrows, with the plain words beside it, the types and the ruled-out models', async () => {
    const h = writeSkews(1)
    const r = stored(await listAppend({ consistencyModels: ['serializable'] }).check(h.ops, context))
    expect(r.anomalyTypes).toEqual(['G2-item'])
    const s = render(r, h.ops)
    expect(s.html.match(/<svg /g)).toHaveLength(1)
    expect(s.html.match(/<rect /g)).toHaveLength(2)
    // One arrow to the next box, one back under the boxes; each labelled in text, not in a tooltip.
    expect(s.html).toMatch(/<line [^>]*stroke="#c92a2a"[^>]*marker-end="url\(#elle-list-append-G2-item-0-rw\)"\/><text [^>]*>rw\(k\d, 1\)<\/text>/)
    expect(s.html).toMatch(/<path d="M[^"]+" fill="none" stroke="#c92a2a"[^>]*\/><text [^>]*>rw\(k\d, 1\)<\/text>/)
    expect(s.html).not.toContain('<title>')
    expect(s.html).toContain('>T1 · process ')
    expect(s.html).toMatch(/>op \d+, 0\.00\d–0\.00\d s</)
    expect(s.html).toContain('<td>ruled out</td><td>repeatable-read</td>')
    expect(s.html).toMatch(/<td>and so also<\/td><td>[^<]*serializable/)
    expect(s.html).toContain('<td>anomalies</td><td>G2-item (1)</td>')
    expect(s.html).toContain(r.anomalies['G2-item']![0]!.explanation.replace(/'/g, '&#39;'))
    expect(s.mark).toEqual({ from: 0, to: 0.003, label: 'G2-item: list-append' })
  })

  it(`draws at most ${MAX_DRAWN} cases per type and counts the rest; single-transaction cases go in a table`, () => {
    const h = writeSkews(13)
    // An aborted read: op 65 reads 7 from a failed append.
    h.call(3, 'txn', [['append', 99, 7]], [['append', 99, 7]], 'fail').call(3, 'txn', [['r', 99, null]], [['r', 99, [7]]])
    const r = stored(check(h.ops, 'list-append', { maxCases: 20 }))
    expect(r.counts['G2-item']).toBe(13)
    const s = render(r, h.ops)
    expect(s.html.match(/<svg /g)).toHaveLength(MAX_DRAWN)
    expect(s.html).toContain('and 3 more G2-item cases, counted but not shown.')
    expect(s.html).toContain('<h3>G1a: 1 case</h3><table>')
    expect(s.html).toMatch(/process 3, fail, op \d+[^<]*\n {2}append k99 7/)
    // Marker ids are unique in the page.
    const ids = [...s.html.matchAll(/<marker id="([^"]+)"/g)].map((m) => m[1])
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('escapes what the history holds', async () => {
    const h = new HistoryBuilder()
      .invoke(0, 'txn', [['r', '<x>', null], ['append', '<y>', '<b>']])
      .invoke(1, 'txn', [['r', '<y>', null], ['append', '<x>', '<i>']])
      .ok(0, 'txn', [['r', '<x>', []], ['append', '<y>', '<b>']])
      .ok(1, 'txn', [['r', '<y>', []], ['append', '<x>', '<i>']])
      .call(2, 'txn', [['r', '<x>', null], ['r', '<y>', null]], [['r', '<x>', ['<i>']], ['r', '<y>', ['<b>']]])
    const r = stored(await listAppend().check(h.ops, context))
    expect(r.valid).toBe(false)
    const s = render(r, h.ops)
    expect(s.html).not.toMatch(/<[xyib]>/)
    expect(s.html).toContain('append &lt;y&gt; &lt;b&gt;')
  })
})
