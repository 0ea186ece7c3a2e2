// The search agrees with the brute-force reference on random small histories
// (≤ 8 ops, ≤ 4 processes, with fail and info completions), for linearizability
// and sequential consistency, across several models. Each history is also checked
// in two more readings that the search's reductions treat specially: timed-out
// ops closed with an unknown output after the last event (Porcupine's reading of
// Jepsen logs), and some completed ops with their output unknown.
// DSTEST_PROPERTY_RUNS raises the number of histories (default 20,000).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkOperationsSync,
  models,
  operationsFromJepsen,
  type JepsenRecord,
  type ModelName,
  type Operation,
} from '../../../../checkers/linearizability/index.js'
import { bruteForce, memoisedReference } from './brute-force.js'

/** How each model's object really behaves, to simulate executions. */
type Real = { state: unknown; apply(f: string, value: unknown): { output: unknown; effect: boolean } }

function realObject(name: ModelName): Real {
  const r: Real = {
    state: name === 'counter' ? 0 : name === 'set' || name === 'queue' ? [] : name === 'mutex' ? false : name.startsWith('kv') ? {} : null,
    apply(f, value) {
      const s = r.state
      switch (f) {
        case 'read':
          return { output: Array.isArray(s) ? [...s] : s, effect: true }
        case 'write':
          r.state = value
          return { output: value, effect: true }
        case 'cas': {
          const [from, to] = value as [number, number]
          if (s !== from) return { output: value, effect: false }
          r.state = to
          return { output: value, effect: true }
        }
        case 'add':
          if (name === 'counter') r.state = (s as number) + (value as number)
          else if (!(s as unknown[]).includes(value)) r.state = [...(s as unknown[]), value].sort()
          return { output: value, effect: true }
        case 'enqueue':
          r.state = [...(s as unknown[]), value]
          return { output: value, effect: true }
        case 'dequeue': {
          const q = s as unknown[]
          r.state = q.slice(1)
          return { output: q.length === 0 ? null : q[0], effect: true }
        }
        case 'acquire':
          if (s) return { output: null, effect: false }
          r.state = true
          return { output: null, effect: true }
        case 'release':
          if (!s) return { output: null, effect: false }
          r.state = false
          return { output: null, effect: true }
        default: {
          const [key, v] = value as [string, string]
          const kv = s as Record<string, string>
          if (f === 'get') return { output: kv[key] ?? '', effect: true }
          r.state = { ...kv, [key]: f === 'put' ? v : (kv[key] ?? '') + v }
          return { output: null, effect: true }
        }
      }
    },
  }
  return r
}

const FS: Record<ModelName, string[]> = {
  register: ['read', 'write'],
  'cas-register': ['read', 'write', 'cas'],
  counter: ['read', 'add'],
  set: ['read', 'add'],
  queue: ['enqueue', 'dequeue', 'dequeue'],
  mutex: ['acquire', 'release'],
  kv: ['get', 'put', 'append'],
  'kv-unpartitioned': ['get', 'put', 'append'],
}
const READS = new Set(['read', 'get', 'dequeue'])

const opArb = fc.record({
  process: fc.nat(3),
  fi: fc.nat(2),
  a: fc.nat(2),
  b: fc.nat(2),
  outcome: fc.constantFrom('ok', 'ok', 'ok', 'ok', 'fail', 'info'),
  // The output is wrong in about one op in three, so that about half the histories are illegal.
  corrupt: fc.nat(2),
})
const historyArb = fc.record({
  model: fc.constantFrom(...(Object.keys(FS) as ModelName[])),
  ops: fc.array(opArb, { minLength: 1, maxLength: 8 }),
  schedule: fc.array(fc.nat(7), { minLength: 40, maxLength: 40 }),
  // Bit i set: op i's output is made unknown in the third reading.
  blur: fc.nat(255),
})

// Longer histories where a third of the ops time out: what the reductions for
// ops that never return are about.
const timeoutsArb = fc.record({
  model: fc.constantFrom<ModelName>('register', 'cas-register', 'mutex', 'counter', 'queue', 'kv-unpartitioned'),
  ops: fc.array(
    fc.record({
      process: fc.nat(3),
      fi: fc.nat(2),
      a: fc.nat(2),
      b: fc.nat(2),
      outcome: fc.constantFrom('ok', 'ok', 'info', 'fail'),
      corrupt: fc.nat(3),
    }),
    { minLength: 10, maxLength: 16 },
  ),
  schedule: fc.array(fc.nat(7), { minLength: 60, maxLength: 60 }),
  blur: fc.nat(0xffff),
})

/** Runs the ops as a random concurrent execution against a real object; returns Jepsen records. */
type HistorySpec = typeof historyArb extends fc.Arbitrary<infer T> ? T : never

function simulate(h: HistorySpec): JepsenRecord[] {
  const real = realObject(h.model)
  const queues = [0, 1, 2, 3].map((p) => h.ops.filter((o) => o.process === p))
  const generation = [0, 0, 0, 0]
  const open: ({ op: (typeof h.ops)[number]; f: string; value: unknown; effected: boolean; output: unknown } | undefined)[] = [undefined, undefined, undefined, undefined]
  const records: JepsenRecord[] = []
  let k = 0
  while (true) {
    const busy = [0, 1, 2, 3].filter((p) => open[p] || queues[p]!.length > 0)
    if (busy.length === 0) break
    const p = busy[h.schedule[k++ % h.schedule.length]! % busy.length]!
    const proc = p + 4 * generation[p]!
    const cur = open[p]
    if (!cur) {
      const op = queues[p]!.shift()!
      const f = FS[h.model][op.fi % FS[h.model].length]!
      const value =
        f === 'cas' ? [op.a, op.b] : h.model.startsWith('kv') ? [String(op.a % 2), f === 'get' ? null : `x${op.b}`] : READS.has(f) || f === 'acquire' || f === 'release' ? null : op.a
      open[p] = { op, f, value, effected: false, output: undefined }
      records.push(h.model.startsWith('kv') ? { process: proc, type: 'invoke', f, key: (value as unknown[])[0], value: (value as unknown[])[1] } : { process: proc, type: 'invoke', f, value: READS.has(f) ? null : value })
    } else if (!cur.effected && cur.op.outcome !== 'fail' && (k + cur.op.a) % 3 !== 0) {
      // Take effect now (a later schedule slot completes it).
      const r = real.apply(cur.f, cur.value)
      cur.effected = true
      cur.output = r.effect ? r.output : 'no-effect'
    } else {
      open[p] = undefined
      let type = cur.op.outcome
      let output = cur.output
      if (type === 'ok' && (!cur.effected || output === 'no-effect')) type = 'fail'
      if (type === 'info' && !cur.effected && (k + cur.op.b) % 2 === 0) type = 'info'
      if (cur.op.corrupt === 0 && READS.has(cur.f)) output = h.model === 'set' ? [cur.op.b] : h.model.startsWith('kv') ? `x${cur.op.b}` : cur.op.b
      if (cur.op.corrupt === 0 && (cur.f === 'acquire' || cur.f === 'release' || cur.f === 'cas') && type === 'fail') type = 'ok'
      const rec: JepsenRecord = { process: proc, type, f: cur.f, value: READS.has(cur.f) ? output : cur.value }
      if (h.model.startsWith('kv')) {
        rec.key = (cur.value as unknown[])[0]
        rec.value = cur.f === 'get' ? output : (cur.value as unknown[])[1]
      }
      records.push(rec)
      if (type === 'info') generation[p]!++
    }
  }
  return records
}

/** Porcupine's reading: ops that never completed return after the last event, output unknown. */
function closeAtEnd(ops: Operation[]): Operation[] {
  const end = Math.max(0, ...ops.map((op) => op.call)) + 1
  return ops.map((op) => (op.return === Infinity ? { ...op, return: end, output: undefined } : op))
}

/** Completed ops picked by the mask lose their output (a read that timed out, say). */
function blurOutputs(ops: Operation[], mask: number): Operation[] {
  return ops.map((op, i) => (op.return !== Infinity && (mask >> i) & 1 ? { ...op, output: undefined } : op))
}

const RUNS = Number(process.env.DSTEST_PROPERTY_RUNS ?? 20_000)

describe('search agrees with brute force on random small histories', () => {
  it(`${RUNS.toLocaleString('en')} histories in three readings, linearizable and sequential, zero disagreements`, () => {
    const tally = { linOk: 0, linIllegal: 0, seqOk: 0, seqIllegal: 0, seqOnly: 0, withInfo: 0, withFail: 0, closedOk: 0, closedIllegal: 0, blurredOk: 0, blurredIllegal: 0 }
    fc.assert(
      fc.property(historyArb, (h) => {
        const records = simulate(h)
        const ops = operationsFromJepsen(records)
        if (records.some((r) => r.type === 'info')) tally.withInfo++
        if (records.some((r) => r.type === 'fail')) tally.withFail++
        const model = models[h.model]()
        // The reference never partitions: for kv it checks the whole store at once.
        const reference = h.model === 'kv' ? models['kv-unpartitioned']() : model
        const readings = [
          ['jepsen', ops],
          ['closed', closeAtEnd(ops)],
          ['blurred', blurOutputs(ops, h.blur)],
        ] as const
        for (const [reading, history] of readings) {
          for (const consistency of ['linearizable', 'sequential'] as const) {
            const expected = bruteForce(reference, history, consistency) ? 'ok' : 'illegal'
            // Sequential consistency is not compositional: kv by key is refused when it would split.
            const checker = consistency === 'sequential' ? reference : model
            const got = checkOperationsSync(checker, history, { consistency, verbose: history.length % 2 === 0 }).result
            expect(got, `${reading} ${consistency} ${h.model} ${JSON.stringify(records)} blur=${h.blur}`).toBe(expected)
            if (reading === 'jepsen') {
              if (consistency === 'linearizable') tally[got === 'ok' ? 'linOk' : 'linIllegal']++
              else tally[got === 'ok' ? 'seqOk' : 'seqIllegal']++
            } else if (consistency === 'linearizable') {
              tally[`${reading}${got === 'ok' ? 'Ok' : 'Illegal'}`]++
            }
          }
        }
        const lin = checkOperationsSync(model, ops).result
        if (lin === 'illegal' && checkOperationsSync(reference, ops, { consistency: 'sequential' }).result === 'ok') tally.seqOnly++
      }),
      { numRuns: RUNS, seed: 20240607 },
    )
    // Not vacuous: both verdicts in every reading, histories that are sequential but not linearizable, info and fail.
    const share = (n: number): number => (n * RUNS) / 20_000
    expect(tally.linOk).toBeGreaterThan(share(2000))
    expect(tally.linIllegal).toBeGreaterThan(share(2000))
    expect(tally.closedOk).toBeGreaterThan(share(2000))
    expect(tally.closedIllegal).toBeGreaterThan(share(2000))
    expect(tally.blurredOk).toBeGreaterThan(share(2000))
    expect(tally.blurredIllegal).toBeGreaterThan(share(2000))
    expect(tally.seqOnly).toBeGreaterThan(share(100))
    expect(tally.withInfo).toBeGreaterThan(share(1000))
    expect(tally.withFail).toBeGreaterThan(share(1000))
    expect(tally.linOk + tally.linIllegal).toBe(RUNS)
  }, 600_000)

  it(`${(RUNS / 10).toLocaleString('en')} histories of 10–16 ops, a third of them timed out, agree with a plain memoised search`, () => {
    const tally = { ok: 0, illegal: 0, withThreeInfo: 0 }
    fc.assert(
      fc.property(timeoutsArb, (h) => {
        const records = simulate(h)
        const ops = operationsFromJepsen(records)
        if (records.filter((r) => r.type === 'info').length >= 3) tally.withThreeInfo++
        const model = models[h.model]()
        for (const history of [ops, closeAtEnd(ops), blurOutputs(ops, h.blur)]) {
          const expected = memoisedReference(model, history) ? 'ok' : 'illegal'
          const got = checkOperationsSync(model, history).result
          expect(got, `${h.model} ${JSON.stringify(records)} blur=${h.blur}`).toBe(expected)
          tally[got === 'ok' ? 'ok' : 'illegal']++
        }
      }),
      { numRuns: RUNS / 10, seed: 20240608 },
    )
    expect(tally.ok).toBeGreaterThan(RUNS / 40)
    expect(tally.illegal).toBeGreaterThan(RUNS / 40)
    expect(tally.withThreeInfo).toBeGreaterThan(RUNS / 40)
  }, 600_000)
})
