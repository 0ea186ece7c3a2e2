import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expandDrains, queueChecker, type QueueCheckerOptions, type QueueResult } from '../../../checkers/queue.js'
import type { Op } from '../../../core/op.js'
import { HistoryBuilder, context } from './history-builder.js'
import { interleave, type Call } from './interleave.js'

const check = async (history: Op[], options: QueueCheckerOptions = {}): Promise<QueueResult> => (await queueChecker(options).check(history, context)) as QueueResult

/** enqueue 1, 2, 3 (acknowledged) on process 0. */
const filled = (): HistoryBuilder => new HistoryBuilder().call(0, 'enqueue', 1).call(0, 'enqueue', 2).call(0, 'enqueue', 3)

describe('queue checker: one history per finding', () => {
  it('valid: every acknowledged value dequeued once, then the queue found empty', async () => {
    const h = filled().call(1, 'dequeue', null, 1).call(1, 'dequeue', null, 2).call(1, 'dequeue', null, 3).call(1, 'dequeue', null, null)
    const r = await check(h.ops, { fifo: true })
    expect(r.valid).toBe(true)
    expect(r.summary).toBe('every acknowledged value dequeued exactly once, in FIFO order (3/3 enqueues acknowledged, 3 dequeued, 0 recovered)')
    expect(r.fifo?.valid).toBe(true)
  })

  it('lost: acknowledged, never dequeued, and the queue was later empty', async () => {
    const h = filled().call(1, 'dequeue', null, 1).call(1, 'dequeue', null, 3).call(1, 'dequeue', null, null)
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.counts).toEqual({ lost: 1, unexpected: 0, duplicated: 0, recovered: 0, unconfirmed: 0, 'maybe-taken': 0 })
    expect(r.examples.lost).toEqual([2])
    expect(r.summary).toMatch(/^1 acknowledged value\(s\) never dequeued though the queue was later empty \(e\.g\. 2\)/)
  })

  it('not lost but unknown when a dequeue that timed out may have taken it, or the queue was never seen empty', async () => {
    const taken = filled().call(1, 'dequeue', null, 1).call(2, 'dequeue', null, null, 'info').call(1, 'dequeue', null, 3).call(1, 'dequeue', null, null)
    const r = await check(taken.ops)
    expect(r.valid).toBe('unknown')
    expect(r.summary).toMatch(/but 1 dequeue\(s\) timed out and may have taken them/)
    const undrained = filled().call(1, 'dequeue', null, 1)
    const u = await check(undrained.ops)
    expect(u.valid).toBe('unknown')
    expect(u.counts.unconfirmed).toBe(2)
  })

  it('maybe-taken: a dequeue that timed out after receiving a value (info with that value) delivered it, so it is not lost', async () => {
    const h = filled().call(1, 'dequeue', null, 1).call(2, 'dequeue', null, 2, 'info').call(1, 'dequeue', null, 3).call(1, 'dequeue', null, null)
    for (const options of [{}, { atLeastOnce: true }]) {
      const r = await check(h.ops, options)
      expect(r.valid).toBe(true)
      expect(r.counts).toMatchObject({ lost: 0, 'maybe-taken': 1, duplicated: 0 })
      expect(r.uncertainDequeues).toBe(1)
      expect(r.summary).toMatch(/3\/3 enqueues acknowledged, 2 dequeued, 1 received by dequeues that then timed out \(1 of them dequeued nowhere else\)/)
    }
  })

  it('maybe-taken: a value received by a dequeue that timed out and then dequeued again is a redelivery, not a duplicate', async () => {
    const h = filled().call(2, 'dequeue', null, 2, 'info').call(1, 'dequeue', null, 1).call(1, 'dequeue', null, 2).call(1, 'dequeue', null, 3).call(1, 'dequeue', null, null)
    const r = await check(h.ops)
    expect(r.valid).toBe(true)
    expect(r.counts).toMatchObject({ duplicated: 0, 'maybe-taken': 0 })
  })

  it('a value received by a dequeue that timed out excuses only that value: another missing value is lost', async () => {
    const h = filled().call(2, 'dequeue', null, 1, 'info').call(1, 'dequeue', null, 3).call(1, 'dequeue', null, null)
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.counts).toMatchObject({ lost: 1, 'maybe-taken': 1 })
    expect(r.examples.lost).toEqual([2])
    expect(r.summary).toMatch(/^1 acknowledged value\(s\) never dequeued though the queue was later empty \(e\.g\. 2\) \(3\/3 enqueues/)
  })

  it('a value received by a dequeue that timed out, which no one enqueued, is unexpected', async () => {
    const h = filled().call(2, 'dequeue', null, 9, 'info').call(1, 'drain', null, [1, 2, 3])
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.examples.unexpected).toEqual([9])
  })

  it('unexpected: dequeued but never enqueued, or its enqueue failed', async () => {
    const h = new HistoryBuilder().call(0, 'enqueue', 1, 1, 'fail').call(1, 'dequeue', null, 1).call(1, 'dequeue', null, 9).call(1, 'dequeue', null, null)
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.counts.unexpected).toBe(2)
    expect(r.examples.unexpected).toEqual([1, 9])
  })

  it('duplicated: one value dequeued twice; reported but legal for an at-least-once queue', async () => {
    const h = filled().call(1, 'dequeue', null, 1).call(2, 'dequeue', null, 1).call(1, 'drain', null, [2, 3])
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.counts).toMatchObject({ duplicated: 1, lost: 0, unexpected: 0 })
    const once = await check(h.ops, { atLeastOnce: true })
    expect(once.valid).toBe(true)
    expect(once.summary).toBe('every acknowledged value dequeued at least once (3/3 enqueues acknowledged, 4 dequeued, 0 recovered, 1 duplicated (allowed: at least once))')
  })

  it('recovered: an enqueue that timed out, dequeued after all', async () => {
    const h = new HistoryBuilder().call(0, 'enqueue', 1, 1, 'info').call(1, 'drain', null, [1])
    const r = await check(h.ops)
    expect(r.valid).toBe(true)
    expect(r.counts.recovered).toBe(1)
  })

  it('FIFO, when asked: values out of order are caught by the queue model, not by the totals', async () => {
    const h = filled().call(1, 'dequeue', null, 2).call(1, 'dequeue', null, 1).call(1, 'drain', null, [3])
    expect((await check(h.ops)).valid).toBe(true)
    const r = await check(h.ops, { fifo: true })
    expect(r.valid).toBe(false)
    expect(r.summary).toMatch(/^not FIFO: not linearizable/)
    expect(r.fifo?.explanation).toMatch(/dequeue/)
  })

  it('FIFO through a drain: the drained values are in order, and the queue is empty after them', async () => {
    const inOrder = filled().call(1, 'dequeue', null, 1).call(1, 'drain', null, [2, 3])
    expect((await check(inOrder.ops, { fifo: true })).valid).toBe(true)
    const swapped = filled().call(1, 'dequeue', null, 1).call(1, 'drain', null, [3, 2])
    expect((await check(swapped.ops, { fifo: true })).valid).toBe(false)
    const expanded = expandDrains(inOrder.ops) as Op[]
    expect(expanded.slice(-6).map((o) => [o.type, o.f, o.value])).toEqual([
      ['invoke', 'dequeue', null], ['ok', 'dequeue', 2],
      ['invoke', 'dequeue', null], ['ok', 'dequeue', 3],
      ['invoke', 'dequeue', null], ['ok', 'dequeue', null],
    ])
  })

  it('FIFO is undecided when a drain overlaps another completed op', async () => {
    const h = new HistoryBuilder().invoke(1, 'drain').call(0, 'enqueue', 1).ok(1, 'drain', [])
    const r = await check(h.ops, { fifo: true })
    expect(r.fifo).toMatchObject({ valid: 'unknown', summary: 'cannot check FIFO order: drain at index 0 overlaps op 1, so its dequeues cannot be placed in order' })
  })

  it('unknown when nothing was enqueued or a drain returned something else than a list', async () => {
    expect((await check(new HistoryBuilder().call(1, 'dequeue', null, null).ops)).valid).toBe('unknown')
    expect((await check(new HistoryBuilder().call(0, 'enqueue', 1).call(1, 'drain', null, 5).ops)).summary).toMatch(/drain at index 3 returned 5, expected a list/)
  })
})

describe('queue checker: dequeues whose outcome a settle-dequeues told', () => {
  /** Values 1, 2, 3 acknowledged; d1 took 1 (ok); d2 timed out (info: the runner repeats the invocation's value); the drain takes 3 and finds the queue empty. */
  const timedOut = (): HistoryBuilder => filled().call(1, 'dequeue', 'd1', 1).call(2, 'dequeue', 'd2', 'd2', 'info')
  const drained = (h: HistoryBuilder): HistoryBuilder => h.call(1, 'dequeue', null, 3).call(1, 'dequeue', null, null)

  it('without a settle the timed-out dequeue may have taken the missing value: unknown, as before', async () => {
    const r = await check(drained(timedOut()).ops)
    expect(r.valid).toBe('unknown')
    expect(r.uncertainDequeues).toBe(1)
    expect(r.learnedDequeues).toEqual({ count: 0, took: 0 })
    // The info value 'd2' is the invocation's own: it received nothing, so it is no unexpected value.
    expect(r.counts).toMatchObject({ unexpected: 0, 'maybe-taken': 0, lost: 1 })
  })

  it('a settle that says the timed-out dequeue took the value: dequeued, valid', async () => {
    const h = drained(timedOut().call(1, 'settle-dequeues', null, { d1: 1, d2: 2 }))
    const r = await check(h.ops)
    expect(r.valid).toBe(true)
    expect(r.uncertainDequeues).toBe(0)
    expect(r.learnedDequeues).toEqual({ count: 1, took: 1 })
    expect(r.summary).toBe('every acknowledged value dequeued exactly once (3/3 enqueues acknowledged, 3 dequeued (1 of them by 1 dequeue(s) that timed out, as settle-dequeues told), 0 recovered)')
  })

  it('a settle that says the timed-out dequeue took nothing exposes a real loss: invalid', async () => {
    const h = drained(timedOut().call(1, 'settle-dequeues', null, { d1: 1 }))
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.counts.lost).toBe(1)
    expect(r.examples.lost).toEqual([2])
    expect(r.learnedDequeues).toEqual({ count: 1, took: 0 })
    expect(r.summary).toMatch(/^1 acknowledged value\(s\) never dequeued though the queue was later empty \(e\.g\. 2\)/)
  })

  it('a learned take counts like an ok dequeue: a value also dequeued elsewhere is duplicated, one never enqueued unexpected', async () => {
    const twice = filled().call(1, 'dequeue', 'd1', 1).call(2, 'dequeue', 'd2', 'd2', 'info').call(1, 'dequeue', 'd3', 2).call(1, 'settle-dequeues', null, { d1: 1, d2: 2, d3: 2 })
    const r = await check(drained(twice).ops)
    expect(r.valid).toBe(false)
    expect(r.counts).toMatchObject({ duplicated: 1, lost: 0 })
    expect(r.examples.duplicated).toEqual([2])
    const stranger = drained(filled().call(1, 'dequeue', 'd1', 1).call(1, 'dequeue', 'd4', 2).call(2, 'dequeue', 'd2', 'd2', 'info').call(1, 'settle-dequeues', null, { d1: 1, d2: 9, d4: 2 }))
    const u = await check(stranger.ops)
    expect(u.valid).toBe(false)
    expect(u.examples.unexpected).toEqual([9])
  })

  it('a dequeue that never completed is settled too; one with no request id (null) still is not', async () => {
    const h = filled().call(1, 'dequeue', 'd1', 1).invoke(2, 'dequeue', 'd2').invoke(3, 'dequeue', null).call(1, 'settle-dequeues', null, { d1: 1, d2: 2 })
    const r = await check(drained(h).ops)
    expect(r.learnedDequeues).toEqual({ count: 1, took: 1 })
    expect(r.uncertainDequeues).toBe(1)
    expect(r.valid).toBe(true)
  })

  it('only an ok settle tells: one that timed out leaves the dequeue uncertain', async () => {
    const h = drained(timedOut().call(1, 'settle-dequeues', null, null, 'info'))
    const r = await check(h.ops)
    expect(r.valid).toBe('unknown')
    expect(r.uncertainDequeues).toBe(1)
  })

  it('two settles that disagree are an anomaly (each holds every record)', async () => {
    const h = drained(timedOut().call(1, 'settle-dequeues', null, { d1: 1, d2: 2 }).call(1, 'settle-dequeues', null, { d1: 1 }))
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.summary).toMatch(/settle-dequeues answered differently for 1 request\(s\) \(e\.g\. "d2"\)/)
    const same = await check(drained(timedOut().call(1, 'settle-dequeues', null, { d1: 1, d2: 2 }).call(2, 'settle-dequeues', null, { d2: 2, d1: 1 })).ops)
    expect(same.valid).toBe(true)
  })

  it('dequeues with the same request id are one request: its answer counts once, and tells what a try of it that timed out did', async () => {
    const again = drained(filled().call(1, 'dequeue', 'd1', 1).call(2, 'dequeue', 'd2', 'd2', 'info').call(3, 'dequeue', 'd2', 2).call(1, 'dequeue', 'd2', 2))
    const r = await check(again.ops)
    expect(r.valid).toBe(true)
    expect(r.counts.duplicated).toBe(0)
    expect(r.uncertainDequeues).toBe(0)
    expect(r.learnedDequeues).toEqual({ count: 1, took: 0 })
    // Answered with two different values, it counts both: a value also dequeued elsewhere is then duplicated.
    const split = drained(filled().call(1, 'dequeue', 'd1', 1).call(3, 'dequeue', 'd1', 2).call(1, 'dequeue', 'd2', 2))
    expect((await check(split.ops)).counts.duplicated).toBe(1)
  })

  it('an info that carries a value other than its invocation\'s still received it (RabbitMQ), with or without a request id', async () => {
    const h = drained(filled().call(1, 'dequeue', 'd1', 1).call(2, 'dequeue', 'd2', 2, 'info'))
    const r = await check(h.ops)
    expect(r.valid).toBe(true)
    expect(r.counts['maybe-taken']).toBe(1)
  })
})

/** Counts by the definitions, value by value (no fifo, no uncertainty rule). */
function bruteForce(history: readonly Op[]): Record<string, number> {
  const completion = (i: number): Op | undefined => history.slice(i + 1).find((o) => o.process === history[i]!.process)
  const calls = history.filter((o) => o.type === 'invoke').map((inv) => ({ inv, done: completion(inv.index) }))
  const outs = calls.filter((c) => c.inv.f === 'dequeue' && c.done?.type === 'ok' && c.done.value !== null).map((c) => c.done!.value)
  const emptyAt = calls.filter((c) => c.inv.f === 'dequeue' && c.done?.type === 'ok' && c.done.value === null).map((c) => c.inv.index)
  const enq = calls.filter((c) => c.inv.f === 'enqueue')
  const received = calls.filter((c) => c.inv.f === 'dequeue' && c.done?.type === 'info' && c.done.value !== null).map((c) => c.done!.value)
  const counts = { lost: 0, unexpected: 0, duplicated: 0, recovered: 0, unconfirmed: 0, 'maybe-taken': 0 }
  for (const e of enq) {
    const n = outs.filter((v) => v === e.inv.value).length
    const seen = received.includes(e.inv.value)
    const type = e.done?.type ?? 'pending'
    if ((n > 0 || seen) && type !== 'ok' && type !== 'fail') counts.recovered++
    if (n === 0 && seen && type === 'ok') counts['maybe-taken']++
    if (n > 0 || seen || type !== 'ok') continue
    if (emptyAt.some((i) => i > e.done!.index)) counts.lost++
    else counts.unconfirmed++
  }
  for (const v of new Set(outs)) {
    const e = enq.find((c) => c.inv.value === v)
    if (!e || e.done?.type === 'fail') counts.unexpected++
    if (outs.filter((x) => x === v).length > 1) counts.duplicated++
  }
  for (const v of new Set(received)) {
    const e = enq.find((c) => c.inv.value === v)
    if (!outs.includes(v) && (!e || e.done?.type === 'fail')) counts.unexpected++
  }
  return counts
}

describe('queue checker: agrees with the definitions on random histories', () => {
  it('lost, unexpected, duplicated, recovered, unconfirmed and maybe-taken counts (2,000 histories)', async () => {
    const call = fc.oneof(
      fc.record({ f: fc.constant('enqueue'), value: fc.integer({ min: 0, max: 5 }), type: fc.constantFrom('ok', 'ok', 'fail', 'info') }),
      fc.record({ f: fc.constant('dequeue'), value: fc.constant(null), result: fc.option(fc.integer({ min: 0, max: 6 })), type: fc.constantFrom('ok', 'ok', 'ok', 'fail', 'info') }),
    ) as fc.Arbitrary<Call>
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(call, { maxLength: 5 }), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 40 }), async (procs, picks) => {
        const used = new Set<unknown>()
        const unique = procs.map((calls) => calls.filter((c) => c.f !== 'enqueue' || (!used.has(c.value) && used.add(c.value))))
        const history = interleave(unique, picks)
        expect((await check(history)).counts).toEqual(bruteForce(history))
      }),
      { numRuns: 2000, seed: 14 },
    )
  })
})
