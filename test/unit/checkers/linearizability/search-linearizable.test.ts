// The linearizability search's reductions on literal histories: each one keeps
// the verdict (see property.test.ts for the random comparison with brute force)
// and does the work it is there for.
import { describe, expect, it } from 'vitest'
import { checkOperationsSync, models, simulateRegisterHistory, type Model, type Operation, type OpInput } from '../../../../checkers/linearizability/index.js'

const op = (clientId: number, input: OpInput, call: number, ret: number | undefined, output?: unknown): Operation<OpInput, unknown> =>
  ret === undefined ? { clientId, input, call } : { clientId, input, call, return: ret, output }

/** A register whose `claim` takes effect only on an empty (null) register: its step can be illegal with an unknown output. */
const claimRegister: Model<unknown, OpInput, unknown> = {
  init: () => null,
  step(state, input, output) {
    if (input.f === 'claim') return state === null ? [input.value] : []
    if (input.f === 'write') return [input.value]
    return output === undefined || output === state ? [state] : []
  },
  equal: (a, b) => a === b,
  hash: (s) => (s === null ? 0 : Number(s)),
  isReadOnly: (input) => input.f === 'read',
}

describe('tail operations (completed with an unknown output after the last call)', () => {
  it('are appended at the end when the search did not need them, and the result is the same as leaving them open', () => {
    // Porcupine's reading of a Jepsen log: timed-out ops return after the last line.
    const open = simulateRegisterHistory({ ops: 400, keys: 1, concurrency: 10, infoRate: 0.2, seed: 5 })
    const end = Math.max(...open.map((o) => o.call)) + 1
    const closed = open.map((o) => (o.return === undefined || o.return === Infinity ? { ...o, return: end, output: undefined } : o))
    expect(closed.filter((o) => o.return === end).length).toBeGreaterThan(40)
    const a = checkOperationsSync(models['cas-register'](), open)
    const b = checkOperationsSync(models['cas-register'](), closed, { verbose: true })
    expect(a.result).toBe('ok')
    expect(b.result).toBe('ok')
    // Deferred, they cost the search nothing more than open ops do.
    expect(b.stats.steps).toBe(a.stats.steps)
    // The linearization reported places every op, tail ops included.
    expect(b.partitions![0]!.longest![0]!.ops).toHaveLength(closed.length)
  })

  it('are searched again as required ops when the model rejects one at the end', () => {
    // claim 5 timed out; it must have happened, and only before the write, since
    // the register is no longer empty afterwards.
    const history = [op(0, { f: 'claim', value: 5 }, 0, 10), op(1, { f: 'write', value: 3 }, 1, 2, null), op(1, { f: 'read' }, 3, 4, 3)]
    expect(checkOperationsSync(claimRegister, history).result).toBe('ok')
    // If the read saw the claim's value after the write, no order fits.
    const bad = [op(0, { f: 'claim', value: 5 }, 0, 10), op(1, { f: 'write', value: 3 }, 1, 2, null), op(1, { f: 'read' }, 3, 4, 5)]
    expect(checkOperationsSync(claimRegister, bad).result).toBe('illegal')
  })
})

describe('operations that never returned', () => {
  it('are placed only where they are needed, so proving a history with many timeouts illegal stays tractable', () => {
    // 200 ops on one register, 8 clients, 30% of them time out; then one read near
    // the end is made to see a value never written. Placing every timed-out write
    // at every point it could go took 2.9 million steps here.
    const history = simulateRegisterHistory({ ops: 200, keys: 1, concurrency: 8, infoRate: 0.3, seed: 11 })
    expect(history.filter((o) => o.return === undefined || o.return === Infinity).length).toBeGreaterThan(40)
    expect(checkOperationsSync(models['cas-register'](), history).result).toBe('ok')
    const victim = history.findIndex((o, i) => i > 140 && o.input.f === 'read' && o.return !== undefined && o.return !== Infinity)
    history[victim] = { ...history[victim]!, output: 99 }
    const r = checkOperationsSync(models['cas-register'](), history)
    expect(r.result).toBe('illegal')
    expect(r.stats.steps).toBeLessThan(100_000)
  })
})

describe('read-only operations (Lowe)', () => {
  it('are placed as soon as they fit, so concurrent reads cost steps linear in their number', () => {
    // A write, then 24 overlapping reads of its value and one read of a value never
    // written. Without the reduction, proving this illegal visits all 2^24 subsets of reads.
    const history = [op(0, { f: 'write', value: 1 }, 0, 1, null)]
    for (let i = 0; i < 24; i++) history.push(op(i + 1, { f: 'read' }, 2 + i, 100 + i, 1))
    history.push(op(30, { f: 'read' }, 2, 200, 2))
    const r = checkOperationsSync(models.register(), history)
    expect(r.result).toBe('illegal')
    expect(r.stats.steps).toBeLessThan(1000)
  })

  it('a model that calls a state-changing operation read-only is refused with a clear error', () => {
    const lying: Model<unknown, OpInput, unknown> = { ...models.register(), isReadOnly: () => true }
    const history = [op(0, { f: 'write', value: 1 }, 0, 1, null)]
    expect(() => checkOperationsSync(lying, history)).toThrow(/read-only \(isReadOnly\), but its step changed the state/)
  })
})
