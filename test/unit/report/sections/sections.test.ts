import { describe, expect, it } from 'vitest'
import { bankChecker } from '../../../../checkers/bank.js'
import { compose, type CheckResult } from '../../../../checkers/checker.js'
import { counterChecker } from '../../../../checkers/counter.js'
import { longForkChecker } from '../../../../checkers/long-fork.js'
import { queueChecker } from '../../../../checkers/queue.js'
import { setChecker } from '../../../../checkers/set.js'
import { uniqueIdsChecker } from '../../../../checkers/unique-ids.js'
import type { Op } from '../../../../core/op.js'
import { SECTION_RENDERERS, type ReportSection } from '../../../../report/sections/index.js'
import { summarizeOps } from '../../../../report/summary.js'
import { HistoryBuilder, context } from '../../checkers/history-builder.js'

async function sections(history: Op[], checkers: Parameters<typeof compose>[0]): Promise<{ title: string; html: string }[]> {
  const results = await compose(checkers).check(history, context)
  // As report.html gets them: from results.json, each result offered to the renderers in order.
  const stored = JSON.parse(JSON.stringify(results)) as CheckResult
  const out: ReportSection[] = []
  for (const [name, r] of Object.entries(stored.checkers as Record<string, CheckResult>)) {
    const renderer = SECTION_RENDERERS.find((s) => s.accepts(r))
    // A section that folds is given the client operations of its kinds, one by one, as the report's pass gives them.
    const folded = renderer?.fold?.(r)
    if (folded) for (const op of history) if (op.process !== 'nemesis' && folded.fs.has(op.f)) folded.add(op)
    const section = renderer?.render(r, { name, ops: [], summary: summarizeOps(history), test: {}, ...(folded ? { folded } : {}) })
    if (section) out.push(section)
  }
  return out
}

const circles = (html: string, color: string): number => html.split(`fill="${color}"`).length - 1
/** How many of key k's 100 elements its read returns: all but the last for one key in four, the rest all. */
const e100 = (k: number): number => (k % 4 === 2 ? 99 : 100)

describe('report sections of the classic checkers', () => {
  it('set: one dot per stable element, a red band mark per lost one, and the examples', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1).call(0, 'add', 2).call(1, 'read', null, [1, 2]).call(1, 'read', null, [1])
    const [s] = await sections(h.ops, { mine: setChecker() })
    expect(s!.title).toBe('Set: what happened to each element (mine)')
    expect(s!.html).toContain('<svg')
    expect(circles(s!.html, '#2b8a3e')).toBe(1)
    expect(s!.html).toMatch(/<rect [^>]*fill="#c92a2a"><title>2 lost<\/title>/)
    expect(s!.html).toMatch(/<td>lost<\/td><td>2<\/td>/)
  })

  it('bank: a dot per read at its total, red when wrong, and the worst read', async () => {
    const h = new HistoryBuilder().call(1, 'read', null, { 0: 10, 1: 10 }).call(1, 'read', null, { 0: 5, 1: 10 })
    const [s] = await sections(h.ops, { bank: bankChecker({ accounts: [0, 1], total: 20 }) })
    expect(s!.title).toBe('Bank: the total of every read (bank)')
    expect(s!.html).toMatch(/<circle [^>]*fill="#2b8a3e"[^>]*><title>op 1: total 20<\/title>/)
    expect(s!.html).toMatch(/<circle [^>]*fill="#c92a2a"[^>]*><title>op 3: total 15<\/title>/)
    expect(s!.html).toContain('<td>wrong-total</td><td>3</td><td>3</td><td>total 15: 0=5 1=10</td>')
  })

  it('counter: each read with its range, red when out of it', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1).call(1, 'read', null, 1).call(1, 'read', null, 0)
    const [s] = await sections(h.ops, { counter: counterChecker() })
    expect(s!.html).toMatch(/<title>op 3: 1 in \[1, 1\]<\/title>/)
    expect(s!.html).toMatch(/fill="#c92a2a"><title>op 5: 0 in \[1, 1\]<\/title>/)
    expect(s!.html).toContain('<td>5</td><td>0</td><td>1</td><td>1</td>')
  })

  it('set, with many keys: the elements of a sample of keys are drawn, and the plot says so', async () => {
    // 30,000 elements over 300 keys (100 each, all acknowledged, read once at the end): too many to draw every one.
    const h = new HistoryBuilder()
    for (let k = 0; k < 300; k++) {
      for (let e = 0; e < 100; e++) h.call(k % 4, 'add', [k, e])
      h.call(5, 'read', [k, null], [k, Array.from({ length: e100(k) }, (_, e) => e)])
    }
    const [s] = await sections(h.ops, { set: setChecker({ independent: true }) })
    expect(s!.html).toContain('Drawn: 15,000 of the 30,000 elements added, those of one key in 2.')
    // Keys 0, 2, 4, ...: key 0's elements all stable, key 2's last element lost (see e100).
    expect(circles(s!.html, '#2b8a3e')).toBe(15_000 - 75)
    expect(s!.html.match(/<rect [^>]*fill="#c92a2a"><title>/g)).toHaveLength(75)
  })

  it('unique-ids, queue and long-fork: tables of what was found, values escaped', async () => {
    const ids = new HistoryBuilder().call(0, 'generate', null, '<b>').call(1, 'generate', null, '<b>')
    const [u] = await sections(ids.ops, { 'unique-ids': uniqueIdsChecker() })
    expect(u!.html).toContain('<td>&lt;b&gt;</td><td>2</td><td>1, 3</td>')
    expect(u!.html).not.toContain('<b>')
    const q = new HistoryBuilder().call(0, 'enqueue', 1).call(0, 'enqueue', 2).call(1, 'dequeue', null, 2).call(1, 'dequeue', null, 1).call(1, 'dequeue', null, null)
    const [qs] = await sections(q.ops, { queue: queueChecker({ fifo: true }) })
    expect(qs!.html).toMatch(/FIFO order<\/td><td>broken: not linearizable/)
    expect(qs!.html).toContain('<h3>Why the order is not FIFO</h3>')
    const lf = new HistoryBuilder().call(0, 'txn', [['w', 0, 1]]).call(1, 'txn', [['w', 1, 1]]).call(2, 'txn', [['r', 0, null], ['r', 1, null]], [['r', 0, 1], ['r', 1, null]]).call(3, 'txn', [['r', 0, null], ['r', 1, null]], [['r', 0, null], ['r', 1, 1]])
    const [l] = await sections(lf.ops, { 'long-fork': longForkChecker() })
    expect(l!.html).toContain('<h3>Reads at op 5 and op 7</h3>')
    expect(l!.html.match(/background:#ffe3e3/g)).toHaveLength(2)
  })

  it('nothing for other checkers, and no plot (but the summary) for a history the checker could not read', async () => {
    expect(await sections(new HistoryBuilder().call(0, 'write', 1).ops, {})).toEqual([])
    const [s] = await sections(new HistoryBuilder().call(0, 'add', 1).call(1, 'read', null, 7).ops, { set: setChecker() })
    expect(s!.html).not.toContain('<svg')
    expect(s!.html).toMatch(/cannot check: read at index 3 returned 7/)
  })
})
