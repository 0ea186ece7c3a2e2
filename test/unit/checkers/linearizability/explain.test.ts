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

  it('is undefined for a linearizable history or without verbose', () => {
    const model = models.register()
    const ok = checkOperationsSync(model, [{ clientId: 0, input: { f: 'write', value: 1 }, call: 0, return: 1 }], { verbose: true })
    expect(explain(ok, model)).toBeUndefined()
  })
})

describe('renderHtml', () => {
  it('draws one row per client, the partial linearization, the offending op and faults', () => {
    const model = models['cas-register']()
    const events = parseEtcdLog(readFileSync(ETCD, 'utf8'))
    const history = eventsToOperations(events)
    const result = checkEventsSync(model, events, { verbose: true })
    const html = renderHtml(history, result, model, { faults: [{ start: 40, end: 70, label: 'partition n1|n2' }] })
    const clients = new Set(history.map((op) => op.clientId)).size
    expect(html.match(/class="client"/g)).toHaveLength(clients)
    expect(html.match(/class="op[^"]*"/g)).toHaveLength(history.length)
    const prefix = result.partitions![0]!.failure!.prefix.ops.length
    expect(html.match(/class="op lin/g)).toHaveLength(prefix)
    expect(html.match(/class="op[^"]* stuck/g)).toHaveLength(result.partitions![0]!.failure!.stuck.length)
    expect(html).toContain('could not go next: met state 0')
    expect(html).toContain('class="fault"')
    expect(html).toContain('partition n1|n2')
    expect(html).not.toMatch(/(src|href)=|https?:/)
  })

  it('keeps a 100,000-op history to a window around the failure', () => {
    const model = models['cas-register']()
    // No timeouts: proving an illegal history with thousands of open ops illegal is exponential.
    const history = simulateRegisterHistory({ ops: 100_000, keys: 10, concurrency: 10, infoRate: 0, seed: 3 })
    // Break it: a completed read of key 4 in the middle sees a value never written.
    const victim = history.findIndex((op, i) => i > 60_000 && op.input.f === 'read' && op.input.key === 4 && op.return !== Infinity)
    history[victim] = { ...history[victim]!, output: 99 }
    const result = checkOperationsSync(model, history, { verbose: true })
    expect(result.result).toBe('illegal')
    const html = renderHtml(history, result, model)
    expect(html.match(/class="op[^"]*"/g)).toHaveLength(300)
    expect(html).toContain(`op ${victim}, client`)
    expect(html.length).toBeLessThan(150_000)
  })
})
