import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bankChecker } from '../../../checkers/bank.js'
import { counterChecker } from '../../../checkers/counter.js'
import { setChecker } from '../../../checkers/set.js'
import { stats } from '../../../checkers/stats.js'
import { writeReport } from '../../../run/report-writer.js'
import { HistoryBuilder, runFolder, staleReadHistory } from './run-folder.js'

const stores: string[] = []
afterAll(() => stores.forEach((d) => rmSync(d, { recursive: true, force: true })))

async function report(history: HistoryBuilder, options: Parameters<typeof runFolder>[1] = {}): Promise<{ html: string; path: string }> {
  const run = await runFolder(history.ops, options)
  stores.push(run.store)
  return { html: readFileSync(await writeReport(run.path), 'utf8'), path: run.path }
}

describe('report.html', () => {
  it('shows the anomaly: its argument in words, its window marked on the timeline, its view, and its page beside the report', async () => {
    const { html, path } = await report(staleReadHistory())
    expect(html).toContain('INVALID')
    expect(html).toContain('On key 5, op 22 (client 1) read nil, but it began after op 20 (client 0) wrote 1 completed, and nothing in between wrote nil (nil was only ever the initial value).')
    expect(html).not.toMatch(/partition \d+ of \d+/)
    // The anomaly's operations, marked across the plots at their time (2.000–2.013 s).
    expect(html).toMatch(/<title>anomaly: linearizable key 5: 2\.000–2\.013 s<\/title>/)
    expect(html).toContain('Why it is not linearizable (linearizable, key 5)')
    expect(html).toContain('class="cx"')
    expect(existsSync(join(path, 'linearizable.html'))).toBe(true)
    expect(html).toContain('<a href="linearizable.html">')
    // The window's history lines, whole.
    expect(html).toContain('<td>[5,null]</td>')
  })

  it('gives each fault kind its own lane, each window labelled with what it did, and lists them', async () => {
    const { html } = await report(staleReadHistory())
    const lanes = html.slice(html.indexOf('faults, one lane per kind'), html.indexOf('</svg>'))
    expect(lanes).toMatch(/>partition<\/text>/)
    expect(lanes).toMatch(/>kill<\/text>/)
    expect(lanes).toContain('<title>partition #1: halves: n1 n2 | n3, 1.00–3.00 s</title>')
    expect(lanes).toContain('<title>kill #2: n2, 1.50–3.90 s</title>')
    // The two windows overlap in time but sit in different lanes (different y).
    const y = (kind: string): string => new RegExp(`<title>${kind} #\\d[^<]*</title><rect x="[^"]*" y="(\\d+)"`).exec(lanes)![1]!
    expect(y('partition')).not.toBe(y('kill'))
    expect(html).toMatch(/<td>halves: n1 n2 \| n3<\/td><td>1\.00 s<\/td><td>3\.00 s<\/td>/)
  })

  it('draws latency quantiles beside the scatter, and links the node logs', async () => {
    const { html } = await report(staleReadHistory(), { logs: { 'n1/chain-kv.log': 'started\n', 'n2/chain kv #2.log': 'x' } })
    expect(html).toContain('latency quantiles of ok operations: p50, p95, p99')
    expect((html.match(/<path fill="none" stroke="#(1971c2|9c36b5|e8590c)"/g) ?? []).length).toBe(3)
    expect(html).toContain('<a href="nodes/n1/chain-kv.log">nodes/n1/chain-kv.log</a>')
    expect(html).toContain('<a href="nodes/n2/chain%20kv%20%232.log">')
  })

  it('warns when most operations failed, and not otherwise', async () => {
    const ok = await report(staleReadHistory())
    expect(ok.html).not.toContain('most operations did not succeed')
    const h = new HistoryBuilder()
    for (let i = 0; i < 10; i++) h.add(i * 10, 'invoke', 0, 'read', [0, null]).add(i * 10 + 5, i < 7 ? 'fail' : 'ok', 0, 'read', [0, null])
    const bad = await report(h)
    expect(bad.html).toContain('most operations did not succeed: 7 of 10 (70%) ended fail or info')
  })

  it('needs no network: no external source, stylesheet or script', async () => {
    const { html } = await report(staleReadHistory())
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//)
    expect(html).not.toMatch(/<link /)
    expect(html).not.toMatch(/<script[^>]* src=/)
  })

  it('draws the set, bank and counter plots from the history file in its one pass, with a nemesis in it', async () => {
    // One history of all three workloads' operations (each checker reads only its own), a kill in the middle.
    const h = new HistoryBuilder()
      .add(0, 'invoke', 0, 'add', 1)
      .add(1, 'ok', 0, 'add', 1)
      .add(2, 'invoke', 'nemesis', 'kill', null)
      .add(3, 'info', 'nemesis', 'kill', ['n1'])
      .add(4, 'invoke', 1, 'read', null)
      .add(5, 'ok', 1, 'read', [1])
      .add(6, 'invoke', 2, 'transfer', { from: 0, to: 1, amount: 1 })
      .add(7, 'ok', 2, 'transfer', { from: 0, to: 1, amount: 1 })
    const checkers = { set: setChecker(), bank: bankChecker({ accounts: [0, 1], total: 2 }), counter: counterChecker() }
    const { html } = await report(h, { checkers })
    expect(html).toContain('Set: what happened to each element (set)')
    expect(html).toMatch(/add → stable/)
    // The counter reads [1] as its value: not a number, so no counter plot, and the section says why.
    expect(html).toContain('cannot check: read at index 5 returned [1], expected a number')
    // The bank's one read is not a snapshot of the accounts: counted, not drawn.
    expect(html).toContain('Bank: the total of every read (bank)')
    expect(html).not.toMatch(/<title>op 5: total/)
    const counter = new HistoryBuilder().add(0, 'invoke', 0, 'add', 2).add(1, 'ok', 0, 'add', 2).add(2, 'invoke', 1, 'read', null).add(3, 'ok', 1, 'read', 3)
    const c = await report(counter, { checkers: { counter: counterChecker() } })
    expect(c.html).toMatch(/fill="#c92a2a"><title>op 3: 3 in \[2, 2\]<\/title>/)
    const bank = new HistoryBuilder().add(0, 'invoke', 1, 'read', null).add(1, 'ok', 1, 'read', { 0: 1, 1: 0 })
    const b = await report(bank, { checkers: { bank: bankChecker({ accounts: [0, 1], total: 2 }) } })
    expect(b.html).toMatch(/fill="#c92a2a" fill-opacity="0.7"><title>op 1: total 1<\/title>/)
  })

  it('a line a section cannot read ends that section\'s view, not the report', async () => {
    const counter = new HistoryBuilder().add(0, 'invoke', 0, 'add', 2).add(1, 'ok', 0, 'add', 2).add(2, 'invoke', 1, 'read', null).add(3, 'ok', 1, 'read', 2)
    const run = await runFolder(counter.ops, { checkers: { counter: counterChecker(), stats: stats() } })
    stores.push(run.store)
    // A line whose fields the report's scanner reads, but whose value is not JSON (the check saw the history before).
    appendFileSync(join(run.path, 'history.jsonl'), '{"index":4,"time":4000000,"type":"invoke","process":2,"f":"read","value":nul}\n')
    const html = readFileSync(await writeReport(run.path), 'utf8')
    expect(html).toContain('<h2>counter: no view</h2>')
    expect(html).toMatch(/the counter view could not be drawn: [^<]*JSON/)
    expect(html).toContain('every read within its bounds')
  })
})
