import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CounterFold, counterChecker, counterReads, type CounterResult } from '../../../checkers/counter.js'
import type { Op } from '../../../core/op.js'
import { HistoryBuilder, checkedBothWays, context, folded, jepsenFixture } from './history-builder.js'
import { interleave, type Call } from './interleave.js'

// Every history here is checked whole and by the fold, which must agree.
const check = async (history: Op[]): Promise<CounterResult> => (await checkedBothWays(counterChecker(), history)) as CounterResult

describe('counter checker: Jepsen histories', () => {
  // elle-cli calls these valid: Jepsen's counter checker finds no read out of
  // bounds because the files hold no read at all (287 acknowledged adds). With
  // nothing read nothing was judged, so dstest says unknown, as its stats checker does.
  it.each(['counter.edn', 'counter.json'])('%s holds 287 adds and no read: unknown, not a vacuous pass', async (file) => {
    const r = await check(jepsenFixture(file))
    expect(r.valid).toBe('unknown')
    expect(r.reads).toBe(0)
    expect(r.adds).toEqual({ ok: 287, fail: 0, info: 0 })
    expect(r.summary).toBe('no read completed, so nothing could be judged (0 reads, adds 287 ok / 0 fail / 0 info)')
  })

  it('counter.edn with a final read of the 287 acknowledged adds appended is valid, and one of 286 is not', async () => {
    const h = jepsenFixture('counter.edn')
    const withRead = (value: number): Op[] => [
      ...h,
      { index: h.length, time: h.at(-1)!.time + 1, type: 'invoke', process: 0, f: 'read', value: null },
      { index: h.length + 1, time: h.at(-1)!.time + 2, type: 'ok', process: 0, f: 'read', value },
    ]
    expect((await check(withRead(287))).valid).toBe(true)
    expect((await check(withRead(286))).valid).toBe(false)
  })
})

describe('counter checker: one history per finding', () => {
  it('valid: a read concurrent with an add may or may not count it', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1).invoke(0, 'add', 1).call(1, 'read', null, 1).call(2, 'read', null, 2).ok(0, 'add', 1)
    const r = await check(h.ops)
    expect(r.valid).toBe(true)
    expect(r.final).toMatchObject({ value: 2, lower: 1, upper: 2 })
  })

  it('too low: a read below the increments acknowledged before it began', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1).call(0, 'add', 1).call(1, 'read', null, 1)
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.errors).toEqual([expect.objectContaining({ index: 5, value: 1, lower: 2, upper: 2 })])
    expect(r.summary).toMatch(/^1 read\(s\) out of bounds: first at op 5, 1 is below 2, the least that must have been counted/)
  })

  it('too high: a read above every increment attempted by the time it ended; a failed add counts for nothing', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1).call(0, 'add', 1, 1, 'fail').call(1, 'read', null, 2)
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.errors[0]).toMatchObject({ value: 2, lower: 1, upper: 1 })
    expect(r.summary).toMatch(/2 is above 1, the most that could have been counted/)
  })

  it('an add that timed out may take effect at any later time', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1, 1, 'info').call(1, 'read', null, 0).call(1, 'read', null, 1).call(1, 'read', null, 0)
    expect((await check(h.ops)).valid).toBe(true)
  })

  it('decrements widen the range downwards until acknowledged', async () => {
    const h = new HistoryBuilder().call(0, 'add', 5).invoke(2, 'add', -2).call(1, 'read', null, 3).ok(2, 'add', -2).call(1, 'read', null, 5)
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.errors[0]).toMatchObject({ value: 5, lower: 3, upper: 3 })
  })

  it('unknown with no read, or a value that is not a number', async () => {
    expect((await check(new HistoryBuilder().call(0, 'add', 1).ops)).valid).toBe('unknown')
    const bad = await check(new HistoryBuilder().call(0, 'add', 'x').call(1, 'read', null, 1).ops)
    expect(bad).toMatchObject({ valid: 'unknown', summary: 'cannot check: add at index 0 has value "x", expected a number' })
  })
})

/** The definition, read by read: adds of ±1, so a value is legal when some choice of the uncertain adds reaches it. */
function bruteForce(history: readonly Op[]): boolean[] {
  const completion = (i: number): Op | undefined => history.slice(i + 1).find((o) => o.process === history[i]!.process)
  const verdicts: [number, boolean][] = []
  for (const inv of history) {
    if (inv.type !== 'invoke' || inv.f !== 'read') continue
    const done = completion(inv.index)
    if (done?.type !== 'ok') continue
    let definite = 0
    const uncertain: number[] = []
    for (const a of history) {
      if (a.type !== 'invoke' || a.f !== 'add' || a.index > done.index) continue
      const end = completion(a.index)
      if (end?.type === 'fail') continue
      if (end?.type === 'ok' && end.index < inv.index) definite += a.value as number
      else uncertain.push(a.value as number)
    }
    let reachable = new Set([definite])
    for (const n of uncertain) reachable = new Set([...reachable, ...[...reachable].map((s) => s + n)])
    verdicts.push([done.index, reachable.has(done.value as number)])
  }
  // In the order the reads completed, as the checker lists them.
  return verdicts.sort((a, b) => a[0] - b[0]).map(([, v]) => v)
}

describe('counter checker: agrees with the definition on random histories', () => {
  const call = fc.oneof(
    fc.record({ f: fc.constant('add'), value: fc.constantFrom(1, 1, -1), type: fc.constantFrom('ok', 'ok', 'fail', 'info') }),
    fc.record({ f: fc.constant('read'), value: fc.constant(null), result: fc.integer({ min: -2, max: 4 }), type: fc.constantFrom('ok', 'ok', 'info') }),
  ) as fc.Arbitrary<Call>
  it('each read is in bounds exactly when some set of the uncertain adds gives its value (3,000 histories)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(call, { maxLength: 5 }), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 40 }), (procs, picks) => {
        const history = interleave(procs, picks)
        expect(counterReads(history).map((r) => r.valid)).toEqual(bruteForce(history))
      }),
      { numRuns: 3000, seed: 14 },
    )
  })
})

describe('counter checker: the fold gives the whole-history result', () => {
  const call = fc.oneof(
    fc.record({ f: fc.constant('add'), value: fc.constantFrom(1, 1, -1, 3), type: fc.constantFrom('ok', 'ok', 'fail', 'info', 'pending') }),
    fc.record({ f: fc.constant('read'), value: fc.constant(null), result: fc.integer({ min: -2, max: 6 }), type: fc.constantFrom('ok', 'ok', 'fail', 'info', 'pending') }),
  ) as fc.Arbitrary<Call>
  it('on random histories with failed, timed-out and never-completed adds and reads (2,000 histories)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(call, { maxLength: 6 }), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 60 }), fc.integer({ min: -1, max: 2 }), async (procs, picks, initial) => {
        const history = interleave(procs, picks)
        const checker = counterChecker({ initial })
        expect(await folded(checker, history)).toEqual(await checker.check(history, context))
      }),
      { numRuns: 2000, seed: 16 },
    )
  })

  it('an add that fails after a read ended while it was in flight no longer counts for that read', async () => {
    // The read (ops 1-2) ends while the add of 5 is in flight; the add then fails: 5 was never possible.
    const h = new HistoryBuilder().invoke(0, 'add', 5).call(1, 'read', null, 5).fail(0, 'add', 5)
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.errors[0]).toMatchObject({ value: 5, lower: 0, upper: 0 })
  })

  it('judges each read as the history goes by: at once when no add is in flight, else once the adds in flight when it ended complete', () => {
    const judged: number[] = []
    const fold = new CounterFold({}, (r) => judged.push(r.index))
    const h = new HistoryBuilder().call(1, 'read', null, 0).invoke(0, 'add', 1).call(1, 'read', null, 1).call(2, 'read', null, 0).ok(0, 'add', 1)
    const at: number[][] = []
    for (const op of h.ops) {
      fold.add(op)
      at.push([...judged])
    }
    // The first read (op 1) as soon as it ends; the two that ended while the add was in flight (ops 4, 6) when it completes (op 7).
    expect(at.map((j) => j.length)).toEqual([0, 1, 1, 1, 1, 1, 1, 3])
    expect(judged).toEqual([1, 4, 6])
  })

  it('a malformed value is reported the same way by both', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1).call(1, 'read', null, 'x').call(0, 'add', 'y')
    expect(await check(h.ops)).toMatchObject({ valid: 'unknown', summary: 'cannot check: read at index 3 returned "x", expected a number' })
  })
})
