import { describe, expect, it } from 'vitest'
import { drainQueue, queueOptions, queueWorkload, settlingQueueWorkload } from '../../../workloads/queue.js'
import { queueChecker, type QueueResult } from '../../../checkers/queue.js'
import { simulate } from '../../../core/generator/index.js'
import type { Completion, Op } from '../../../core/op.js'
import { invokes, options, play } from './helpers.js'

/** A FIFO queue answering the simulated ops. */
function fifo(): (op: Op) => Completion {
  const items: unknown[] = []
  return (op) => {
    if (op.f === 'enqueue') {
      items.push(op.value)
      return { type: 'ok' }
    }
    return { type: 'ok', value: items.length ? items.shift() : null }
  }
}

describe('queue workload', () => {
  it('enqueues each value once, dequeues, then drains one dequeue at a time until the queue is empty', () => {
    const h = play(queueWorkload, options({ dequeueFraction: 0.3 }), 0.3, fifo())
    const values = invokes(h).filter((op) => op.f === 'enqueue').map((op) => op.value)
    expect(new Set(values).size).toBe(values.length)
    // More enqueues than dequeues: the drain has work; it ends with the first empty answer.
    const last = h.filter((op) => op.type === 'ok').at(-1)!
    expect(last).toMatchObject({ f: 'dequeue', value: null })
    const emptyAnswers = h.filter((op) => op.type === 'ok' && op.f === 'dequeue' && op.value === null && op.index > h.findLastIndex((o) => o.f === 'enqueue'))
    expect(emptyAnswers).toHaveLength(1)
    const dequeued = h.filter((op) => op.type === 'ok' && op.f === 'dequeue' && op.value !== null).map((op) => op.value)
    expect(dequeued.sort()).toEqual(values.filter((v) => h.some((op) => op.type === 'ok' && op.f === 'enqueue' && op.value === v)).sort())
  })

  it('the drain waits for each dequeue, and gives up after 20 that did not answer', () => {
    const h = simulate(drainQueue(), { concurrency: 3, seed: 1, completeAfterNs: 1e6, answer: () => ({ type: 'info', error: 'timeout' }) })
    expect(invokes(h)).toHaveLength(20)
    let open = 0
    for (const op of h) {
      open += op.type === 'invoke' ? 1 : -1
      expect(open).toBeLessThanOrEqual(1)
    }
  })

  it('settling: main-phase dequeues carry unique request ids; the final phase settles them, then drains with dequeues that carry none', () => {
    const h = play(settlingQueueWorkload, options(), 0.3, fifo())
    expect(settlingQueueWorkload.operations).toEqual(['enqueue', 'dequeue', 'settle-dequeues'])
    const settle = invokes(h).findIndex((op) => op.f === 'settle-dequeues')
    expect(invokes(h).filter((op) => op.f === 'settle-dequeues')).toHaveLength(1)
    const requests = invokes(h).slice(0, settle).filter((op) => op.f === 'dequeue').map((op) => op.value)
    expect(requests.length).toBeGreaterThan(10)
    expect(requests.every((r) => typeof r === 'string' && /^d\d+$/.test(r))).toBe(true)
    expect(new Set(requests).size).toBe(requests.length)
    expect(invokes(h).slice(settle + 1).every((op) => op.f === 'dequeue' && op.value === null)).toBe(true)
    // The plain workload is unchanged: dequeues carry null, no settle.
    expect(invokes(play(queueWorkload, options(), 0.3, fifo())).every((op) => op.f !== 'settle-dequeues' && (op.f === 'enqueue' || op.value === null))).toBe(true)
  })

  it('settling: a queue that takes values for dequeues that then time out is judged valid once settled; unsettled it is unknown', async () => {
    /** A FIFO queue keeping request → value taken; every 3rd dequeue takes its value and answers nothing (info). */
    const settlingFifo = (): ((op: Op) => Completion) => {
      const items: unknown[] = []
      const taken = new Map<unknown, unknown>()
      let dequeues = 0
      return (op) => {
        if (op.f === 'enqueue') {
          items.push(op.value)
          return { type: 'ok' }
        }
        if (op.f === 'settle-dequeues') return { type: 'ok', value: Object.fromEntries(taken) }
        const value = items.length ? items.shift() : null
        if (op.value !== null && value !== null) taken.set(op.value, value)
        return ++dequeues % 3 === 0 && op.value !== null ? { type: 'info', error: 'timeout' } : { type: 'ok', value }
      }
    }
    const check = async (h: Op[]): Promise<QueueResult> => (await queueChecker().check(h, { concurrency: 5, nodes: [] })) as QueueResult
    const settled = await check(play(settlingQueueWorkload, options(), 0.3, settlingFifo()))
    expect(settled.learnedDequeues.count).toBeGreaterThan(10)
    expect(settled).toMatchObject({ valid: true, uncertainDequeues: 0 })
    // Without the settle (the last op), those timed-out dequeues may have taken anything.
    const unsettled = play(settlingQueueWorkload, options(), 0.3, settlingFifo()).filter((op) => op.f !== 'settle-dequeues')
    expect((await check(unsettled)).valid).toBe('unknown')
  })

  it('fifo turns on the order check; bad options are refused', () => {
    expect(queueOptions(options({ fifo: true }))).toEqual({ dequeueFraction: 0.5, fifo: true, fifoTimeLimit: 60, atLeastOnce: false })
    expect(() => queueOptions(options({ fifo: 1 }))).toThrow(/queue workload: option fifo must be true or false, got 1/)
  })
})
