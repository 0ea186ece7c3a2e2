import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { analyseSet, setChecker, type ElementFate, type SetResult } from '../../../checkers/set.js'
import type { Op } from '../../../core/op.js'
import { HistoryBuilder, checkedBothWays, jepsenFixture } from './history-builder.js'
import { interleave, type Call } from './interleave.js'

// Every history here is checked whole and by the fold, which must agree.
const check = async (history: Op[], options = {}): Promise<SetResult> => (await checkedBothWays(setChecker(options), history)) as SetResult

describe('set checker: Jepsen histories', () => {
  it('set.edn is valid: three acknowledged adds, all in the final read', async () => {
    const r = await check(jepsenFixture('set.edn'))
    expect(r.valid).toBe(true)
    expect(r.counts).toMatchObject({ stable: 3, lost: 0, unexpected: 0 })
  })

  it.each(['set_full.edn', 'set_full.json'])('%s is invalid: its adds are [0 e] pairs, its read returns bare numbers, so every acknowledged add is lost and every number read is unexpected', async (file) => {
    const r = await check(jepsenFixture(file))
    expect(r.valid).toBe(false)
    expect(r.counts.lost).toBe(293)
    expect(r.counts.unexpected).toBe(293)
    expect(r.examples.lost?.[0]).toEqual([0, 0])
  })
})

describe('set checker: one history per finding', () => {
  it('stable: acknowledged and in every later read; latency from add to the first read of the unbroken run', async () => {
    const h = new HistoryBuilder().invoke(0, 'add', 1).call(1, 'read', null, []).ok(0, 'add', 1).call(1, 'read', null, [1]).call(1, 'read', null, [1])
    const r = await check(h.ops)
    expect(r.valid).toBe(true)
    expect(r.counts).toMatchObject({ stable: 1, stale: 0, lost: 0 })
    // add invoked at op 0 (0 ms); first read holding it ends at op 5 (5 ms).
    expect(r.stableLatencyMs).toEqual({ min: 5, p50: 5, p95: 5, p99: 5, max: 5 })
  })

  it('lost: acknowledged, then missing from the last read', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1).call(0, 'add', 2).call(1, 'read', null, [1, 2]).call(1, 'read', null, [1])
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.counts).toMatchObject({ lost: 1, stable: 1, unexpected: 0, duplicated: 0, stale: 0 })
    expect(r.examples.lost).toEqual([2])
    expect(r.summary).toMatch(/^1 element\(s\) lost/)
    const fate = analyseSet(h.ops).fates.find((f) => f.element === 2)!
    expect(fate).toMatchObject({ outcome: 'lost', missedBy: 7, lastSeen: 5 })
  })

  it('lost, for an element known only because a read saw it (its add timed out)', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1, 1, 'info').call(1, 'read', null, [1]).call(1, 'read', null, [])
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.counts).toMatchObject({ lost: 1, recovered: 1 })
  })

  it('stale: missing from a read that began after the ack, present later; invalid only with linearizable', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1).call(1, 'read', null, []).call(1, 'read', null, [1])
    const r = await check(h.ops)
    expect(r.valid).toBe(true)
    expect(r.counts).toMatchObject({ stable: 1, stale: 1 })
    expect(r.examples.stale).toEqual([1])
    const strict = await check(h.ops, { linearizable: true })
    expect(strict.valid).toBe(false)
    expect(strict.summary).toMatch(/^1 stale element/)
  })

  it('never read: acknowledged after the last read began; with no stable element at all, unknown', async () => {
    const h = new HistoryBuilder().call(0, 'add', 2).call(1, 'read', null, [2]).call(0, 'add', 1)
    const r = await check(h.ops)
    expect(r.valid).toBe(true)
    expect(r.counts).toMatchObject({ 'never-read': 1, stable: 1, lost: 0 })
    const none = await check(new HistoryBuilder().call(1, 'read', null, []).call(0, 'add', 1).ops)
    expect(none.valid).toBe('unknown')
    expect(none.summary).toMatch(/^no element was confirmed by a later read/)
  })

  it('recovered: the add timed out, yet the element is there; indeterminate when it is not', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1, 1, 'info').call(2, 'add', 2, 2, 'info').call(1, 'read', null, [1]).call(1, 'read', null, [1])
    const r = await check(h.ops)
    expect(r.valid).toBe(true)
    expect(r.counts).toMatchObject({ stable: 1, recovered: 1, indeterminate: 1, lost: 0 })
  })

  it('duplicated: one read holds an element twice', async () => {
    const h = new HistoryBuilder().call(0, 'add', 1).call(1, 'read', null, [1, 1])
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.counts).toMatchObject({ duplicated: 1, lost: 0, unexpected: 0 })
    expect(r.summary).toMatch(/^1 element\(s\) duplicated/)
  })

  it('unexpected: an element no one added, one whose add failed, one read before its add began', async () => {
    const never = new HistoryBuilder().call(0, 'add', 1).call(1, 'read', null, [1, 9])
    expect((await check(never.ops)).counts).toMatchObject({ unexpected: 1, stable: 1 })
    expect(analyseSet(never.ops).fates.find((f) => f.element === 9)?.reason).toBe('no one added it')
    const failed = new HistoryBuilder().call(0, 'add', 1, 1, 'fail').call(1, 'read', null, [1])
    const rf = await check(failed.ops)
    expect(rf.valid).toBe(false)
    expect(rf.counts.unexpected).toBe(1)
    const early = new HistoryBuilder().call(1, 'read', null, [1]).call(0, 'add', 1).call(1, 'read', null, [1])
    expect((await check(early.ops)).counts.unexpected).toBe(1)
  })

  it('independent keys: each key is its own set', async () => {
    const h = new HistoryBuilder().call(0, 'add', ['a', 1]).call(0, 'add', ['b', 1]).call(1, 'read', ['a', null], ['a', [1]]).call(1, 'read', ['b', null], ['b', []])
    const r = await check(h.ops, { independent: true })
    expect(r.valid).toBe(false)
    expect(r.keys).toBe(2)
    expect(r.examples.lost).toEqual([['b', 1]])
  })

  it('unknown when no read completed, or a value has the wrong shape', async () => {
    expect((await check(new HistoryBuilder().call(0, 'add', 1).ops)).valid).toBe('unknown')
    const bad = await check(new HistoryBuilder().call(0, 'add', 1).call(1, 'read', null, 7).ops)
    expect(bad.valid).toBe('unknown')
    expect(bad.summary).toMatch(/read at index 3 returned 7, expected a list/)
    const unkeyed = await check(new HistoryBuilder().call(0, 'add', 1).ops, { independent: true })
    expect(unkeyed.summary).toMatch(/op 0 \(add\) has value 1, expected \[key, element\]/)
  })
})

/** The definition, element by element, scanning every read (no indexes). */
function bruteForce(history: readonly Op[]): Map<string, Pick<ElementFate, 'outcome' | 'stale' | 'recovered' | 'duplicated'>> {
  const completion = (i: number): Op | undefined => history.slice(i + 1).find((o) => o.process === history[i]!.process)
  const reads = history
    .filter((o) => o.type === 'invoke' && o.f === 'read')
    .map((inv) => ({ inv, done: completion(inv.index) }))
    .filter((r) => r.done?.type === 'ok')
    .map((r) => ({ invoke: r.inv.index, complete: r.done!.index, elements: r.done!.value as number[] }))
  const adds = history.filter((o) => o.type === 'invoke' && o.f === 'add').map((inv) => ({ element: inv.value as number, invoke: inv.index, done: completion(inv.index) }))
  const elements = new Set<number>([...adds.map((a) => a.element), ...reads.flatMap((r) => r.elements)])
  const out = new Map<string, Pick<ElementFate, 'outcome' | 'stale' | 'recovered' | 'duplicated'>>()
  for (const e of elements) {
    const add = adds.find((a) => a.element === e)
    const holding = reads.filter((r) => r.elements.includes(e))
    const duplicated = reads.some((r) => r.elements.filter((x) => x === e).length > 1)
    const firstSeen = Math.min(...holding.map((r) => r.complete))
    const fate = { outcome: 'indeterminate' as ElementFate['outcome'], stale: false, recovered: false, duplicated }
    out.set(String(e), fate)
    if (holding.length > 0 && (!add || add.done?.type === 'fail' || firstSeen < add.invoke)) {
      fate.outcome = 'unexpected'
      continue
    }
    fate.recovered = holding.length > 0 && add?.done?.type !== 'ok'
    const known = Math.min(add?.done?.type === 'ok' ? add.done.index : Infinity, firstSeen)
    if (known === Infinity) continue
    const after = reads.filter((r) => r.invoke > known)
    if (after.length === 0) {
      fate.outcome = 'never-read'
      continue
    }
    if (!reads[reads.length - 1]!.elements.includes(e)) {
      fate.outcome = 'lost'
      continue
    }
    fate.outcome = 'stable'
    fate.stale = after.some((r) => !r.elements.includes(e))
  }
  return out
}

describe('set checker: agrees with the definition on random histories', () => {
  const call = fc.oneof(
    fc.record({ f: fc.constant('add'), value: fc.integer({ min: 0, max: 5 }), type: fc.constantFrom('ok', 'ok', 'fail', 'info') }),
    fc.record({ f: fc.constant('read'), value: fc.constant(null), result: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 6 }), type: fc.constantFrom('ok', 'ok', 'ok', 'fail') }),
  ) as fc.Arbitrary<Call>
  it('every element gets the outcome and flags the definition gives (3,000 histories)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(call, { maxLength: 5 }), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 40 }), (procs, picks) => {
        // Elements are unique per add, as the workload makes them: keep each element's first add only.
        const used = new Set<unknown>()
        const unique = procs.map((calls) => calls.filter((c) => c.f !== 'add' || (!used.has(c.value) && used.add(c.value))))
        const history = interleave(unique, picks)
        const got = new Map(analyseSet(history).fates.map((f) => [String(f.element), { outcome: f.outcome, stale: f.stale, recovered: f.recovered, duplicated: f.duplicated }]))
        expect(got).toEqual(bruteForce(history))
      }),
      { numRuns: 3000, seed: 14 },
    )
  })
})

describe('set checker: the fold gives the whole-history result', () => {
  // Mostly small numbers; also a string that reads like one, and -0 (equal to 0 by its JSON).
  const element = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 6 }), weight: 8 }, { arbitrary: fc.constantFrom('1', -0, 1.5, null), weight: 1 })
  const keyed = (independent: boolean): fc.Arbitrary<Call> => {
    const key = fc.constantFrom('a', 'b', 7)
    const wrap = <T>(v: fc.Arbitrary<T>): fc.Arbitrary<unknown> => (independent ? fc.tuple(key, v) : v)
    return fc.oneof(
      // Elements may be added twice, fail, time out or never complete.
      fc.record({ f: fc.constant('add'), value: wrap(element), type: fc.constantFrom('ok', 'ok', 'fail', 'info', 'pending') }),
      // Reads may repeat an element, return one no one added, and complete in any order.
      fc.record({ f: fc.constant('read'), value: fc.constant(null), result: wrap(fc.array(element, { maxLength: 7 })), type: fc.constantFrom('ok', 'ok', 'ok', 'fail', 'info', 'pending') }),
      fc.record({ f: fc.constant('other'), value: fc.constant(1), type: fc.constantFrom('ok', 'pending') }),
    ) as fc.Arbitrary<Call>
  }
  for (const independent of [false, true]) {
    it(`on random histories${independent ? ' of independent keys' : ''}: fates, counts, examples, latencies (2,000 histories)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(keyed(independent), { maxLength: 7 }), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 70 }), fc.boolean(), async (procs, picks, linearizable) => {
          await check(interleave(procs, picks), { independent, linearizable })
        }),
        { numRuns: 2000, seed: 16 },
      )
    })
  }

  it('a malformed op: both name the one whose invocation comes first', async () => {
    // The read invoked first (op 0) completes last (op 3) with a bad value; the add invoked after it (op 1) has a bad value too.
    const h = new HistoryBuilder().invoke(1, 'read', ['a', null]).call(0, 'add', 5).ok(1, 'read', ['a', 3])
    expect((await check(h.ops, { independent: true })).summary).toBe('cannot check: read at index 3 returned 3, expected a list of elements')
    const g = new HistoryBuilder().call(0, 'add', 5).invoke(1, 'read', ['a', null]).ok(1, 'read', ['a', 3])
    expect((await check(g.ops, { independent: true })).summary).toBe('cannot check: op 0 (add) has value 5, expected [key, element]')
  })
})
