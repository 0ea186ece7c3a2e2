// explain() and renderHtml() on real failing histories.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  checkEventsSync,
  checkOperationsSync,
  eventsToOperations,
  explain,
  models,
  parseEtcdLog,
  renderHtml,
  simulateRegisterHistory,
  type Operation,
  type OpInput,
} from '../../../../checkers/linearizability/index.js'

const ETCD = new URL('../../../fixtures/porcupine/jepsen/etcd_000.log', import.meta.url).pathname

describe('explain', () => {
  it('names the longest linearization, the op that cannot go next and the state it met', () => {
    const model = models['cas-register']()
    const history = [
      { clientId: 0, input: { f: 'write', value: 0 }, call: 0, output: null, return: 1 },
      { clientId: 1, input: { f: 'read' }, call: 2, output: 3, return: 5 },
      { clientId: 2, input: { f: 'write', value: 4 }, call: 3, output: null, return: 6 },
    ]
    const result = checkOperationsSync(model, history, { verbose: true })
    expect(result.result).toBe('illegal')
    const e = explain(result, model, history)!
    expect(e.linearized.map((o) => o.id)).toEqual([0, 2])
    expect(e.state).toBe('4')
    expect(e.stuck).toEqual([{ id: 1, clientId: 1, description: 'read → 3', stepLegal: false, statesAfter: [] }])
    expect(e.text).toContain('op 1 (client 1): read → 3')
    expect(e.text).toContain('state 4')
  })

  it('proves a stale read impossible in one sentence: it began after a write completed, and nothing in between wrote its value', () => {
    const model = models['cas-register']()
    const history = [
      { clientId: 0, input: { f: 'write', value: 1 }, call: 0, output: null, return: 2 },
      { clientId: 1, input: { f: 'read' }, call: 3, output: null, return: 5 },
      { clientId: 2, input: { f: 'write', value: 7 }, call: 1, output: null, return: 9 },
    ]
    const e = explain(checkOperationsSync(model, history, { verbose: true }), model, history)!
    expect(e.argument).toMatchObject({ stuck: 1, after: 0, writers: [], writerCount: 0 })
    expect(e.argument!.text).toBe('op 1 (client 1) read nil, but it began after op 0 (client 0) wrote 1 completed, and nothing in between wrote nil (nil was only ever the initial value).')
    expect(e.text.startsWith('The history is not linearizable. Op 1 (client 1) read nil, but it began after')).toBe(true)
  })

  it('names the writes of the value read that could not come in between, and the key', () => {
    const model = models['cas-register']()
    const k = (f: string, value?: unknown) => ({ f, key: 'x', ...(value === undefined ? {} : { value }) })
    const history = [
      { clientId: 0, input: k('write', 2), call: 0, output: null, return: 1, id: 10 },
      { clientId: 1, input: k('cas', [2, 3]), call: 2, output: true, return: 3, id: 11 },
      { clientId: 2, input: k('read'), call: 4, output: 2, return: 5, id: 12 },
      { clientId: 0, input: k('write', 2), call: 6, output: null, return: 7, id: 13 },
    ]
    const e = explain(checkOperationsSync(model, history, { verbose: true }), model, history)!
    expect(e.key).toBe('x')
    expect(e.text).toMatch(/^The history is not linearizable on key "x"\./)
    expect(e.argument!.text).toBe(
      'On key "x", op 12 (client 2) read 2, but it began after op 11 (client 1) cas 2→3 succeeded completed, and nothing in between wrote 2 (the 2 writes of 2: op 10 (client 0) completed before op 11 (client 1) began; op 13 (client 0) began after op 12 (client 2) completed).',
    )
    expect(e.argument!.writers).toEqual([10, 13])
  })

  it('gives no argument where it would not hold: a write of the value might come in between, or the check was sequential', () => {
    const model = models.register()
    // op 2's read of 1 is fine (the write of 1 overlaps it); op 3's read of 2 is not, and its only witness overlaps it too.
    const history = [
      { clientId: 0, input: { f: 'write', value: 1 }, call: 0, output: null, return: 10 },
      { clientId: 1, input: { f: 'write', value: 2 }, call: 1, output: null, return: 2 },
      { clientId: 2, input: { f: 'read' }, call: 3, output: 1, return: 4 },
      { clientId: 1, input: { f: 'read' }, call: 5, output: 2, return: 6 },
    ]
    const result = checkOperationsSync(model, history, { verbose: true })
    expect(result.result).toBe('illegal')
    const e = explain(result, model, history)!
    // Whatever op the search got stuck on, any argument it gives must hold: checked by the brute-force test below.
    if (e.argument) expect(e.argument.text).toMatch(/nothing in between wrote/)
    const seq = checkOperationsSync(model, [
      { clientId: 0, input: { f: 'write', value: 1 }, call: 0, output: null, return: 1 },
      { clientId: 0, input: { f: 'read' }, call: 2, output: null, return: 3 },
    ], { verbose: true, consistency: 'sequential' })
    expect(seq.result).toBe('illegal')
    expect(explain(seq, model, [
      { clientId: 0, input: { f: 'write', value: 1 }, call: 0, output: null, return: 1 },
      { clientId: 0, input: { f: 'read' }, call: 2, output: null, return: 3 },
    ])!.argument).toBeUndefined()
  })

  it('is undefined for a linearizable history or without verbose', () => {
    const model = models.register()
    const ok = checkOperationsSync(model, [{ clientId: 0, input: { f: 'write', value: 1 }, call: 0, return: 1 }], { verbose: true })
    expect(explain(ok, model)).toBeUndefined()
  })
})

describe('renderHtml', () => {
  it('draws one row per client, every operation, the longest linearization numbered, the one that could not go next marked, and faults in lanes', () => {
    const model = models['cas-register']()
    const events = parseEtcdLog(readFileSync(ETCD, 'utf8'))
    const history = eventsToOperations(events)
    const result = checkEventsSync(model, events, { verbose: true })
    const failure = result.partitions![0]!.failure!
    const html = renderHtml(history, result, model, { faults: [{ start: 40, end: 70, label: 'n1 n2 | n3', kind: 'partition' }, { start: 50, end: 60, label: 'n3', kind: 'kill' }] })
    const clients = new Set(history.map((op) => op.clientId)).size
    expect(html.match(/<div>client \d+<\/div>|<div class="tall">client \d+<\/div>/g)).toHaveLength(clients)
    expect(html.match(/class="op[^"]*"/g)).toHaveLength(history.length)
    expect(html.match(/data-n="\d+"/g)).toHaveLength(failure.prefix.ops.length)
    const rejected = failure.stuck.filter((s) => s.next.length === 0)
    expect(html.match(/class="op[^"]* key stuck/g)).toHaveLength(rejected.length)
    expect(html).toContain('could not go next')
    expect(html.match(/class="lane"/g)).toHaveLength(2)
    expect(html).toContain('>n1 n2 | n3</div>')
    expect(html).not.toMatch(/(src|href)=|https?:/)
  })

  it('steps through the longest linearization with the state after each step, and zooms', () => {
    const model = models['cas-register']()
    const history: Operation<OpInput, unknown>[] = [
      { clientId: 0, input: { f: 'write', value: 0 }, call: 0, output: null, return: 1 },
      { clientId: 1, input: { f: 'read' }, call: 2, output: 3, return: 5 },
      { clientId: 2, input: { f: 'write', value: 4 }, call: 3, output: null, return: 6 },
    ]
    const result = checkOperationsSync(model, history, { verbose: true })
    const html = renderHtml(history, result, model)
    const data = JSON.parse(/<script type="application\/json" class="cx-data">(.*?)<\/script>/.exec(html)![1]!) as { steps: { id: number; state: string }[]; startState: string; endText: string }
    expect(data.steps.map((s) => [s.id, s.state])).toEqual([
      [0, '0'],
      [2, '4'],
    ])
    expect(data.startState).toBe('nil')
    expect(data.endText).toContain('op 1 (client 1) read → 3 cannot follow it')
    for (const act of ['focus', 'all', 'in', 'out', 'first', 'prev', 'next', 'last']) expect(html).toContain(`data-act="${act}"`)
  })

  it('puts operations on a real time axis when told the unit is seconds, and can be a fragment of a page', () => {
    const model = models.register()
    const history: Operation<OpInput, unknown>[] = [
      { clientId: 0, input: { f: 'write', value: 1 }, call: 12.5, output: null, return: 12.503 },
      { clientId: 1, input: { f: 'read' }, call: 12.504, output: null, return: 12.506 },
    ]
    const result = checkOperationsSync(model, history, { verbose: true })
    const html = renderHtml(history, result, model, { unit: 'seconds', fragment: true })
    expect(html.startsWith('<div class="cx"')).toBe(true)
    expect(html).not.toContain('<html')
    expect(html).toContain('"unit":"s"')
    expect(html).toContain('called 12.504000 s, returned 12.506000 s')
    expect(html).toContain('the axis is seconds since the workload started')
  })

  it('keeps a 100,000-op history to a window around the failure', () => {
    const model = models['cas-register']()
    // No timeouts: proving an illegal history with thousands of open ops illegal is exponential.
    // 100 keys of 1,000 ops each: the view draws the failing key's window.
    const history = simulateRegisterHistory({ ops: 100_000, keys: 100, concurrency: 10, infoRate: 0, seed: 3 })
    // Break it: a completed read of key 4 in the middle sees a value never written.
    const victim = history.findIndex((op, i) => i > 60_000 && op.input.f === 'read' && op.input.key === 4 && op.return !== Infinity)
    history[victim] = { ...history[victim]!, output: 99 }
    const result = checkOperationsSync(model, history, { verbose: true })
    expect(result.result).toBe('illegal')
    const html = renderHtml(history, result, model)
    expect(html.match(/class="op[^"]*"/g)!.length).toBeGreaterThanOrEqual(300)
    expect(html.match(/class="op[^"]*"/g)!.length).toBeLessThanOrEqual(303)
    expect(html).toContain(`data-id="${victim}"`)
    expect(html).toContain('of key 4')
    expect(html).toContain(`op ${victim} (client ${history[victim]!.clientId}) read 99, but it began after op`)
    expect(html.length).toBeLessThan(250_000)
  })
})
